#pragma once
// NIfTI-1 single-file volumes (.nii, or .nii.gz through zlib) with qform and sform both
// set from the volume's geometry (RAS, as NIfTI defines it). By default the rows are
// stored bottom-up as dcm2niix does, so crmo's files match dcm2niix's voxel for voxel;
// the affine says where each voxel is either way.
#include <array>
#include <cstddef>
#include <optional>
#include <string>

#include "imaging/volume.hpp"

namespace crmo::imaging {

struct NiftiOptions {
  bool flip_rows = true;      // dcm2niix layout (rows reversed, affine adjusted)
  bool labels_u8 = false;     // write uint8 (for label volumes)
  int gzip_level = 1;         // for .nii.gz
  std::string description;    // descrip field (79 characters at most)
};

// Writes `v` to `path` (.nii.gz compresses). Throws std::runtime_error on I/O failure.
void write_nifti(const Volume& v, const std::string& path, const NiftiOptions& opt = {});

// Uncompressed single-file NIfTI: the header (348 bytes, then 4 zero bytes), voxels from
// this offset on. For writers that stream the voxels themselves (stream_joined).
constexpr std::size_t kNiftiVoxOffset = 352;
// The header `write_nifti` writes for a volume with `grid`'s dims, geometry and value
// scaling; `fits_i16`: every stored value below 32768 (int16), else uint16.
std::array<char, kNiftiVoxOffset> nifti_header(const Volume& grid, bool fits_i16, const NiftiOptions& opt = {});

struct NiftiRead {
  std::optional<Volume> volume;
  std::string error;
  std::array<double, 16> sform{}, qform{};  // RAS affines as stored
  int datatype = 0;
};
// Reads .nii or .nii.gz (int16, uint16, uint8). Geometry from the sform (qform if absent).
NiftiRead read_nifti(const std::string& path);

// The 4x4 RAS matrix NIfTI's quaternion parameters describe (as nifti_quatern_to_mat44).
std::array<double, 16> qform_matrix(double b, double c, double d, const Vec3& offset,
                                    const Vec3& pixdim, double qfac);

}  // namespace crmo::imaging
