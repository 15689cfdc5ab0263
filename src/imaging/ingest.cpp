#include "imaging/ingest.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <future>
#include <memory>
#include <fstream>
#include <optional>

#include "imaging/dicom_pixels.hpp"
#include "imaging/dicom_scan.hpp"
#include "imaging/dicom_series.hpp"
#include "imaging/join.hpp"
#include "imaging/load_joined.hpp"
#include "imaging/manifest.hpp"
#include "imaging/nifti.hpp"
#include "imaging/projection.hpp"
#include "imaging/stations.hpp"
#include "imaging/stream_joined.hpp"

namespace fs = std::filesystem;

namespace crmo::imaging {

bool looks_like_stir(const std::string& description, double inversion_time_ms) {
  std::string d = description;
  std::transform(d.begin(), d.end(), d.begin(), ::tolower);
  if (d.find("stir") != std::string::npos || d.find("tirm") != std::string::npos) return true;
  return inversion_time_ms > 80 && inversion_time_ms < 250;
}

namespace {

// CRMO_TIMING=1: each stage's wall and CPU time (all threads) on stderr, to see where
// ingest spends its time on a shared machine (where wall time says little).
double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

class StageTimer {
 public:
  StageTimer() : on_(std::getenv("CRMO_TIMING") != nullptr), last_(std::chrono::steady_clock::now()), cpu_(cpu_ms()) {}
  void operator()(const char* stage) {
    if (!on_) return;
    const auto now = std::chrono::steady_clock::now();
    const double c = cpu_ms();
    std::fprintf(stderr, "crmo timing: %-22s wall %7.1f ms  cpu %7.1f ms\n", stage,
                 std::chrono::duration<double, std::milli>(now - last_).count(), c - cpu_);
    last_ = now;
    cpu_ = c;
  }

