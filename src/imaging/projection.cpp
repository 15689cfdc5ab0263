#include "imaging/projection.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace crmo::imaging {

void coronal_axes(const Geometry& g, int& col_axis, int& row_axis, int& depth_axis) {
  // Assign patient x (left-right), z (head-feet), y (front-back) to the most aligned axes.
  int best[3] = {0, 1, 2};
  double score = -1;
  const int perms[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  for (const auto& pm : perms) {
    const double s = std::abs(g.axis[pm[0]][0]) + std::abs(g.axis[pm[1]][2]) + std::abs(g.axis[pm[2]][1]);
    if (s > score) {
      score = s;
      std::copy(pm, pm + 3, best);
    }
  }
  col_axis = best[0];
  row_axis = best[1];
  depth_axis = best[2];
}

namespace {

Picture frame(const Volume& v) {
  Picture p;
  coronal_axes(v.geom, p.col_axis, p.row_axis, p.depth_axis);
  const std::size_t n[3] = {v.dims.nx, v.dims.ny, v.dims.nz};
  p.width = n[p.col_axis];
  p.height = n[p.row_axis];
  p.pixel_w_mm = v.geom.spacing[p.col_axis];
  p.pixel_h_mm = v.geom.spacing[p.row_axis];
  p.flip_cols = v.geom.axis[p.col_axis][0] < 0;  // LPS +x is the patient's left: keep it right
  p.flip_rows = v.geom.axis[p.row_axis][2] > 0;  // +z is up: head at the top
  p.geom = v.geom;
  p.values.assign(p.width * p.height, 0.0f);
  return p;
}

template <typename F>
void fill(const Volume& v, Picture& p, F&& at_depth) {
  std::size_t idx[3];
  for (std::size_t r = 0; r < p.height; ++r)
    for (std::size_t c = 0; c < p.width; ++c) {
      idx[p.col_axis] = p.flip_cols ? p.width - 1 - c : c;
      idx[p.row_axis] = p.flip_rows ? p.height - 1 - r : r;
      p.values[r * p.width + c] = static_cast<float>(at_depth(idx));
    }
  (void)v;
}

}  // namespace

bool Picture::locate(const Vec3& pt, double& col, double& row) const {
  const Vec3 q = geom.to_index(pt);
  double c = q[col_axis], r = q[row_axis];
  if (flip_cols) c = static_cast<double>(width - 1) - c;
  if (flip_rows) r = static_cast<double>(height - 1) - r;
  col = c;
  row = r;
  return c >= -0.5 && r >= -0.5 && c <= width - 0.5 && r <= height - 0.5;
}

Picture coronal_mip(const Volume& v) {
  Picture p = frame(v);
  const std::size_t n[3] = {v.dims.nx, v.dims.ny, v.dims.nz};
  if (p.depth_axis == 2) {
    // Fast path (coronal acquisitions): max over slices, plane by plane, on the stored
    // 16-bit values (a loop the compiler vectorises).
    const std::size_t plane = v.dims.nx * v.dims.ny;
    if (v.is_signed) {
      std::vector<std::int16_t> m(plane, INT16_MIN);
      for (std::size_t k = 0; k < v.dims.nz; ++k) {
        const std::uint16_t* src = v.data.data() + k * plane;
        for (std::size_t i = 0; i < plane; ++i) m[i] = std::max(m[i], static_cast<std::int16_t>(src[i]));
      }
      fill(v, p, [&](std::size_t* idx) { return m[idx[1] * v.dims.nx + idx[0]] * v.slope + v.intercept; });
    } else {
      std::vector<std::uint16_t> m(plane, 0);
      for (std::size_t k = 0; k < v.dims.nz; ++k) {
        const std::uint16_t* src = v.data.data() + k * plane;
        for (std::size_t i = 0; i < plane; ++i) m[i] = std::max(m[i], src[i]);
      }
      fill(v, p, [&](std::size_t* idx) { return m[idx[1] * v.dims.nx + idx[0]] * v.slope + v.intercept; });
    }
    return p;
  }
  fill(v, p, [&](std::size_t* idx) {
    double m = -1e300;
    for (std::size_t d = 0; d < n[p.depth_axis]; ++d) {
      idx[p.depth_axis] = d;
      m = std::max(m, v.value(v.index(idx[0], idx[1], idx[2])));
    }
    return m;
  });
  return p;
}

Picture coronal_slice(const Volume& v, std::size_t index) {
  Picture p = frame(v);
  const std::size_t n[3] = {v.dims.nx, v.dims.ny, v.dims.nz};
  index = std::min(index, n[p.depth_axis] - 1);
  fill(v, p, [&](std::size_t* idx) {
    idx[p.depth_axis] = index;
    return v.value(v.index(idx[0], idx[1], idx[2]));
  });
  return p;
}

void auto_window(const ValueOrder& order, double& lo, double& hi, double upper_percentile) {
  lo = 0;
  hi = 1;
  const std::size_t n = order.count_above(0);
  if (n == 0) return;
  const auto at = static_cast<std::size_t>(std::clamp(upper_percentile / 100.0, 0.0, 1.0) * (n - 1));
  hi = std::max(1.0, static_cast<double>(order.kth_above(0, at)));
}

void auto_window(const Picture& p, double& lo, double& hi, double upper_percentile) {
  auto_window(ValueOrder(p.values), lo, hi, upper_percentile);
}

}  // namespace crmo::imaging
