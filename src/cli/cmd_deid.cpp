// crmo deid: keys, and de-identified copies of exams and DICOM files (docs/exchange.md).
#include <iostream>
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

namespace crmo::cli {

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

  auto* exams = sub->add_subcommand("exams", "De-identify exams: keyed pseudonyms for patient and exam ids, dates shifted per patient");
  exams->add_option("PATH", o->in, "Exam JSON, folder of exam JSONs, or cohort folder")->required();
  exams->add_option("OUT", o->out, "New folder: a cohort folder (csv, default) or exam documents (json)")->required();
  exams->add_option("--key", o->key, "Key file")->required()->check(CLI::ExistingFile);
  exams->add_option("--to", o->to, "csv or json")->check(CLI::IsMember({"json", "csv"}));
  add_scheme_options(exams, o->choice);
  exams->callback([o, &action] {
    action = [o] {
      Domain d = load_domain(o->choice);
      auto list = exchange::deidentify_exams(load_exams(o->in, d.atlas, d.scheme),
                                             exchange::Pseudonymizer(exchange::load_key_file(o->key)));
      if (o->to == "json") {
        write_folder_atomically(o->out, [&](const std::filesystem::path& tmp) {
          for (const auto& e : list) write_file_atomically(tmp / (e.id + ".json"), write_exam_json(e));
        });
      } else {
        write_cohort_folder(o->out, list);
      }
      std::cout << "wrote " << list.size() << " de-identified exam(s) to " << o->out << "/\n";
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
