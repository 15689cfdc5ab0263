#pragma once
// Joins the stations of one sequence into one whole-body volume in patient coordinates:
// one grid covering all stations (the first station's axes and spacing), each station
// resampled onto it (exact copy when the grids coincide, trilinear otherwise), and the
// overlaps blended with a linear ramp across them so no seam shows.
#include <string>
#include <vector>

#include "imaging/volume.hpp"

namespace crmo::imaging {

// Where one station lies on the joined grid.
struct JoinMap {
  // Station index along each axis = output index * scale + shift.
  Vec3 scale{1, 1, 1}, shift{0, 0, 0};
  bool integral = false;  // all shifts whole voxels and scales 1: copy without interpolation
  double lo = 0, hi = 0;  // extent along the join axis, in output indices
  double ramp_lo = 0, ramp_hi = 0;  // overlap width (output voxels) at each end, 0: none
  double value_scale = 1, value_shift = 0;  // to the first station's stored values
  // Blend weight at output position `pos` along the join axis: ramps across overlaps.
  double weight(double pos) const;
};

// The joined grid and each station's place on it, from the stations' geometry alone.
struct JoinLayout {
  Volume grid;  // dims, geometry, value scaling of the joined volume (data not allocated)
  std::vector<JoinMap> maps;
  std::vector<double> overlap_mm;  // between successive stations
  std::string error;
  // Every station on the joined grid (whole-voxel shifts, same values and sign) and
  // joined along rows or slices: a row is copied from its one station, or blended.
  bool same_grid = false;
  // Same-grid layouts: which station alone covers output row (j, k); -1 none, -2 blend.
  int row_owner(const std::vector<const Volume*>& stations, std::size_t j, std::size_t k, int axis) const;
};

// `stations` give dims, geom, slope, intercept and sign (their voxels are not used).
JoinLayout plan_join(const std::vector<const Volume*>& stations, int axis);

// Output row (j, k) of a blended row: each covering station's whole-voxel row
// `rows[s]` (nullptr where station s does not cover it), blended into `out` (nx values).
void blend_row(const JoinLayout& lay, const std::vector<const Volume*>& stations,
               const std::vector<const std::uint16_t*>& rows, std::size_t j, std::size_t k, int axis,
               std::uint16_t* out);

struct JoinResult {
  Volume volume;
  std::string error;  // empty on success
  std::vector<double> overlap_mm;  // between successive stations
};

// `stations` ordered along `axis` (either way). All must share orientation.
JoinResult join_stations(const std::vector<const Volume*>& stations, int axis);

}  // namespace crmo::imaging
