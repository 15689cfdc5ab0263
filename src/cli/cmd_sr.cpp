// crmo sr EXAM --dicom DIR --series-uid UID --out FILE.dcm: the exam's graded sites and
// measurements as a DICOM SR TID 1500 measurement report referencing its source series
// (docs/exchange.md, "DICOM SR").
#include <array>
#include <cmath>
#include <cstdlib>
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
#include "formats/input_error.hpp"

namespace crmo::cli {

namespace {

std::string seed_site(const std::string& arg) {
  const auto eq = arg.find('=');
  if (eq == std::string::npos || eq == 0) throw InputError("--seed " + arg, "expected SITE=x,y,z (e.g. tibia.distal_metaphysis:L=12,-40,-610)");
  return arg.substr(0, eq);
}

std::array<double, 3> seed_point(const std::string& arg) {
  const std::string xyz = arg.substr(arg.find('=') + 1);
  std::array<double, 3> p{};
  std::size_t at = 0;
  for (int i = 0; i < 3; ++i) {
    const auto end = xyz.find(',', at);
    const std::string part = xyz.substr(at, end == std::string::npos ? std::string::npos : end - at);
    char* stop = nullptr;
    p[i] = std::strtod(part.c_str(), &stop);
    if (part.empty() || *stop != '\0' || !std::isfinite(p[i]) || (i < 2) == (end == std::string::npos))
      throw InputError("--seed " + arg, "expected three numbers x,y,z in mm after the site");
    at = end + 1;
  }
  return p;
}

}  // namespace

void register_sr(CLI::App& app, Action& action) {
  struct Opts {
    std::string exam, exam_id, reader, dicom, out, key;
    std::vector<std::string> series, seeds;
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
  sub->add_option("--seed", o->seeds,
                  "SITE=x,y,z: a point on that site's lesion in DICOM LPS mm (the seed given to crmo measure); the "
                  "source image holding it is referenced by the site's measurements (repeatable)");
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
      for (const auto& s : o->seeds) in.seeds[seed_site(s)] = seed_point(s);
      const auto r = exchange::write_measurement_report(in, o->out);
      if (o->json) {
        print_json({{"file", o->out}, {"sop_instance_uid", r.sop_instance_uid},
                    {"series_instance_uid", r.series_instance_uid}, {"study_instance_uid", r.study_instance_uid},
                    {"measurement_groups", r.measurement_groups}, {"referenced_images", r.referenced_images},
                    {"seed_images", r.seed_images},
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
