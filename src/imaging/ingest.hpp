#pragma once
// `crmo ingest`: DICOM folder in; whole-body volumes (stations joined), the other series,
// pictures (coronal STIR MIP and slices) and a manifest out.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "imaging/pictures.hpp"

namespace crmo::imaging {

struct IngestOptions {
  std::string input;    // folder, DICOMDIR or file
  std::string out_dir;  // created if missing
  std::string exam_id;  // recorded in the manifest
  std::string exam_document;  // crmo.exam/1 file of this exam (absolute), if any
  bool write_stations = false;  // also write each station of a joined sequence
  bool gzip = false;            // .nii.gz instead of .nii
  std::vector<GradedSite> graded;  // graded sites to mark (placed by the atlas table)
  std::vector<SiteMark> marks;     // explicit points to mark (e.g. a phantom's truth)
  unsigned threads = 0;
  // stage ("scan", "read", "join", "write", "pictures"), done, total
  std::function<void(const std::string&, std::size_t, std::size_t)> progress;
};

struct IngestResult {
  nlohmann::json manifest;
  std::size_t volumes_written = 0;
  std::uint64_t bytes_written = 0;  // NIfTI voxel bytes
  std::size_t problems = 0;
};

IngestResult ingest(const IngestOptions& opt);

// Whether a series or station group looks like STIR (inversion recovery, short TI).
bool looks_like_stir(const std::string& description, double inversion_time_ms);

}  // namespace crmo::imaging
