#pragma once
// Shared by the whole-body loading tests (LoadJoined, StreamJoined): a scratch folder and
// a small three-station phantom whose overlaps are wide enough to blend 16 rows.
#include <unistd.h>

#include <filesystem>
#include <string>

#include "imaging/phantom.hpp"

namespace crmo::imaging::testing {

struct TempDir {
  std::filesystem::path p;
  explicit TempDir(const std::string& name)
      : p(std::filesystem::temp_directory_path() / ("crmo_test_" + name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(p);
    std::filesystem::create_directories(p);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(p, ec);
  }
};

inline PhantomOptions joined_phantom(std::uint64_t seed) {
  PhantomOptions o;
  o.stations = 3;
  o.lesions = 2;
  o.seed = seed;
  o.matrix = 128;
  o.pixel_mm = 3.0;
  o.slices = 20;
  o.slice_mm = 6.0;
  o.overlap_mm = 48;  // 16 rows blended
  o.noise_sd = 6.0;
  return o;
}

}  // namespace crmo::imaging::testing