 private:
  bool on_;
  std::chrono::steady_clock::time_point last_;
  double cpu_;
};

void draw_pictures(const PictureSource& src, const std::string& stem, const IngestOptions& opt, nlohmann::json& m) {
  PictureOptions po;
  po.out_dir = opt.out_dir;
  po.stem = stem;
  po.graded = opt.graded;
  po.marks = opt.marks;
  nlohmann::json p = draw_exam_pictures(src, po);
  m["pictures"] = std::move(p["pictures"]);
  m["body"] = std::move(p["body"]);
  m["body"]["volume"] = stem;
  m["site_positions"] = std::move(p["sites"]);
}

void draw_pictures(const Volume& v, const std::string& stem, const IngestOptions& opt, nlohmann::json& m) {
  PictureSource src{v, coronal_mip(v), [&v](std::size_t k) { return coronal_slice(v, k); }, {}};
  src.row_max = row_max_of(v, src.mip);
  draw_pictures(src, stem, opt, m);
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
  auto record_volume = [&](const Volume& v, const std::string& name, const std::string& kind,
                           const nlohmann::json& extra, std::size_t bytes) {
    ++res.volumes_written;
    res.bytes_written += bytes;
    nlohmann::json j = extra;
    j["file"] = name;
    j["kind"] = kind;
    j["geometry"] = geometry_json(flipped(v.geom, 1, v.dims.ny), v.dims, v.nt);
    j["geometry_note"] = "geometry of the voxels as stored in the file (rows bottom-up, as dcm2niix)";
    m["volumes"].push_back(j);
  };
  auto write_volume = [&](const Volume& v, const std::string& name, const std::string& kind,
                          const nlohmann::json& extra) {
    write_nifti(v, (fs::path(opt.out_dir) / name).string(), NiftiOptions{true, false, 1, kind});
    record_volume(v, name, kind, extra, v.bytes());
  };
  // The usual exam is streamed (no whole body in memory) and its STIR's pictures are drawn
  // on a thread of their own while the next sequence streams. A whole body loaded into
  // memory (the other exams) is written on a thread of its own while its pictures are
  // drawn, and the next sequence waits for both: one whole body in memory at a time
  // (peak memory: docs/imaging.md).
  std::future<void> writing;
  std::future<nlohmann::json> picturing;
  std::optional<nlohmann::json> pictures;  // once drawn
  bool pictures_hold_a_body = false;
  auto write_in_background = [&](std::shared_ptr<const Volume> v, const std::string& name, const std::string& kind,
                                 const nlohmann::json& extra) {
    if (writing.valid()) writing.get();
    const std::string path = (fs::path(opt.out_dir) / name).string();
    writing = std::async(std::launch::async, [v, path, kind] { write_nifti(*v, path, NiftiOptions{true, false, 1, kind}); });
    record_volume(*v, name, kind, extra, v->bytes());
  };
  bool pictures_done = false;
  // Station groups: load, join, write, draw.
  for (const StationGroup& g : groups) {
    nlohmann::json st;
    st["id"] = g.id;
    st["description_stem"] = g.stem;
    st["series"] = nlohmann::json::array();
    std::vector<const SeriesPlan*> plans;
    for (std::size_t i : g.series) {
      plans.push_back(&planned.series[i]);
      st["series"].push_back(planned.series[i].id);
    }
    const SeriesPlan& first = planned.series[g.series.front()];
    const bool stir = looks_like_stir(g.stem, first.inversion_time);
    if (!opt.write_stations && !opt.gzip && streamable(scan.headers, plans, g.join_axis)) {
      // The usual exam: straight from the files into the NIfTI file, slice by slice.
      if (writing.valid()) writing.get();
      const std::string name = g.id + ext, path = (fs::path(opt.out_dir) / name).string();
      auto body = std::make_shared<StreamedBody>(
          stream_joined(scan.headers, plans, g.join_axis, path, "whole_body", problems, opt.threads));
      for (std::size_t k = 0; k < plans.size(); ++k) step();
      timer("load, join and write");
      if (!body->error.empty()) {
        problems.push_back({g.id, body->error});
        st["error"] = body->error;
        m["stations"].push_back(st);
        continue;
      }
      st["overlap_mm"] = body->overlap_mm;
      st["file"] = name;
      st["stir"] = stir;
      m["stations"].push_back(st);
      record_volume(body->grid, name, "whole_body", {{"stations", g.id}, {"stir", stir}}, body->voxel_bytes);
      if (stir && !pictures_done) {
        if (opt.progress) opt.progress("pictures", 0, 1);
        picturing = std::async(std::launch::async, [body, path, stem = g.id, &opt] {
          PictureSource src{
              body->grid, body->mip, [&](std::size_t k) { return streamed_coronal_slice(body->grid, path, k); },
              [&](std::size_t row, std::size_t k) { return streamed_row_max(body->grid, path, row, k); }};
          nlohmann::json p;
          draw_pictures(src, stem, opt, p);
          return p;
        });
        pictures_done = true;
      }
      continue;
    }
    if (writing.valid()) writing.get();
    // get(), not wait(): the finished task's state (and the body it holds) goes with it.
    if (picturing.valid() && pictures_hold_a_body) pictures = picturing.get();
    JoinResult jr;
    if (opt.write_stations) {
      // Each station is written too: load them, then join.
      std::vector<Volume> stations;
      std::vector<const Volume*> ptrs;
      stations.reserve(plans.size());
      for (const SeriesPlan* p : plans) {
        LoadResult lr = load_series(scan.headers, *p, {}, opt.threads);
        problems.insert(problems.end(), lr.problems.begin(), lr.problems.end());
        stations.push_back(std::move(lr.volume));
        step();
      }
      for (std::size_t k = 0; k < stations.size(); ++k) {
        write_volume(stations[k], plans[k]->id + ext, "station", {{"series", plans[k]->id}});
        ptrs.push_back(&stations[k]);
      }
      if (opt.progress) opt.progress("join", 0, 1);
      jr = join_stations(ptrs, g.join_axis);
    } else {
      // Straight into the whole-body grid (each file read once, no station copies).
      jr = load_joined(scan.headers, plans, g.join_axis, problems, opt.threads);
      for (std::size_t k = 0; k < plans.size(); ++k) step();
    }
    timer("load and join");
    if (!jr.error.empty()) {
      problems.push_back({g.id, jr.error});
      st["error"] = jr.error;
      m["stations"].push_back(st);
      continue;
    }
    st["overlap_mm"] = jr.overlap_mm;
    st["file"] = g.id + ext;
    st["stir"] = stir;
    m["stations"].push_back(st);
    auto whole = std::make_shared<const Volume>(std::move(jr.volume));
    write_in_background(whole, g.id + ext, "whole_body", {{"stations", g.id}, {"stir", stir}});
    if (stir && !pictures_done) {
      if (opt.progress) opt.progress("pictures", 0, 1);
      picturing = std::async(std::launch::async, [whole, stem = g.id, &opt] {
        nlohmann::json p;
        draw_pictures(*whole, stem, opt, p);
        return p;
      });
      pictures_hold_a_body = true;
      pictures_done = true;
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
  if (picturing.valid()) pictures = picturing.get();
  if (pictures) {
    for (auto& [key, value] : pictures->items()) m[key] = std::move(value);
    timer("pictures");
  }
  if (writing.valid()) writing.get();
  timer("volumes written");
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
