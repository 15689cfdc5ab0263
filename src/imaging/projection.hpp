#pragma once
// Coronal views of a volume as 2D pictures in display orientation (head up, patient's
// right on the viewer's left): maximum intensity projection and single slices. Pure
// computation; png.hpp draws them.
#include <string>
#include <vector>

#include "imaging/value_order.hpp"
#include "imaging/volume.hpp"

namespace crmo::imaging {

struct Picture {
  std::size_t width = 0, height = 0;
  std::vector<float> values;  // row major, row 0 at the top (head)
  double pixel_w_mm = 1, pixel_h_mm = 1;
  // Volume axes shown: columns, rows, and the axis projected (or sliced) away.
  int col_axis = 0, row_axis = 1, depth_axis = 2;
  bool flip_cols = false, flip_rows = false;
  Geometry geom;  // of the volume, to place patient points
  // Picture position (column, row) of a patient point; false when it falls outside.
  bool locate(const Vec3& p, double& col, double& row) const;
};

// The volume axes that run left-right, head-feet and front-back.
void coronal_axes(const Geometry& g, int& col_axis, int& row_axis, int& depth_axis);

Picture coronal_mip(const Volume& v);
// Coronal slice at front-back index `index` of the depth axis.
Picture coronal_slice(const Volume& v, std::size_t index);
// Display window from the body's values (percentiles of the nonzero pixels).
void auto_window(const Picture& p, double& lo, double& hi, double upper_percentile = 99.5);
// The same from the picture's ValueOrder (built once, shared by several windows).
void auto_window(const ValueOrder& order, double& lo, double& hi, double upper_percentile = 99.5);

}  // namespace crmo::imaging
