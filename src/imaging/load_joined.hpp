#pragma once
// Loads the stations of one multi-station sequence straight into the whole-body grid,
// as dcm2niix loads a series: headers first (already read), then each file's pixels
// once. When the stations lie on one grid (the usual case: same matrix, spacing and
// orientation, whole-voxel offsets), each slice's rows go to their place in the joined
// volume and only the overlap rows are kept aside and blended; no station volume is
// built. Other stations (resampled, mosaics, volumes in time) are loaded one by one and
// joined by join_stations. The result is the same voxel for voxel either way.
#include <vector>

#include "imaging/dicom_pixels.hpp"
#include "imaging/join.hpp"

namespace crmo::imaging {

JoinResult load_joined(const std::vector<DicomHeader>& headers, const std::vector<const SeriesPlan*>& stations,
                       int axis, std::vector<Problem>& problems, unsigned threads = 0);

}  // namespace crmo::imaging
