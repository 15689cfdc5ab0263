#include "imaging/ingest.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "imaging/dicom_pixels.hpp"
#include "imaging/dicom_scan.hpp"
#include "imaging/dicom_series.hpp"
#include "imaging/join.hpp"
#include "imaging/manifest.hpp"
#include "imaging/nifti.hpp"
#include "imaging/projection.hpp"
#include "imaging/stations.hpp"

namespace fs = std::filesystem;

namespace crmo::imaging {

bool looks_like_stir(const std::string& description, double inversion_time_ms) {
  std::string d = description;
  std::transform(d.begin(), d.end(), d.begin(), ::tolower);
  if (d.find("stir") != std::string::npos || d.find("tirm") != std::string::npos) return true;
  return inversion_time_ms > 80 && inversion_time_ms < 250;
}

namespace {

// CRMO_TIMING=1: each stage's wall time on stderr (to see where ingest spends its time).
class StageTimer {
 public:
  StageTimer() : on_(std::getenv("CRMO_TIMING") != nullptr), last_(std::chrono::steady_clock::now()) {}
  void operator()(const char* stage) {
    if (!on_) return;
    const auto now = std::chrono::steady_clock::now();
    std::fprintf(stderr, "crmo timing: %-28s %8.1f ms\n", stage, std::chrono::duration<double, std::milli>(now - last_).count());
    last_ = now;
  }

