// crmo blind PATH --reader R2 --out DIR: the blinded reading list of one reader: every
// exam the reader has not read yet, as an exam document holding nothing of the other
// readings, of the patient's other exams or (by default) of the clinical measures
// (docs/readers.md). The reader fills them in; they are readings like any other.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "core/readers/readings.hpp"
#include "formats/exam_json.hpp"
#include "formats/file_io.hpp"
#include "formats/readings_source.hpp"

namespace crmo::cli {

void register_blind(CLI::App& app, Action& action) {
  struct Opts {
    std::string path, reader, exam, out;
    bool show_clinical = false;
    SchemeChoice choice;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("blind", "Blinded reading list for one reader: unread exams without other readings or prior exams");
  sub->add_option("PATH", o->path, "Readings: cohort folder or folder of exam documents")->required();
  sub->add_option("--reader", o->reader, "The reader who will read")->required();
  sub->add_option("--exam", o->exam, "Only this exam (its blinded view, with the reader's own grading if any)");
  sub->add_option("--out", o->out, "Folder to write the exam documents into (default: print them)");
  sub->add_flag("--show-clinical", o->show_clinical, "Keep the clinical measures (default: images only)");
  add_scheme_options(sub, o->choice);
  sub->callback([o, &action] {
    action = [o] {
      Domain d = load_domain(o->choice);
      auto readings = load_readings(o->path, d.atlas, d.scheme);
      readers::BlindOptions opt;
      opt.hide_clinical = !o->show_clinical;
      std::vector<Exam> list;
      if (!o->exam.empty()) {
        try {
          list.push_back(readers::blinded_view(readings, o->exam, o->reader, opt));
        } catch (const std::invalid_argument& e) {
          throw InputError(o->path, e.what());
        }
      } else {
        list = readers::blinded_worklist(readings, o->reader, opt);
      }
      if (o->out.empty()) {
        for (const auto& e : list) std::cout << write_exam_json(e);
        if (list.empty()) std::cerr << "crmo: reader " << o->reader << " has read every exam\n";
        return 0;
      }
      write_folder_atomically(o->out, [&](const std::filesystem::path& dir) {
        for (const auto& e : list) {
          std::string name = e.id;  // exam ids in file names: no path separators
          for (char& ch : name)
            if (ch == '/' || ch == '\\' || ch == ':') ch = '_';
          write_file_atomically(dir / (name + ".json"), write_exam_json(e));
        }
      });
      std::cout << fmt::format("wrote {} blinded exam document(s) for reader {} into {}\n", list.size(), o->reader, o->out);
      return 0;
    };
  });
}

}  // namespace crmo::cli
