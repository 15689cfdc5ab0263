#pragma once
// Image geometry in DICOM patient coordinates (LPS, millimetres): where voxel (i, j, k)
// of a volume lies. Pure math, no I/O.
#include <array>
#include <cstddef>
#include <optional>

namespace crmo::imaging {

using Vec3 = std::array<double, 3>;

Vec3 operator+(const Vec3& a, const Vec3& b);
Vec3 operator-(const Vec3& a, const Vec3& b);
Vec3 operator*(double s, const Vec3& a);
double dot(const Vec3& a, const Vec3& b);
Vec3 cross(const Vec3& a, const Vec3& b);
double norm(const Vec3& a);
// a / |a|; nullopt when |a| is zero or not finite.
std::optional<Vec3> normalized(const Vec3& a);

struct Dims {
  std::size_t nx = 0, ny = 0, nz = 0;
  std::size_t count() const { return nx * ny * nz; }
  bool operator==(const Dims&) const = default;
};

// position(i, j, k) = origin + i*spacing[0]*axis[0] + j*spacing[1]*axis[1]
//                            + k*spacing[2]*axis[2]
// For DICOM slices: axis[0] is the row direction (first triplet of Image Orientation),
// axis[1] the column direction, axis[2] the slice direction the slices were sorted along.
struct Geometry {
  Vec3 origin{0, 0, 0};
  std::array<Vec3, 3> axis{Vec3{1, 0, 0}, Vec3{0, 1, 0}, Vec3{0, 0, 1}};
  Vec3 spacing{1, 1, 1};

  Vec3 to_patient(double i, double j, double k) const;
  // Continuous voxel index of a patient point (inverse of to_patient).
  Vec3 to_index(const Vec3& p) const;
  // 4x4 voxel-to-patient matrix, row major, in LPS or in RAS (NIfTI's convention).
  std::array<double, 16> affine_lps() const;
  std::array<double, 16> affine_ras() const;
  double voxel_volume_mm3() const { return spacing[0] * spacing[1] * spacing[2]; }
};

// Geometry from a 4x4 RAS affine (as in a NIfTI sform): spacing = column norms.
std::optional<Geometry> geometry_from_ras(const std::array<double, 16>& ras);

// The same voxels indexed with axis `a` reversed (index n-1-i): a new origin and axis.
Geometry flipped(const Geometry& g, int a, std::size_t n);

// Checks that a geometry is usable: finite, positive spacing, axes orthonormal within tol.
bool geometry_valid(const Geometry& g, double tol = 1e-3);

}  // namespace crmo::imaging