 private:
  bool on_;
  std::chrono::steady_clock::time_point last_;
};

void draw_pictures(const Volume& v, const std::string& stem, const IngestOptions& opt, nlohmann::json& m) {
  PictureOptions po;
  po.out_dir = opt.out_dir;
  po.stem = stem;
  po.graded = opt.graded;
  po.marks = opt.marks;
  nlohmann::json p = draw_exam_pictures(v, po);
  m["pictures"] = std::move(p["pictures"]);
  m["body"] = std::move(p["body"]);
  m["body"]["volume"] = stem;
  m["site_positions"] = std::move(p["sites"]);
}

}  // namespace

IngestResult ingest(const IngestOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  IngestResult res;
  fs::create_directories(opt.out_dir);
  auto progress = [&](const std::string& stage) {
    return [&opt, stage](std::size_t d, std::size_t t) {
      if (opt.progress) opt.progress(stage, d, t);
    };
  };
  StageTimer timer;
  ScanResult scan = scan_dicom(opt.input, progress("scan"), opt.threads);
  timer("scan headers");
  SeriesResult planned = plan_series(scan.headers);
  timer("plan series");
  const std::vector<StationGroup> groups = find_station_groups(planned.series);
  nlohmann::json m;
  m["format"] = kManifestFormat;
  m["exam_id"] = opt.exam_id;
  if (!opt.exam_document.empty()) m["exam_document"] = opt.exam_document;
  m["graded_sites"] = nlohmann::json::array();
  for (const auto& g : opt.graded) m["graded_sites"].push_back({{"site", g.site}, {"grade", g.grade}});
  m["source"] = fs::absolute(opt.input).string();
  m["coordinates"] = "DICOM patient coordinates (LPS), mm; NIfTI files carry RAS qform/sform";
  m["files_seen"] = scan.files_seen;
  m["bytes_seen"] = scan.bytes_seen;
  if (!scan.headers.empty()) {
    const DicomHeader& h = scan.headers.front();
    m["patient_id"] = h.patient_id;
    m["study_uid"] = h.study_uid;
    m["study_date"] = h.study_date;
    m["study_description"] = h.study_description;
    m["manufacturer"] = h.manufacturer;
  }
  std::vector<Problem> problems = scan.problems;
  problems.insert(problems.end(), planned.problems.begin(), planned.problems.end());
  m["series"] = nlohmann::json::array();
  m["stations"] = nlohmann::json::array();
  m["volumes"] = nlohmann::json::array();
  m["pictures"] = nlohmann::json::array();
  std::vector<std::string> group_of(planned.series.size());
  for (const auto& g : groups)
    for (std::size_t i : g.series) group_of[i] = g.id;
  const std::string ext = opt.gzip ? ".nii.gz" : ".nii";
  std::size_t total_steps = planned.series.size(), steps = 0;
  auto step = [&] {
    ++steps;
    if (opt.progress) opt.progress("read", steps, total_steps);
  };
  auto write_volume = [&](const Volume& v, const std::string& name, const std::string& kind,
                          const nlohmann::json& extra) {
    write_nifti(v, (fs::path(opt.out_dir) / name).string(), NiftiOptions{true, false, 1, kind});
    ++res.volumes_written;
    res.bytes_written += v.bytes();
    nlohmann::json j = extra;
    j["file"] = name;
    j["kind"] = kind;
    j["geometry"] = geometry_json(flipped(v.geom, 1, v.dims.ny), v.dims, v.nt);
    j["geometry_note"] = "geometry of the voxels as stored in the file (rows bottom-up, as dcm2niix)";
    m["volumes"].push_back(j);
  };
  bool pictures_done = false;
  // Station groups: load, join, write, draw (one sequence in memory at a time).
  for (const auto& g : groups) {
    std::vector<Volume> stations;
    std::vector<const Volume*> ptrs;
    stations.reserve(g.series.size());
    nlohmann::json st;
    st["id"] = g.id;
    st["description_stem"] = g.stem;
    st["series"] = nlohmann::json::array();
    for (std::size_t i : g.series) {
      LoadResult lr = load_series(scan.headers, planned.series[i], {}, opt.threads);
      problems.insert(problems.end(), lr.problems.begin(), lr.problems.end());
      stations.push_back(std::move(lr.volume));
      st["series"].push_back(planned.series[i].id);
      step();
    }
    timer("load stations");
    for (const auto& s : stations) ptrs.push_back(&s);
    if (opt.write_stations)
      for (std::size_t k = 0; k < stations.size(); ++k)
        write_volume(stations[k], planned.series[g.series[k]].id + ext, "station", {{"series", planned.series[g.series[k]].id}});
    if (opt.progress) opt.progress("join", 0, 1);
    JoinResult jr = join_stations(ptrs, g.join_axis);
    stations.clear();
    ptrs.clear();
    timer("join");
    if (!jr.error.empty()) {
      problems.push_back({g.id, jr.error});
      st["error"] = jr.error;
      m["stations"].push_back(st);
      continue;
    }
    st["overlap_mm"] = jr.overlap_mm;
    st["file"] = g.id + ext;
    const SeriesPlan& first = planned.series[g.series.front()];
    const bool stir = looks_like_stir(g.stem, first.inversion_time);
    st["stir"] = stir;
    m["stations"].push_back(st);
    write_volume(jr.volume, g.id + ext, "whole_body", {{"stations", g.id}, {"stir", stir}});
    timer("write whole body");
    if (stir && !pictures_done) {
      if (opt.progress) opt.progress("pictures", 0, 1);
      draw_pictures(jr.volume, g.id, opt, m);
      pictures_done = true;
      timer("pictures");
    }
  }
  // Series that are not stations of a sequence.
  for (std::size_t i = 0; i < planned.series.size(); ++i) {
    const SeriesPlan& s = planned.series[i];
    nlohmann::json sj = series_json(s, &scan.headers);
    sj["station_group"] = group_of[i].empty() ? nlohmann::json() : nlohmann::json(group_of[i]);
    if (group_of[i].empty()) {
      LoadResult lr = load_series(scan.headers, s, {}, opt.threads);
      problems.insert(problems.end(), lr.problems.begin(), lr.problems.end());
      write_volume(lr.volume, s.id + ext, "series", {{"series", s.id}});
      sj["file"] = s.id + ext;
      if (!pictures_done && looks_like_stir(s.description, s.inversion_time) && lr.volume.nt == 1) {
        draw_pictures(lr.volume, s.id, opt, m);
        pictures_done = true;
      }
      step();
    } else if (opt.write_stations) {
      sj["file"] = s.id + ext;
    }
    m["series"].push_back(sj);
  }
  m["problems"] = nlohmann::json::array();
  for (const auto& p : problems) m["problems"].push_back(problem_json(p));
  res.problems = problems.size();
  m["volumes_written"] = res.volumes_written;
  m["voxel_bytes_written"] = res.bytes_written;
  m["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  write_manifest(opt.out_dir, m);
  timer("manifest");
  res.manifest = std::move(m);
  return res;
}

}  // namespace crmo::imaging
