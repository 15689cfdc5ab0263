#include "imaging/region_grow.hpp"

#include <algorithm>
#include <cmath>

namespace crmo::imaging {

GrowResult region_grow(const Volume& v, std::array<std::size_t, 3> seed, double lower, double upper,
                       const GrowBox& box) {
  GrowResult r;
  const std::size_t nx = v.dims.nx, ny = v.dims.ny, plane = nx * ny;
  r.mask.assign(v.dims.count(), 0);
  // Compare stored values: convert the thresholds once instead of rescaling each voxel.
  double lo = (lower - v.intercept) / v.slope, hi = (upper - v.intercept) / v.slope;
  if (v.slope < 0) std::swap(lo, hi);
  const std::uint16_t* d = v.data.data();
  const bool sgn = v.is_signed;
  auto inside = [&](std::size_t idx) {
    const double x = sgn ? static_cast<double>(static_cast<std::int16_t>(d[idx])) : static_cast<double>(d[idx]);
    return x >= lo && x <= hi;
  };
  for (int a = 0; a < 3; ++a)
    if (seed[a] < box.lo[a] || seed[a] > box.hi[a]) return r;
  const std::size_t s = v.index(seed[0], seed[1], seed[2]);
  if (!inside(s)) return r;
  r.bbox.lo = seed;
  r.bbox.hi = seed;
  std::vector<std::uint32_t> queue{static_cast<std::uint32_t>(s)};
  r.mask[s] = 1;
  for (std::size_t head = 0; head < queue.size(); ++head) {
    const std::size_t idx = queue[head];
    const std::size_t k = idx / plane, j = (idx % plane) / nx, i = idx % nx;
    const double val = sgn ? static_cast<double>(static_cast<std::int16_t>(d[idx])) : d[idx];
    r.sum += val;
    r.max = std::max(r.max, val);
    const std::size_t c[3] = {i, j, k};
    for (int a = 0; a < 3; ++a) {
      r.bbox.lo[a] = std::min(r.bbox.lo[a], c[a]);
      r.bbox.hi[a] = std::max(r.bbox.hi[a], c[a]);
      if (c[a] == box.lo[a] || c[a] == box.hi[a]) r.touches_bound = true;
    }
    auto visit = [&](std::size_t n) {
      if (!r.mask[n] && inside(n)) {
        r.mask[n] = 1;
        queue.push_back(static_cast<std::uint32_t>(n));
      }
    };
    if (i > box.lo[0]) visit(idx - 1);
    if (i < box.hi[0]) visit(idx + 1);
    if (j > box.lo[1]) visit(idx - nx);
    if (j < box.hi[1]) visit(idx + nx);
    if (k > box.lo[2]) visit(idx - plane);
    if (k < box.hi[2]) visit(idx + plane);
  }
  r.voxels = queue.size();
  r.sum = r.sum * v.slope + v.intercept * static_cast<double>(r.voxels);
  r.max = r.max * v.slope + v.intercept;
  return r;
}

}  // namespace crmo::imaging
