#include "imaging/measure.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace crmo::imaging {

namespace {
nlohmann::json vec(const Vec3& v) { return {v[0], v[1], v[2]}; }
std::size_t clamp_index(double x, std::size_t n) {
  if (!(x > 0)) return 0;
  return std::min(static_cast<std::size_t>(std::llround(x)), n - 1);
}
}  // namespace

RegionStats sphere_stats(const Volume& v, const Vec3& centre, double radius_mm) {
  RegionStats s;
  const Vec3 c = v.geom.to_index(centre);
  const std::size_t n[3] = {v.dims.nx, v.dims.ny, v.dims.nz};
  std::size_t lo[3], hi[3];
  for (int a = 0; a < 3; ++a) {
    const double r = radius_mm / v.geom.spacing[a];
    if (!std::isfinite(c[a]) || c[a] + r < 0 || c[a] - r > static_cast<double>(n[a] - 1)) return s;
    lo[a] = clamp_index(std::ceil(c[a] - r), n[a]);
    hi[a] = clamp_index(std::floor(c[a] + r), n[a]);
  }
  double sum = 0, sum2 = 0;
  for (std::size_t k = lo[2]; k <= hi[2]; ++k)
    for (std::size_t j = lo[1]; j <= hi[1]; ++j)
      for (std::size_t i = lo[0]; i <= hi[0]; ++i) {
        const Vec3 p = v.geom.to_patient(static_cast<double>(i), static_cast<double>(j), static_cast<double>(k));
        if (norm(p - centre) > radius_mm) continue;
        const double x = v.value(v.index(i, j, k));
        sum += x;
        sum2 += x * x;
        ++s.voxels;
      }
  if (s.voxels == 0) return s;
  s.mean = sum / static_cast<double>(s.voxels);
  s.sd = s.voxels > 1 ? std::sqrt(std::max(0.0, (sum2 - sum * s.mean) / static_cast<double>(s.voxels - 1))) : 0;
  return s;
}

