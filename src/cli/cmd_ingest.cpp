// crmo ingest DIR [--exam ID] --out DIR: reads a WB-MRI DICOM exam (folder or DICOMDIR),
// joins the stations into whole-body volumes (NIfTI), draws the coronal STIR MIP and
// slices (PNG) and writes manifest.json with series, stations, geometry and problems.
#include <malloc.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "cli/imaging_cli.hpp"
#include "formats/exam_json.hpp"
#include "formats/file_io.hpp"
#include "formats/input_error.hpp"
#include "imaging/ingest.hpp"

namespace fs = std::filesystem;

namespace crmo::cli {

namespace {

// Site marks from a JSON file: a phantom truth.json ("lesions": [{site, center}]) or a
// list of {"site", "point": [x, y, z], "grade"} in LPS mm.
std::vector<imaging::SiteMark> read_marks(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot read the marks file");
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded()) throw InputError(path, "not JSON");
  const nlohmann::json& list = j.is_object() && j.contains("lesions") ? j["lesions"] : j;
  if (!list.is_array()) throw InputError(path, "expected a list of marks or a phantom truth.json");
  std::vector<imaging::SiteMark> marks;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& m = list[i];
    const auto& p = m.contains("point") ? m["point"] : m.contains("center") ? m["center"] : nlohmann::json();
    if (!m.is_object() || !m.contains("site") || !m["site"].is_string() || !p.is_array() || p.size() != 3 ||
        !p[0].is_number() || !p[1].is_number() || !p[2].is_number())
      throw InputError(fmt::format("{}: [{}]", path, i), "a mark needs \"site\" and \"point\": [x, y, z]");
    imaging::SiteMark s;
    s.label = m["site"].get<std::string>();
    s.point = {p[0].get<double>(), p[1].get<double>(), p[2].get<double>()};
    if (m.contains("grade") && m["grade"].is_number_integer()) s.grade = m["grade"].get<int>();
    marks.push_back(s);
  }
  return marks;
}

// --exam: a crmo.exam/1 document (its id and graded sites are taken) or just an id.
void apply_exam(const std::string& exam, const SchemeChoice& choice, imaging::IngestOptions& opt) {
  std::error_code ec;
  if (!fs::is_regular_file(exam, ec)) {
    opt.exam_id = exam;
    return;
  }
  const Domain d = load_domain(choice);
  const Exam e = read_exam_json(read_text_file(exam), exam, d.atlas, d.scheme);
  opt.exam_id = e.id;
  opt.exam_document = fs::absolute(exam).string();
  for (const auto& l : e.lesions) {
    // The mark shows the signal grade (the activity readers look for on STIR), else the
    // highest grade given; sites graded all 0 are not marked.
    int grade = l.grades.count("signal") ? l.grade("signal") : 0;
    int top = 0;
    for (const auto& [item, g] : l.grades) top = std::max(top, g);
    if (!l.grades.count("signal")) grade = top;
    if (top > 0) opt.graded.push_back({l.site, grade});
  }
}

}  // namespace

void register_ingest(CLI::App& app, Action& action) {
  struct Opts {
    imaging::IngestOptions ingest;
    std::string marks, exam;
    bool json = false;
    SchemeChoice choice;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand(
      "ingest", "Read a WB-MRI DICOM exam: whole-body volumes (NIfTI), pictures (PNG) and a manifest");
  sub->add_option("DIR", o->ingest.input, "DICOM folder (searched recursively), DICOMDIR or file")->required();
  sub->add_option("--out", o->ingest.out_dir, "Output folder (created; default: the exam id)");
  sub->add_option("--exam", o->exam,
                  "Exam: a crmo.exam/1 document (its graded sites are marked; crmo measure records there) or an id");
  sub->add_flag("--gzip", o->ingest.gzip, "Write .nii.gz instead of .nii");
  sub->add_flag("--stations", o->ingest.write_stations, "Also write each station of a joined sequence");
  sub->add_option("--marks", o->marks, "Sites to mark on the pictures: JSON list of {site, point, grade} or truth.json");
  sub->add_option("--threads", o->ingest.threads, "Threads (0: all cores)");
  sub->add_flag("--json", o->json, "Print the manifest as JSON");
  add_scheme_options(sub, o->choice);
  sub->callback([o, &action] {
    action = [o] {
      if (!o->marks.empty()) o->ingest.marks = read_marks(o->marks);
      if (!o->exam.empty()) apply_exam(o->exam, o->choice, o->ingest);
      if (o->ingest.out_dir.empty()) {
        if (o->ingest.exam_id.empty()) throw InputError("--out", "give the output folder (--out DIR) or --exam");
        o->ingest.out_dir = o->ingest.exam_id;
      }
      ProgressBar bar;
      o->ingest.progress = [&bar](const std::string& stage, std::size_t d, std::size_t t) { bar.update(stage, d, t); };
      // Ingest's slice and picture buffers (1-5 MB each) are above glibc's mmap threshold:
      // each would be fresh pages from the kernel, faulted in one by one and given back
      // when freed (13,000 page faults, about a fifth of ingest's CPU). From the heap
      // they are reused by the next sequence and picture instead. Whole bodies held in
      // memory (exams that are not streamed, 16 MB and more) still come from mmap, so
      // that freeing one gives its memory back.
      ::mallopt(M_MMAP_THRESHOLD, 16 << 20);
      ::mallopt(M_TRIM_THRESHOLD, 64 << 20);
      const imaging::IngestResult r = imaging::ingest(o->ingest);
      o->ingest.progress = nullptr;
      const auto& m = r.manifest;
      for (const auto& p : m["problems"])
        std::cerr << fmt::format("crmo: skipped {}: {}\n", p["path"].get<std::string>(), p["message"].get<std::string>());
      if (o->json) {
        print_json(nlohmann::ordered_json::parse(m.dump()));
      } else {
        for (const auto& s : m["series"]) {
          const auto& d = s["geometry"]["dims"];
          std::cout << fmt::format("series {:>4}  {:<28} {}x{}x{}{}\n", s["series_number"].get<int>(),
                                   s["description"].get<std::string>(), d[0].get<int>(), d[1].get<int>(),
                                   d[2].get<int>(),
                                   s["station_group"].is_string() ? "  station of " + s["station_group"].get<std::string>() : "");
        }
        for (const auto& v : m["volumes"])
          if (v["kind"] == "whole_body")
            std::cout << fmt::format("whole body  {}\n", v["file"].get<std::string>());
      }
      std::cerr << fmt::format("crmo: {} series, {} volumes written to {} ({} problems) in {:.2f} s\n",
                               m["series"].size(), r.volumes_written, o->ingest.out_dir, r.problems,
                               m["seconds"].get<double>());
      if (m["series"].empty())
        throw InputError(o->ingest.input, "no readable image series found");
      return 0;
    };
  });
}

}  // namespace crmo::cli
