// crmo deid: keys, and de-identified copies of exams and DICOM files (docs/exchange.md).
#include <cctype>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <memory>
#include <set>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "exchange/dicom_deid.hpp"
#include "exchange/pseudonym.hpp"
#include "formats/cohort_csv.hpp"
#include "formats/exam_json.hpp"
#include "formats/exam_source.hpp"
#include "formats/file_io.hpp"
#include "formats/readings_source.hpp"

namespace crmo::cli {

namespace {

// A reader's name as a folder name (letters, digits, '-', '_' kept; the rest '_').
std::string reader_folder(const std::string& reader) {
  std::string out = reader.empty() ? "reading" : reader;
  for (char& ch : out)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_') ch = '_';
  return out;
}

}  // namespace

void register_deid(CLI::App& app, Action& action) {
  struct Opts {
    std::string in, out, key, to;
    SchemeChoice choice;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("deid", "De-identification: make a key; de-identified copies of exams and DICOM files");
  sub->require_subcommand(1);

  auto* keygen = sub->add_subcommand("keygen", "Write a new random key file (64 hex digits, mode 0600); keep it secret and keep it: "
                                               "the same key gives the same pseudonyms and date offsets in every export");
  keygen->add_option("KEY", o->key, "Key file to create (never overwritten)")->required();
  keygen->callback([o, &action] {
    action = [o] {
      exchange::write_new_key_file(o->key);
      std::cout << "wrote a new key to " << o->key << "\n";
      return 0;
    };
  });

  auto* exams = sub->add_subcommand("exams", "De-identify exams: keyed pseudonyms for patient and exam ids, dates shifted per patient; "
                                             "every reader's reading is kept");
  exams->add_option("PATH", o->in, "Exam JSON, folder of exam JSONs (one subfolder per reader allowed), or cohort folder")
      ->required();
  exams->add_option("OUT", o->out, "New folder: a cohort folder (csv, default) or exam documents (json)")->required();
  exams->add_option("--key", o->key, "Key file")->required()->check(CLI::ExistingFile);
  exams->add_option("--to", o->to, "csv or json")->check(CLI::IsMember({"json", "csv"}));
  add_scheme_options(exams, o->choice);
  exams->callback([o, &action] {
    action = [o] {
      Domain d = load_domain(o->choice);
      // Every reading (several readers of one exam keep their own readings, as
      // `crmo agreement` reads them), with the same pseudonyms and date shifts.
      auto list = exchange::deidentify_exams(load_readings(o->in, d.atlas, d.scheme),
                                             exchange::Pseudonymizer(exchange::load_key_file(o->key)));
      std::set<std::string> ids;
      for (const auto& e : list) ids.insert(e.id);
      const bool several_readers = ids.size() < list.size();
      if (o->to == "json") {
        // One document per exam; with several readers one folder per reader, which
        // load_readings (crmo agreement, import) reads back.
        write_folder_atomically(o->out, [&](const std::filesystem::path& tmp) {
          for (const auto& e : list) {
            const std::filesystem::path dir = several_readers ? tmp / reader_folder(e.reader) : tmp;
            const std::filesystem::path file = dir / (e.id + ".json");
            if (std::filesystem::exists(file))  // two readers' names made one folder name
              throw std::runtime_error("readers' names too alike for one folder each: " + e.reader + " (exam " + e.id +
                                       "); use --to csv");
            std::filesystem::create_directories(dir);
            write_file_atomically(file, write_exam_json(e));
          }
        });
      } else {
        write_cohort_folder(o->out, list);
      }
      std::cout << "wrote " << list.size() << " de-identified reading(s) of " << ids.size() << " exam(s) to " << o->out
                << "/\n";
      return 0;
    };
  });

  auto* dicom = sub->add_subcommand("dicom", "De-identify DICOM files by the PS3.15 basic profile (docs/exchange.md): "
                                             "keyed patient pseudonym, dates shifted per patient, UIDs replaced");
  dicom->add_option("IN", o->in, "DICOM file or folder (recursively)")->required()->check(CLI::ExistingPath);
  dicom->add_option("OUT", o->out, "New folder for the de-identified files")->required();
  dicom->add_option("--key", o->key, "Key file")->required()->check(CLI::ExistingFile);
  dicom->callback([o, &action] {
    action = [o] {
      exchange::Pseudonymizer p(exchange::load_key_file(o->key));
      auto result = exchange::deidentify_dicom_tree(o->in, o->out, p);
      for (const auto& s : result.skipped) std::cerr << "skipped (not DICOM): " << s << "\n";
      std::cout << "wrote " << result.written << " de-identified file(s) to " << o->out << "/\n";
      return result.written == 0 ? 2 : 0;
    };
  });
}

}  // namespace crmo::cli
