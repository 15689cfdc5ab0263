#pragma once
// Decodes the pixels of a planned series into one volume (through GDCM, which decodes
// every transfer syntax: implicit/explicit little endian, big endian, deflate, JPEG
// baseline and lossless, JPEG-LS, JPEG 2000, RLE). Mosaics are cut into their slices.
#include <string>
#include <vector>

#include "imaging/dicom_series.hpp"

namespace crmo::imaging {

// The decoded frames of one file: rows x cols x frames 16-bit values (8-bit widened).
struct DecodedPixels {
  int rows = 0, cols = 0, frames = 0;
  std::vector<std::uint16_t> data;
  std::string error;
};
DecodedPixels decode_dicom_pixels(const std::string& path);
DecodedPixels decode_dicom_pixels_from_memory(std::string_view bytes);
// Whole file into `out`; false when it cannot be read.
bool read_file(const std::string& path, std::string& out);

struct LoadResult {
  Volume volume;
  std::vector<Problem> problems;  // files that could not be decoded (their slices stay 0)
};

// The volume a series plan describes, without voxels (dims, geometry, value scaling).
Volume grid_of(const SeriesPlan& plan);

LoadResult load_series(const std::vector<DicomHeader>& headers, const SeriesPlan& plan,
                       const Progress& progress = {}, unsigned threads = 0);

}  // namespace crmo::imaging