Measurement measure_lesion(const Volume& stir, const MeasureOptions& opt, Volume* label) {
  Measurement m;
  m.seed = opt.seed;
  const Vec3 si = stir.geom.to_index(opt.seed);
  const std::size_t n[3] = {stir.dims.nx, stir.dims.ny, stir.dims.nz};
  for (int a = 0; a < 3; ++a) {
    if (!std::isfinite(si[a]) || si[a] < -0.5 || si[a] > static_cast<double>(n[a]) - 0.5) {
      m.error = "the seed lies outside the volume";
      return m;
    }
    m.seed_voxel[a] = clamp_index(si[a], n[a]);
  }
  if (opt.muscle) {
    const auto s = sphere_stats(stir, *opt.muscle, opt.reference_radius_mm);
    if (s.voxels > 0) m.muscle = s;
  }
  if (opt.marrow) {
    const auto s = sphere_stats(stir, *opt.marrow, opt.reference_radius_mm);
    if (s.voxels > 0) m.marrow = s;
  }
  if (opt.threshold) {
    m.threshold = *opt.threshold;
    m.threshold_from = "absolute";
  } else {
    std::string from = opt.threshold_reference;
    if (from == "auto") from = m.muscle ? "muscle" : m.marrow ? "marrow" : "seed";
    const auto& ref = from == "muscle" ? m.muscle : m.marrow;
    if (from == "seed") {
      // No reference region: half of the mean around the seed (3x3x3).
      const auto s = sphere_stats(stir, opt.seed, 1.5 * *std::max_element(stir.geom.spacing.begin(), stir.geom.spacing.end()));
      m.threshold = 0.5 * s.mean;
    } else if (!ref) {
      m.error = "the " + from + " reference region lies outside the volume";
      return m;
    } else {
      m.threshold = ref->mean + opt.k_sd * ref->sd;
    }
    m.threshold_from = from;
  }
  GrowBox box;
  for (int a = 0; a < 3; ++a) {
    const double r = opt.box_half_mm / stir.geom.spacing[a];
    box.lo[a] = clamp_index(std::floor(si[a] - r), n[a]);
    box.hi[a] = clamp_index(std::ceil(si[a] + r), n[a]);
  }
  GrowResult g = region_grow(stir, m.seed_voxel, m.threshold, std::numeric_limits<double>::infinity(), box);
  if (g.voxels == 0) {
    m.error = "the seed's value " + std::to_string(stir.value(stir.index(m.seed_voxel[0], m.seed_voxel[1], m.seed_voxel[2]))) +
              " is below the threshold " + std::to_string(m.threshold) + ": no lesion there";
    return m;
  }
  m.voxels = g.voxels;
  m.volume_ml = static_cast<double>(g.voxels) * stir.geom.voxel_volume_mm3() / 1000.0;
  m.mean = g.sum / static_cast<double>(g.voxels);
  m.max = g.max;
  if (m.muscle && m.muscle->mean > 0) m.lesion_to_muscle = m.mean / m.muscle->mean;
  if (m.marrow && m.marrow->mean > 0) m.lesion_to_marrow = m.mean / m.marrow->mean;
  m.bbox = g.bbox;
  Vec3 lo{1e300, 1e300, 1e300}, hi{-1e300, -1e300, -1e300};
  for (int c = 0; c < 8; ++c) {
    const Vec3 p = stir.geom.to_patient(static_cast<double>((c & 1) ? g.bbox.hi[0] : g.bbox.lo[0]),
                                        static_cast<double>((c & 2) ? g.bbox.hi[1] : g.bbox.lo[1]),
                                        static_cast<double>((c & 4) ? g.bbox.hi[2] : g.bbox.lo[2]));
    for (int a = 0; a < 3; ++a) {
      lo[a] = std::min(lo[a], p[a]);
      hi[a] = std::max(hi[a], p[a]);
    }
  }
  m.bbox_min_mm = lo;
  m.bbox_max_mm = hi;
  m.touches_bound = g.touches_bound;
  if (label) {
    label->dims = stir.dims;
    label->nt = 1;
    label->geom = stir.geom;
    label->is_signed = false;
    label->slope = 1;
    label->intercept = 0;
    label->data.assign(g.mask.begin(), g.mask.end());
  }
  return m;
}

nlohmann::json Measurement::to_json() const {
  nlohmann::json j;
  j["format"] = "crmo.lesion-measurement/1";
  j["method"] = "segmented";
  j["seed_mm"] = vec(seed);
  j["seed_voxel"] = {seed_voxel[0], seed_voxel[1], seed_voxel[2]};
  if (!error.empty()) {
    j["error"] = error;
    return j;
  }
  j["threshold"] = threshold;
  j["threshold_from"] = threshold_from;
  j["voxels"] = voxels;
  j["volume_ml"] = volume_ml;
  j["mean"] = mean;
  j["max"] = max;
  j["lesion_to_muscle"] = lesion_to_muscle ? nlohmann::json(*lesion_to_muscle) : nlohmann::json();
  j["lesion_to_marrow"] = lesion_to_marrow ? nlohmann::json(*lesion_to_marrow) : nlohmann::json();
  if (muscle) j["muscle"] = {{"mean", muscle->mean}, {"sd", muscle->sd}, {"voxels", muscle->voxels}};
  if (marrow) j["marrow"] = {{"mean", marrow->mean}, {"sd", marrow->sd}, {"voxels", marrow->voxels}};
  j["bbox_voxels"] = {{"min", {bbox.lo[0], bbox.lo[1], bbox.lo[2]}}, {"max", {bbox.hi[0], bbox.hi[1], bbox.hi[2]}}};
  j["bbox_mm"] = {{"min", vec(bbox_min_mm)}, {"max", vec(bbox_max_mm)}};
  j["reached_box_edge"] = touches_bound;
  j["coordinates"] = "DICOM patient coordinates (LPS), mm";
  return j;
}

}  // namespace crmo::imaging
