// crmo export OUT: every stored exam out as exam documents or a cohort folder.
#include <iostream>
#include <memory>
#include <set>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "formats/cohort_csv.hpp"
#include "formats/exam_json.hpp"
#include "formats/file_io.hpp"
#include "store/store.hpp"

namespace crmo::cli {

namespace {
std::string export_file_name(const std::string& exam_id) {
  std::string out;
  for (char c : exam_id) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  return out + ".json";
}
}  // namespace

void register_export(CLI::App& app, Action& action) {
  struct Opts {
    std::string out, db = "crmo.db", to = "json";
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("export", "Export every stored exam: a folder of exam documents, or a cohort folder (--to csv)");
  sub->add_option("OUT", o->out, "A new folder")->required();
  sub->add_option("--db", o->db, "SQLite file, or a postgresql:// URL");
  sub->add_option("--to", o->to, "json: one exam document per exam; csv: exams.csv + lesions.csv")
      ->check(CLI::IsMember({"json", "csv"}));
  sub->callback([o, &action] {
    action = [o] {
      auto store = store::Store::open(o->db);
      auto exams = store->all_exams();
      if (o->to == "csv") {
        write_cohort_folder(o->out, exams);
      } else {
        std::set<std::string> names;
        for (const auto& e : exams)
          if (!names.insert(export_file_name(e.id)).second)
            throw std::runtime_error("two exam ids map to the file name " + export_file_name(e.id));
        write_folder_atomically(o->out, [&](const std::filesystem::path& tmp) {
          for (const auto& e : exams) write_file_atomically(tmp / export_file_name(e.id), write_exam_json(e));
        });
      }
      std::cout << "exported " << exams.size() << " exam(s) to " << o->out << "/\n";
      return 0;
    };
  });
}

}  // namespace crmo::cli
