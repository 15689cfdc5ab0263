#pragma once
// 3D region growing (6-connected) from a seed voxel over voxels whose value lies in
// [lower, upper], bounded to a box of voxels. Pure computation on a volume.
#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "imaging/volume.hpp"

namespace crmo::imaging {

struct GrowBox {
  std::array<std::size_t, 3> lo{0, 0, 0}, hi{0, 0, 0};  // inclusive voxel bounds
};

struct GrowResult {
  std::vector<std::uint8_t> mask;  // 1 inside the region; volume-sized (first time point)
  std::size_t voxels = 0;
  double sum = 0, max = -std::numeric_limits<double>::infinity();  // values after rescale
  GrowBox bbox;        // bounding box of the region
  bool touches_bound = false;  // the region reached the box edge (may have leaked)
};

// `lower`/`upper` are in rescaled units (value()); the seed must lie inside `box`.
GrowResult region_grow(const Volume& v, std::array<std::size_t, 3> seed, double lower, double upper,
                       const GrowBox& box);

}  // namespace crmo::imaging
