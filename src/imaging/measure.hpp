#pragma once
// Measuring a lesion (imaging.md, scoring.md "Quantitative measures"): from a seed point in
// patient coordinates, region growing on STIR above a threshold relative to a reference
// region (default mean + 3 SD of normal muscle, else of normal marrow), bounded to a box
// around the seed; volume, mean and max signal, lesion-to-muscle and lesion-to-marrow
// ratios, bounding box and a label volume.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "imaging/region_grow.hpp"
#include "imaging/volume.hpp"

namespace crmo::imaging {

struct MeasureOptions {
  Vec3 seed{};                     // LPS mm
  std::optional<Vec3> muscle, marrow;  // centres of reference spheres (LPS mm)
  double reference_radius_mm = 6;
  std::string threshold_reference = "auto";  // "auto", "muscle" or "marrow"
  double k_sd = 3;                           // threshold = mean + k_sd * SD of the reference
  std::optional<double> threshold;           // absolute lower threshold, overrides the above
  double box_half_mm = 60;                   // the growth is bounded to seed +- this
};

struct RegionStats {
  std::size_t voxels = 0;
  double mean = 0, sd = 0;
};

struct Measurement {
  std::string error;  // empty when measured
  Vec3 seed{};
  std::array<std::size_t, 3> seed_voxel{};
  double threshold = 0;
  std::string threshold_from;  // "muscle", "marrow", "absolute", "seed"
  std::optional<RegionStats> muscle, marrow;
  std::size_t voxels = 0;
  double volume_ml = 0, mean = 0, max = 0;
  std::optional<double> lesion_to_muscle, lesion_to_marrow;
  GrowBox bbox;
  Vec3 bbox_min_mm{}, bbox_max_mm{};
  bool touches_bound = false;
  nlohmann::json to_json() const;
};

RegionStats sphere_stats(const Volume& v, const Vec3& centre, double radius_mm);

// Measures on the first time point of `stir`; fills `label` (uint8-valued volume on the
// same grid, 1 in the lesion) when given.
Measurement measure_lesion(const Volume& stir, const MeasureOptions& opt, Volume* label = nullptr);

}  // namespace crmo::imaging
