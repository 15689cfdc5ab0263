#include "imaging/geometry.hpp"

#include <cmath>

namespace crmo::imaging {

Vec3 operator+(const Vec3& a, const Vec3& b) { return {a[0] + b[0], a[1] + b[1], a[2] + b[2]}; }
Vec3 operator-(const Vec3& a, const Vec3& b) { return {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }
Vec3 operator*(double s, const Vec3& a) { return {s * a[0], s * a[1], s * a[2]}; }
double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
Vec3 cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
double norm(const Vec3& a) { return std::sqrt(dot(a, a)); }

std::optional<Vec3> normalized(const Vec3& a) {
  const double n = norm(a);
  if (!std::isfinite(n) || n < 1e-12) return std::nullopt;
  return (1.0 / n) * a;
}

Vec3 Geometry::to_patient(double i, double j, double k) const {
  return origin + (i * spacing[0]) * axis[0] + (j * spacing[1]) * axis[1] +
         (k * spacing[2]) * axis[2];
}

Vec3 Geometry::to_index(const Vec3& p) const {
  // Solve [a0*s0 a1*s1 a2*s2] x = p - origin with Cramer's rule (axes may be oblique).
  const Vec3 d = p - origin;
  const Vec3 c0 = spacing[0] * axis[0], c1 = spacing[1] * axis[1], c2 = spacing[2] * axis[2];
  const double det = dot(c0, cross(c1, c2));
  if (std::abs(det) < 1e-12) return {NAN, NAN, NAN};
  return {dot(d, cross(c1, c2)) / det, dot(c0, cross(d, c2)) / det, dot(c0, cross(c1, d)) / det};
}

std::array<double, 16> Geometry::affine_lps() const {
  std::array<double, 16> m{};
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) m[r * 4 + c] = axis[c][r] * spacing[c];
    m[r * 4 + 3] = origin[r];
  }
  m[15] = 1;
  return m;
}

std::array<double, 16> Geometry::affine_ras() const {
  auto m = affine_lps();
  for (int c = 0; c < 4; ++c) {
    m[0 * 4 + c] = -m[0 * 4 + c];
    m[1 * 4 + c] = -m[1 * 4 + c];
  }
  return m;
}

std::optional<Geometry> geometry_from_ras(const std::array<double, 16>& ras) {
  Geometry g;
  for (int c = 0; c < 3; ++c) {
    Vec3 col{-ras[0 * 4 + c], -ras[1 * 4 + c], ras[2 * 4 + c]};
    const double n = norm(col);
    if (!std::isfinite(n) || n < 1e-9) return std::nullopt;
    g.spacing[c] = n;
    g.axis[c] = (1.0 / n) * col;
  }
  g.origin = {-ras[3], -ras[7], ras[11]};
  return g;
}

Geometry flipped(const Geometry& g, int a, std::size_t n) {
  Geometry f = g;
  if (n > 0) f.origin = g.origin + (static_cast<double>(n - 1) * g.spacing[a]) * g.axis[a];
  f.axis[a] = -1.0 * g.axis[a];
  return f;
}

bool geometry_valid(const Geometry& g, double tol) {
  for (int a = 0; a < 3; ++a) {
    if (!std::isfinite(g.spacing[a]) || g.spacing[a] <= 0) return false;
    if (!std::isfinite(g.origin[a])) return false;
    if (std::abs(norm(g.axis[a]) - 1.0) > tol) return false;
  }
  return std::abs(dot(g.axis[0], g.axis[1])) < tol && std::abs(dot(g.axis[0], g.axis[2])) < tol &&
         std::abs(dot(g.axis[1], g.axis[2])) < tol;
}

}  // namespace crmo::imaging
