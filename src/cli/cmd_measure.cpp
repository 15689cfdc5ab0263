// crmo measure EXAM --seed x,y,z: lesion volume and signal ratios by region growing on
// the whole-body STIR of an ingested exam (docs/imaging.md); optionally recorded on a
// site of a crmo.exam/1 document (volume_ml, si_ratio).
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "cli/imaging_cli.hpp"
#include "formats/exam_json.hpp"
#include "formats/file_io.hpp"
#include "formats/input_error.hpp"
#include "imaging/ingest.hpp"
#include "imaging/manifest.hpp"
#include "imaging/measure.hpp"
#include "imaging/nifti.hpp"

namespace fs = std::filesystem;

namespace crmo::cli {

namespace {

// The STIR volume of an ingest folder (whole body first), or the NIfTI file given.
std::string stir_volume(const std::string& exam) {
  if (fs::is_regular_file(exam) && exam.find(".nii") != std::string::npos) return exam;
  nlohmann::json m;
  try {
    m = imaging::read_manifest(exam);
  } catch (const std::exception& e) {
    throw InputError(exam, e.what());
  }
  const fs::path dir = fs::is_directory(exam) ? fs::path(exam) : fs::path(exam).parent_path();
  for (const auto& v : m["volumes"])
    if (v.value("kind", "") == "whole_body" && v.value("stir", false)) return (dir / v["file"].get<std::string>()).string();
  for (const auto& s : m["series"])
    if (s.contains("file") && s["file"].is_string() &&
        imaging::looks_like_stir(s.value("description", ""), s.value("inversion_time_ms", 0.0)))
      return (dir / s["file"].get<std::string>()).string();
  throw InputError(exam, "no STIR volume in this ingested exam");
}

void record_on_exam(const std::string& path, const std::string& site, const imaging::Measurement& m,
                    const SchemeChoice& choice) {
  const Domain d = load_domain(choice);
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot read the exam document");
  std::stringstream text;
  text << in.rdbuf();
  Exam exam = read_exam_json(text.str(), path, d.atlas, d.scheme);
  SiteGrading* target = nullptr;
  for (auto& l : exam.lesions)
    if (l.site == site) target = &l;
  if (!target) {
    exam.lesions.push_back(SiteGrading{});
    target = &exam.lesions.back();
    target->site = site;
  }
  target->volume_ml = std::round(m.volume_ml * 1000.0) / 1000.0;
  if (m.lesion_to_muscle) target->si_ratio = std::round(*m.lesion_to_muscle * 1000.0) / 1000.0;
  const std::string out = write_exam_json(exam);
  (void)read_exam_json(out, path, d.atlas, d.scheme);  // still a valid document (site known)
  write_file_atomically(path, out);
}

// The graded site of the ingested exam nearest the seed (by the atlas placement in the
// manifest), when one lies within `within_mm`; empty otherwise.
std::string nearest_graded_site(const nlohmann::json& manifest, const imaging::Vec3& seed, double within_mm,
                                std::string& note) {
  std::string best;
  double best_d = within_mm;
  if (!manifest.contains("site_positions") || !manifest.contains("graded_sites")) return best;
  for (const auto& g : manifest["graded_sites"]) {
    const std::string site = g.value("site", "");
    for (const auto& s : manifest["site_positions"]) {
      if (s.value("site", "") != site || !s.contains("lps_mm")) continue;
      const auto& p = s["lps_mm"];
      using imaging::operator-;
      const double d = imaging::norm(imaging::Vec3{p[0].get<double>(), p[1].get<double>(), p[2].get<double>()} - seed);
      if (d < best_d) {
        best_d = d;
        best = site;
      }
    }
  }
  if (!best.empty()) note = fmt::format("nearest graded site, {:.0f} mm from where the atlas places it", best_d);
  return best;
}

}  // namespace

void register_measure(CLI::App& app, Action& action) {
  struct Opts {
    std::string exam, seed, muscle, marrow, label, out, record, site, reference = "auto";
    bool ras = false, json = false, no_record = false;
    double radius = 6, k = 3, box = 60;
    std::optional<double> threshold;
    SchemeChoice choice;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("measure", "Measure a lesion from a seed point: volume (mL), signal ratios, label volume");
  sub->add_option("EXAM", o->exam, "Ingested exam folder (crmo ingest --out) or a STIR NIfTI file")->required();
  sub->add_option("--seed", o->seed, "Seed point x,y,z in mm (DICOM LPS; --ras for NIfTI/viewer RAS)")->required();
  sub->add_option("--muscle", o->muscle, "Centre x,y,z of a normal muscle reference sphere");
  sub->add_option("--marrow", o->marrow, "Centre x,y,z of a normal marrow reference sphere");
  sub->add_option("--ref-radius", o->radius, "Reference sphere radius, mm")->check(CLI::PositiveNumber);
  sub->add_option("--reference", o->reference, "Threshold from: auto (muscle, else marrow), muscle, marrow")
      ->check(CLI::IsMember({"auto", "muscle", "marrow"}));
  sub->add_option("--k", o->k, "Threshold = reference mean + k SD")->check(CLI::NonNegativeNumber);
  sub->add_option("--threshold", o->threshold, "Absolute threshold (overrides --reference/--k)");
  sub->add_option("--box", o->box, "Growth bounded to seed +- this many mm")->check(CLI::PositiveNumber);
  sub->add_flag("--ras", o->ras, "Points are RAS (x left-to-right negated, as NIfTI viewers show)");
  sub->add_option("--label", o->label, "Label volume to write (default: lesion_label.nii.gz next to the volume)");
  sub->add_option("--out", o->out, "Write the measurement JSON to this file");
  sub->add_flag("--json", o->json, "Print the measurement as JSON");
  sub->add_option("--record", o->record,
                  "crmo.exam/1 document to record volume_ml and si_ratio on (default: the one given to crmo ingest --exam)");
  sub->add_option("--site", o->site,
                  "Site (unit:side) the measurement belongs to (default: the graded site nearest the seed, within 60 mm)");
  sub->add_flag("--no-record", o->no_record, "Do not record the measurement on the exam document");
  add_scheme_options(sub, o->choice);
  sub->callback([o, &action] {
    action = [o] {
      auto point = [&](const std::string& s, const char* opt) {
        imaging::Vec3 p = parse_point(s, opt);
        if (o->ras) p = {-p[0], -p[1], p[2]};
        return p;
      };
      imaging::MeasureOptions mo;
      mo.seed = point(o->seed, "--seed");
      if (!o->muscle.empty()) mo.muscle = point(o->muscle, "--muscle");
      if (!o->marrow.empty()) mo.marrow = point(o->marrow, "--marrow");
      mo.reference_radius_mm = o->radius;
      mo.threshold_reference = o->reference;
      mo.k_sd = o->k;
      mo.threshold = o->threshold;
      mo.box_half_mm = o->box;
      const std::string volume_path = stir_volume(o->exam);
      // Where to record: --record, else the exam document the ingest was given.
      nlohmann::json manifest;
      if (!(fs::is_regular_file(o->exam) && o->exam.find(".nii") != std::string::npos))
        manifest = imaging::read_manifest(o->exam);
      std::string record = o->record, site = o->site, site_note;
      if (record.empty() && !o->no_record && manifest.contains("exam_document"))
        record = manifest["exam_document"].get<std::string>();
      if (o->no_record) record.clear();
      if (!record.empty() && site.empty()) {
        site = nearest_graded_site(manifest, mo.seed, 60.0, site_note);
        if (site.empty())
          throw InputError("--site", "no graded site of this exam lies near the seed; say which site with --site unit:side "
                                     "(or --no-record)");
      }
      const imaging::NiftiRead nr = imaging::read_nifti(volume_path);
      if (!nr.volume) throw InputError(volume_path, nr.error);
      imaging::Volume label;
      const imaging::Measurement m = imaging::measure_lesion(*nr.volume, mo, &label);
      if (!m.error.empty()) throw InputError("--seed " + o->seed, m.error);
      const std::string label_path =
          o->label.empty() ? (fs::path(volume_path).parent_path() / "lesion_label.nii.gz").string() : o->label;
      imaging::write_nifti(label, label_path, imaging::NiftiOptions{false, true, 6, "crmo lesion label"});
      nlohmann::json j = m.to_json();
      j["volume_file"] = volume_path;
      j["label_file"] = label_path;
      if (!site.empty()) j["site"] = site;
      if (!site_note.empty()) j["site_chosen"] = site_note;
      if (!o->out.empty()) std::ofstream(o->out) << j.dump(2) << "\n";
      if (o->json) {
        print_json(nlohmann::ordered_json::parse(j.dump()));
      } else {
        std::cout << fmt::format("volume {:.2f} mL ({} voxels), mean {:.1f}, max {:.1f}, threshold {:.1f} ({})\n",
                                 m.volume_ml, m.voxels, m.mean, m.max, m.threshold, m.threshold_from);
        if (m.lesion_to_muscle) std::cout << fmt::format("lesion/muscle {:.2f}\n", *m.lesion_to_muscle);
        if (m.lesion_to_marrow) std::cout << fmt::format("lesion/marrow {:.2f}\n", *m.lesion_to_marrow);
        std::cout << fmt::format("label {}\n", label_path);
      }
      if (m.touches_bound)
        std::cerr << "crmo: warning: the region reached the bounding box; it may have leaked (raise --k or --threshold)\n";
      if (!record.empty()) {
        record_on_exam(record, site, m, o->choice);
        std::cerr << fmt::format("crmo: recorded volume_ml and si_ratio on {} site {}{}\n", record, site,
                                 site_note.empty() ? "" : " (" + site_note + ")");
      }
      return 0;
    };
  });
}

}  // namespace crmo::cli
