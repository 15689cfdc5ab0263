#pragma once
// Loads the stations of one multi-station sequence straight into the whole-body grid,
// as dcm2niix loads a series: headers first (already read), then each file's pixels
// once. When the stations lie on one grid (the usual case: same matrix, spacing and
// orientation, whole-voxel offsets), each slice's rows go to their place in the joined
// volume and only the overlap rows are kept aside and blended; no station volume is
// built. Other stations (resampled, mosaics, volumes in time) are loaded one by one and
// joined by join_stations. The result is the same voxel for voxel either way.
#include <string>
#include <vector>

#include "imaging/dicom_pixels.hpp"
#include "imaging/join.hpp"

namespace crmo::imaging {

// One frame (rows x columns values) of a file with native 16-bit one-sample pixels
// (h.native_pixels), by one pread at the offset the header scan found; false (and
// `error`) when the file is shorter than it says or cannot be read.
bool read_native_frame(const DicomHeader& h, int frame, std::uint16_t* out, std::string& error);
// The same with the rows scattered: row r into to[r], by preadv (one copy, by the kernel);
// rows whose to[r] is null into `discard` (a row's worth, or null when every row is wanted).
bool read_native_rows(const DicomHeader& h, int frame, const std::vector<std::uint16_t*>& to, std::uint16_t* discard,
                      std::string& error);

JoinResult load_joined(const std::vector<DicomHeader>& headers, const std::vector<const SeriesPlan*>& stations,
                       int axis, std::vector<Problem>& problems, unsigned threads = 0);

}  // namespace crmo::imaging
