#pragma once
// Joins the stations of one sequence slice by slice straight into its NIfTI file, as
// dcm2niix converts a series: no whole body is held in memory. Each output slice is
// assembled from the stations' files for that slice (rows copied, overlaps blended, as
// load_joined and join_stations do), folded into the coronal MIP and written at its
// place in the file. On a VM, fresh memory costs more than the copying: a 47 MB body
// held in memory cost 20-60 ms of page zeroing per sequence, and the peak memory of
// `crmo ingest` was set by it (docs/imaging.md, "Speed").
//
// Only the usual case streams: coronal stations on one grid (whole-voxel shifts),
// uncompressed 16-bit pixels, one volume in time, no mosaic. Everything else goes
// through load_joined; `streamable` says which.
#include <string>
#include <vector>

#include "imaging/dicom_pixels.hpp"
#include "imaging/join.hpp"
#include "imaging/projection.hpp"

namespace crmo::imaging {

bool streamable(const std::vector<DicomHeader>& headers, const std::vector<const SeriesPlan*>& stations, int axis);

struct StreamedBody {
  Volume grid;  // dims, geometry (rows top-down, as in memory), value scaling; no voxels
  Picture mip;  // coronal_mip of the joined volume
  std::vector<double> overlap_mm;
  std::string error;  // empty on success (then the file is complete)
  std::size_t voxel_bytes = 0;
};

// Writes the joined volume to `path` (.nii; written beside it and renamed when complete)
// with the rows bottom-up as write_nifti writes them. Unreadable files are reported in
// `problems` and their rows stay zero, as load_joined does.
StreamedBody stream_joined(const std::vector<DicomHeader>& headers, const std::vector<const SeriesPlan*>& stations,
                           int axis, const std::string& path, const std::string& description,
                           std::vector<Problem>& problems, unsigned threads = 0);

// Coronal slice `k` (of the depth axis, here the file's slices) of a body stream_joined
// wrote to `path`, read back from the file, as coronal_slice would draw it from memory.
Picture streamed_coronal_slice(const Volume& grid, const std::string& path, std::size_t k);
// RowMax (site_positions.hpp) of such a body: row `row` (top-down) of slice `k`, read back.
double streamed_row_max(const Volume& grid, const std::string& path, std::size_t row, std::size_t k);

}  // namespace crmo::imaging
