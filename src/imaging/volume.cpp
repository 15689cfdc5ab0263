#include "imaging/volume.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <cmath>
#include <tuple>

namespace crmo::imaging {

void Volume::allocate() {
  const std::size_t n = dims.count() * nt;
  VoxelBuffer().swap(data);
  data.reserve(n);  // calloc: zeroed
  constexpr std::uintptr_t kHuge = std::uintptr_t{1} << 21;
  const auto begin = reinterpret_cast<std::uintptr_t>(data.data());
  const std::uintptr_t first = (begin + kHuge - 1) & ~(kHuge - 1), end = begin + n * sizeof(std::uint16_t);
  if (n * sizeof(std::uint16_t) >= 4 * kHuge && end > first)
    ::madvise(reinterpret_cast<void*>(first), (end - first) & ~(kHuge - 1), MADV_HUGEPAGE);  // a hint only
  data.resize(n);  // no second zeroing (ZeroedAllocator::construct)
}

void flip_axis(Volume& v, int a) {
  const auto [nx, ny, nz] = std::tuple{v.dims.nx, v.dims.ny, v.dims.nz};
  for (std::size_t t = 0; t < v.nt; ++t) {
    std::uint16_t* base = v.data.data() + t * v.dims.count();
    if (a == 0) {
      for (std::size_t r = 0; r < ny * nz; ++r) std::reverse(base + r * nx, base + (r + 1) * nx);
    } else if (a == 1) {
      for (std::size_t k = 0; k < nz; ++k)
        for (std::size_t j = 0; j < ny / 2; ++j)
          std::swap_ranges(base + (k * ny + j) * nx, base + (k * ny + j + 1) * nx,
                           base + (k * ny + (ny - 1 - j)) * nx);
    } else {
      for (std::size_t k = 0; k < nz / 2; ++k)
        std::swap_ranges(base + k * nx * ny, base + (k + 1) * nx * ny,
                         base + (nz - 1 - k) * nx * ny);
    }
  }
  const std::size_t n = a == 0 ? nx : a == 1 ? ny : nz;
  v.geom = flipped(v.geom, a, n);
}

double sample_trilinear(const Volume& v, const Vec3& idx, double outside) {
  const double x = idx[0], y = idx[1], z = idx[2];
  if (!(x >= 0 && y >= 0 && z >= 0)) return outside;
  const double mx = static_cast<double>(v.dims.nx - 1), my = static_cast<double>(v.dims.ny - 1),
               mz = static_cast<double>(v.dims.nz - 1);
  if (x > mx || y > my || z > mz) return outside;
  const auto i0 = static_cast<std::size_t>(x), j0 = static_cast<std::size_t>(y),
             k0 = static_cast<std::size_t>(z);
  const std::size_t i1 = std::min(i0 + 1, v.dims.nx - 1), j1 = std::min(j0 + 1, v.dims.ny - 1),
                    k1 = std::min(k0 + 1, v.dims.nz - 1);
  const double fx = x - i0, fy = y - j0, fz = z - k0;
  auto at = [&](std::size_t i, std::size_t j, std::size_t k) { return v.raw(v.index(i, j, k)); };
  const double c00 = at(i0, j0, k0) * (1 - fx) + at(i1, j0, k0) * fx;
  const double c10 = at(i0, j1, k0) * (1 - fx) + at(i1, j1, k0) * fx;
  const double c01 = at(i0, j0, k1) * (1 - fx) + at(i1, j0, k1) * fx;
  const double c11 = at(i0, j1, k1) * (1 - fx) + at(i1, j1, k1) * fx;
  return (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz;
}

}  // namespace crmo::imaging
