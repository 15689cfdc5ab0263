// crmo sr EXAM --dicom DIR --series-uid UID --out FILE.dcm: the exam's graded sites and
// measurements as a DICOM SR TID 1500 measurement report referencing its source series
// (docs/exchange.md, "DICOM SR").
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "cli/exam_pick.hpp"
#include "core/scoring.hpp"
#include "exchange/pseudonym.hpp"
#include "exchange/sr.hpp"
#include "formats/exam_source.hpp"

namespace crmo::cli {

void register_sr(CLI::App& app, Action& action) {
  struct Opts {
    std::string exam, exam_id, reader, dicom, out, key;
    std::vector<std::string> series;
    bool json = false;
    SchemeChoice choice;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand(
      "sr", "Write an exam's grades and lesion measurements as a DICOM SR measurement report (TID 1500) "
            "referencing the source series");
  sub->add_option("EXAM", o->exam, "Exam JSON (or a folder / cohort with --exam-id)")->required();
  sub->add_option("--exam-id", o->exam_id, "Which exam, when EXAM holds several");
  sub->add_option("--reader", o->reader, "Which reading, when several readers read the exam");
  sub->add_option("--dicom", o->dicom, "Folder (or file) with the source images")->required()->check(CLI::ExistingPath);
  sub->add_option("--series-uid", o->series, "Series Instance UID of a source series (repeatable)")->required();
  sub->add_option("--out", o->out, "SR file to write (.dcm)")->required();
  sub->add_option("--deid", o->key, "De-identify the report with this key file (as `crmo deid dicom` does the images)")
      ->check(CLI::ExistingFile);
  sub->add_flag("--json", o->json, "Print a summary as JSON");
  add_scheme_options(sub, o->choice);
  sub->callback([o, &action] {
    action = [o] {
      Domain d = load_domain(o->choice);
      auto exams = load_exams(o->exam, d.atlas, d.scheme);
      const Exam& e = o->exam_id.empty() ? only_exam(exams, o->exam) : pick_exam(exams, o->exam_id, o->reader, o->exam);
      const ExamScore score = score_exam(e, d.atlas, d.scheme, d.parameter_scheme.parameters);
      std::unique_ptr<exchange::Pseudonymizer> p;
      if (!o->key.empty()) p = std::make_unique<exchange::Pseudonymizer>(exchange::load_key_file(o->key));
      exchange::SrInput in;
      in.exam = &e;
      in.score = &score;
      in.atlas = &d.atlas;
      in.scheme = &d.scheme;
      in.dicom = o->dicom;
      in.series_uids = o->series;
      in.deid = p.get();
      const auto r = exchange::write_measurement_report(in, o->out);
      if (o->json) {
        print_json({{"file", o->out}, {"sop_instance_uid", r.sop_instance_uid},
                    {"series_instance_uid", r.series_instance_uid}, {"study_instance_uid", r.study_instance_uid},
                    {"measurement_groups", r.measurement_groups}, {"referenced_images", r.referenced_images},
                    {"deidentified", p != nullptr}});
      } else {
        std::cout << fmt::format("wrote {}: {} measurement group(s), {} referenced image(s){}\n", o->out,
                                 r.measurement_groups, r.referenced_images, p ? " (de-identified)" : "");
      }
      return 0;
    };
  });
}

}  // namespace crmo::cli
