// crmo redcap: REDCap's data dictionary, records export and import (docs/exchange.md).
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "exchange/pseudonym.hpp"
#include "exchange/redcap.hpp"
#include "formats/cohort_csv.hpp"
#include "formats/exam_documents.hpp"
#include "formats/exam_json.hpp"
#include "formats/exam_source.hpp"
#include "formats/file_io.hpp"
#include "formats/readings_source.hpp"

namespace crmo::cli {

void register_redcap(CLI::App& app, Action& action) {
  struct Opts {
    std::string in, out, to = "json", key;
    SchemeChoice choice;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("redcap", "REDCap: data dictionary, records export (CSV) and import of REDCap CSV exports");
  sub->require_subcommand(1);

  auto* dict = sub->add_subcommand("dictionary", "Write the REDCap data dictionary (instruments exam and lesion, the lesion instrument repeating per site)");
  dict->add_option("OUT", o->out, "Data dictionary CSV to write")->required();
  add_scheme_options(dict, o->choice);
  dict->callback([o, &action] {
    action = [o] {
      Domain d = load_domain(o->choice);
      write_file_atomically(o->out, exchange::redcap_dictionary_csv(d.scheme));
      std::cout << "wrote " << o->out << "\n";
      return 0;
    };
  });

  auto* exp = sub->add_subcommand("export", "Write exams as a REDCap raw CSV export (one record per exam, one lesion instance per graded site)");
  exp->add_option("PATH", o->in, "Exam JSON, folder of exam JSONs, or cohort folder")->required();
  exp->add_option("OUT", o->out, "Records CSV to write")->required();
  exp->add_option("--deid", o->key, "De-identify with this key file (pseudonyms, shifted dates; see `crmo deid keygen`)")
      ->check(CLI::ExistingFile);
  add_scheme_options(exp, o->choice);
  exp->callback([o, &action] {
    action = [o] {
      Domain d = load_domain(o->choice);
      auto exams = load_readings(o->in, d.atlas, d.scheme);  // every reader's reading: one record per exam
      if (!o->key.empty()) exams = exchange::deidentify_exams(exams, exchange::Pseudonymizer(exchange::load_key_file(o->key)));
      write_file_atomically(o->out, exchange::redcap_records_csv(exams, d.scheme));
      std::set<std::string> records;
      for (const auto& e : exams) records.insert(e.id);
      std::cout << "wrote " << records.size() << " record(s) to " << o->out << (o->key.empty() ? "" : " (de-identified)") << "\n";
      return 0;
    };
  });

  auto* imp = sub->add_subcommand("import", "Read a REDCap raw CSV export into exam documents (or a cohort folder), all or nothing");
  imp->add_option("IN", o->in, "REDCap records CSV (raw values)")->required()->check(CLI::ExistingFile);
  imp->add_option("OUT", o->out, "New folder to write")->required();
  imp->add_option("--to", o->to, "json: a folder of exam documents; csv: a cohort folder")->check(CLI::IsMember({"json", "csv"}));
  add_scheme_options(imp, o->choice);
  imp->callback([o, &action] {
    action = [o] {
      Domain d = load_domain(o->choice);
      auto exams = exchange::read_redcap_records(read_text_file(o->in), o->in, d.atlas, d.scheme);
      if (o->to == "csv") {
        write_cohort_folder(o->out, exams);
      } else {
        write_exam_documents(o->out, exams);
      }
      std::set<std::string> ids;
      for (const auto& e : exams) ids.insert(e.id);
      std::cout << "imported " << ids.size() << " exam(s)"
                << (ids.size() < exams.size() ? " (" + std::to_string(exams.size()) + " readings)" : std::string())
                << " into " << o->out << "/\n";
      return 0;
    };
  });
}

}  // namespace crmo::cli
