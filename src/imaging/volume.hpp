#pragma once
// A scalar image volume (optionally a series of volumes in time, nt) with its geometry.
// Voxels keep the stored 16-bit DICOM values (signed or unsigned) plus the rescale
// slope/intercept, as NIfTI does, so nothing is lost and memory stays 2 bytes a voxel.
#include <cstdint>
#include <string>
#include <vector>

#include "imaging/geometry.hpp"

namespace crmo::imaging {

struct Volume {
  Dims dims;
  std::size_t nt = 1;  // volumes in time (fMRI, repeated positions); 1 for anatomy
  Geometry geom;
  bool is_signed = false;  // stored values are int16 bit patterns when true
  double slope = 1.0, intercept = 0.0;
  double repetition_time_s = 0.0;
  std::vector<std::uint16_t> data;  // x fastest, then y, z, t

  // Zeroed voxels; large volumes ask for transparent huge pages (a 47 MB whole body
  // otherwise costs ~12,000 page faults on first touch).
  void allocate();
  std::size_t index(std::size_t i, std::size_t j, std::size_t k) const {
    return (k * dims.ny + j) * dims.nx + i;
  }
  // Stored value as a number (before slope/intercept).
  double raw(std::size_t idx) const {
    return is_signed ? static_cast<double>(static_cast<std::int16_t>(data[idx])) : data[idx];
  }
  double value(std::size_t idx) const { return raw(idx) * slope + intercept; }
  std::size_t bytes() const { return data.size() * sizeof(std::uint16_t); }
};

// Reverses axis `a` (0, 1 or 2) in place, adjusting the geometry so every voxel keeps its
// patient position.
void flip_axis(Volume& v, int a);

// Trilinear sample of the first time point at a continuous index; `outside` beyond edges.
double sample_trilinear(const Volume& v, const Vec3& idx, double outside = 0.0);

}  // namespace crmo::imaging
