// Times crmo's 3D region growing on a NIfTI volume (the joined whole-body STIR), the
// same job bench_itk_region_grow gives ITK: 6-connected, voxels in [lower, upper] (stored
// values), from a seed voxel, over the whole volume.
//   bench_region_grow VOLUME.nii I J K LOWER UPPER [REPEATS]
// Prints: voxels=N median_ms=T
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "imaging/nifti.hpp"
#include "imaging/region_grow.hpp"

int main(int argc, char** argv) {
  using namespace crmo::imaging;
  if (argc < 7) {
    std::fprintf(stderr, "usage: bench_region_grow VOLUME.nii I J K LOWER UPPER [REPEATS]\n");
    return 2;
  }
  const NiftiRead r = read_nifti(argv[1]);
  if (!r.volume) {
    std::fprintf(stderr, "%s: %s\n", argv[1], r.error.c_str());
    return 1;
  }
  const Volume& v = *r.volume;
  const std::array<std::size_t, 3> seed{std::strtoul(argv[2], nullptr, 10), std::strtoul(argv[3], nullptr, 10),
                                        std::strtoul(argv[4], nullptr, 10)};
  const double lower = std::atof(argv[5]), upper = std::atof(argv[6]);
  const int repeats = argc > 7 ? std::max(1, std::atoi(argv[7])) : 5;
  GrowBox box;
  box.hi = {v.dims.nx - 1, v.dims.ny - 1, v.dims.nz - 1};
  std::vector<double> ms;
  std::size_t voxels = 0;
  for (int i = 0; i < repeats; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const GrowResult g = region_grow(v, seed, lower, upper, box);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    voxels = g.voxels;
  }
  std::sort(ms.begin(), ms.end());
  std::printf("voxels=%zu median_ms=%.3f\n", voxels, ms[ms.size() / 2]);
  return 0;
}
