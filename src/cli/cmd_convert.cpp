// crmo convert IN OUT: between exam documents (JSON) and the cohort tables (CSV).
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "formats/cohort_csv.hpp"
#include "formats/exam_documents.hpp"
#include "formats/exam_json.hpp"
#include "formats/exam_source.hpp"
#include "formats/file_io.hpp"
#include "formats/readings_source.hpp"

namespace crmo::cli {

void register_convert(CLI::App& app, Action& action) {
  struct Opts {
    std::string in, out, to;
    SchemeChoice choice;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("convert",
      "Convert between exam documents and the cohort CSV folder, losslessly. "
      "Exam JSON(s) in -> cohort folder out; cohort folder in -> folder of exam JSONs (or one .json when OUT ends in .json)");
  sub->add_option("IN", o->in, "Exam JSON, folder of exam JSONs, or cohort folder")->required();
  sub->add_option("OUT", o->out, "Output: a new folder, or a .json file for a single exam")->required();
  sub->add_option("--to", o->to, "Force the output form")->check(CLI::IsMember({"json", "csv"}));
  add_scheme_options(sub, o->choice);
  sub->callback([o, &action] {
    action = [o] {
      Domain d = load_domain(o->choice);
      auto kind = exam_source_kind(o->in);
      auto exams = load_readings(o->in, d.atlas, d.scheme);  // every reader's reading (docs/readers.md)
      std::string to = o->to;
      if (to.empty()) to = kind == ExamSourceKind::CohortFolder ? "json" : "csv";
      if (to == "csv") {
        write_cohort_folder(o->out, exams);
        std::cout << "wrote " << exams.size() << " exam(s) to " << o->out << "/exams.csv and lesions.csv\n";
      } else if (o->out.size() > 5 && o->out.ends_with(".json")) {
        if (exams.size() != 1)
          throw std::runtime_error("OUT is one .json file but the input has " + std::to_string(exams.size()) +
                                   " readings: give a folder as OUT");
        write_file_atomically(o->out, write_exam_json(exams[0]));
        std::cout << "wrote " << o->out << "\n";
      } else {
        write_exam_documents(o->out, exams);
        std::cout << "wrote " << exams.size() << " exam document(s) to " << o->out << "/\n";
      }
      return 0;
    };
  });
}

}  // namespace crmo::cli
