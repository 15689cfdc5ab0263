#pragma once
// Joins the stations of one sequence into one whole-body volume in patient coordinates:
// one grid covering all stations (the first station's axes and spacing), each station
// resampled onto it (exact copy when the grids coincide, trilinear otherwise), and the
// overlaps blended with a linear ramp across them so no seam shows.
#include <string>
#include <vector>

#include "imaging/volume.hpp"

namespace crmo::imaging {

struct JoinResult {
  Volume volume;
  std::string error;  // empty on success
  std::vector<double> overlap_mm;  // between successive stations
};

// `stations` ordered along `axis` (either way). All must share orientation.
JoinResult join_stations(const std::vector<const Volume*>& stations, int axis);

}  // namespace crmo::imaging
