#pragma once
// A scalar image volume (optionally a series of volumes in time, nt) with its geometry.
// Voxels keep the stored 16-bit DICOM values (signed or unsigned) plus the rescale
// slope/intercept, as NIfTI does, so nothing is lost and memory stays 2 bytes a voxel.
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "imaging/geometry.hpp"

namespace crmo::imaging {

// Voxel memory that comes zeroed from the system (calloc: fresh pages from mmap for
// volumes, which glibc then does not clear again). resize() does not write zeros over
// it a second time, so a whole body's pages are first touched by the threads that load
// it, in parallel, instead of by one memset (see Volume::allocate).
template <typename T>
struct ZeroedAllocator {
  using value_type = T;
  ZeroedAllocator() = default;
  template <typename U>
  ZeroedAllocator(const ZeroedAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    if (void* p = std::calloc(n, sizeof(T))) return static_cast<T*>(p);
    throw std::bad_alloc();
  }
  void deallocate(T* p, std::size_t) noexcept { std::free(p); }
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;  // default-initialised: the memory is zero already
  }
  template <typename U, typename... A>
  void construct(U* p, A&&... a) {
    ::new (static_cast<void*>(p)) U(std::forward<A>(a)...);
  }
  friend bool operator==(const ZeroedAllocator&, const ZeroedAllocator&) { return true; }
};
using VoxelBuffer = std::vector<std::uint16_t, ZeroedAllocator<std::uint16_t>>;

struct Volume {
  Dims dims;
  std::size_t nt = 1;  // volumes in time (fMRI, repeated positions); 1 for anatomy
  Geometry geom;
  bool is_signed = false;  // stored values are int16 bit patterns when true
  double slope = 1.0, intercept = 0.0;
  double repetition_time_s = 0.0;
  VoxelBuffer data;  // x fastest, then y, z, t

  // Zeroed voxels, from fresh memory (never grown in place: a resize within the
  // capacity would keep old values). Large volumes ask for transparent huge pages (a
  // 47 MB whole body otherwise costs ~12,000 page faults on first touch).
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
