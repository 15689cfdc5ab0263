#pragma once
// The synthetic whole-body phantom: a multi-station coronal STIR (and T1) DICOM exam of a
// simple child-sized body (fat, muscle, marrow, cortex, fluid, brain) with lesions of
// known site, size and signal, realistic headers and geometry, optional Rician noise and
// bias field, and a ground-truth JSON. The oracle for the imaging tests and the input of
// the benchmarks.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "imaging/geometry.hpp"

namespace crmo::imaging {

struct PhantomOptions {
  int stations = 4;
  int lesions = 3;
  std::uint64_t seed = 1;
  int matrix = 384;          // rows = columns per station
  double pixel_mm = 1.0;     // in-plane pixel size
  int slices = 40;           // coronal slices per station
  double slice_mm = 4.0;     // slice thickness = spacing
  double overlap_mm = 32.0;  // cranio-caudal overlap of neighbouring stations
  double noise_sd = 6.0;     // Rician noise (0: none), in STIR units
  double bias = 0.0;         // bias field amplitude (0.15 = +-15 %), 0: none
  bool t1 = true;            // also write the coronal T1
};

enum class Tissue : std::uint8_t { air, fat, muscle, marrow, cortex, fluid, brain, lesion };

struct PhantomLesion {
  std::string site;  // atlas site, unit:side
  Vec3 center;       // LPS mm
  double radius_mm = 0;
  double volume_ml = 0;        // analytic (4/3 pi r^3)
  double voxel_volume_ml = 0;  // voxels whose centre is inside, times voxel volume
  double stir = 0, t1 = 0;     // signal before noise and bias
};

struct PhantomTruth {
  PhantomOptions options;
  std::vector<PhantomLesion> lesions;
  std::vector<std::pair<std::string, Vec3>> references;  // "muscle"/"marrow" points (LPS)
  std::vector<std::string> stir_dirs, t1_dirs;            // one folder per station
  nlohmann::json to_json() const;
};

// Tissue at a patient point (LPS mm) of the phantom body, lesions not included.
Tissue phantom_tissue(const Vec3& p);
double phantom_signal(Tissue t, bool stir);

// Writes the exam under `out_dir` (dicom/<sequence>_s<k>/IM_<n>.dcm and truth.json).
PhantomTruth write_phantom(const std::string& out_dir, const PhantomOptions& opt, unsigned threads = 0);

}  // namespace crmo::imaging
