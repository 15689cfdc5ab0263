#pragma once
// What crmo needs from one DICOM file's header, read before (and without) its pixels.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imaging/geometry.hpp"

namespace crmo::imaging {

struct DicomHeader {
  std::string path;
  std::string sop_class_uid, sop_instance_uid, transfer_syntax;
  std::string study_uid, series_uid, frame_of_reference_uid;
  std::string patient_id, patient_name, study_date, study_description, modality, manufacturer;
  std::string series_description, protocol_name, sequence_name, image_type;
  int series_number = 0, instance_number = 0, acquisition_number = 0, echo_number = 0;
  double echo_time = 0, repetition_time = 0, inversion_time = 0;
  int rows = 0, cols = 0, bits_allocated = 0, bits_stored = 0, pixel_representation = 0;
  int samples_per_pixel = 1, number_of_frames = 1;
  std::string photometric;
  std::optional<Vec3> position;                  // Image Position (Patient)
  std::optional<std::array<Vec3, 2>> orientation;  // row, column direction cosines
  std::optional<std::array<double, 2>> pixel_spacing;  // row spacing, column spacing (mm)
  double slice_thickness = 0, spacing_between_slices = 0;
  double slope = 1, intercept = 0;
  int mosaic_images = 0;  // Siemens mosaic: slices tiled in one frame (0: not a mosaic)
  bool mosaic_descending = false;  // Siemens CSA SliceNormalVector opposes row x column
  // Enhanced multi-frame: per frame position (and the shared or per-frame orientation).
  std::vector<Vec3> frame_positions;
  double table_position = 0;  // from Image Position along the slice normal, filled later
  // Native little-endian pixel data (not deflated, not encapsulated): where the pixels
  // start in the file and their declared length, so they can be read without re-parsing.
  bool native_pixels = false;
  std::uint64_t pixel_offset = 0, pixel_length = 0;
};

struct HeaderResult {
  std::optional<DicomHeader> header;
  std::string error;  // why the file was not read (not DICOM, truncated, ...)
};

// Reads the header of `path` up to the pixel data (the pixels are not read).
HeaderResult read_dicom_header(const std::string& path);
// The same on bytes in memory (for the fuzz target and tests).
HeaderResult read_dicom_header_from_memory(std::string_view bytes, const std::string& name);

// "1\2.5\-3" -> {1, 2.5, -3}; entries that are not numbers are skipped.
std::vector<double> parse_numbers(std::string_view s);

}  // namespace crmo::imaging
