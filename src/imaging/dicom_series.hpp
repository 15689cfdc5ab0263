#pragma once
// Groups DICOM headers into image series and works out each series' geometry: group by
// study and series, split by echo, image type, orientation and matrix, order slices by
// their position along the slice normal (never by file name or instance number),
// recognise repeated positions (volumes in time) and Siemens mosaics.
#include <string>
#include <vector>

#include "imaging/dicom_scan.hpp"
#include "imaging/volume.hpp"

namespace crmo::imaging {

// One 2D slice of a series: which file, which frame in it, which mosaic tile.
struct SliceRef {
  std::size_t header = 0;  // index into the headers given to plan_series
  int frame = 0;
  int tile = -1;  // mosaic tile, -1 when not a mosaic
  Vec3 position{};
};

struct SeriesPlan {
  std::string id;  // unique, file-name safe: "<series number>_<description>[_e2][_phase]..."
  std::string study_uid, series_uid, frame_of_reference_uid;
  std::string patient_id, study_date, modality, manufacturer;
  std::string description, protocol_name, sequence_name, image_type, kind;
  int series_number = 0, echo_number = 0;
  double echo_time = 0, repetition_time = 0, inversion_time = 0;
  Dims dims;
  std::size_t nt = 1;
  Geometry geom;
  bool is_signed = false;
  double slope = 1, intercept = 0;
  bool mosaic = false;
  std::vector<SliceRef> slices;  // nz * nt, z fastest (all slices of volume 0 first)
  std::vector<std::string> files;  // distinct files, in slice order
  std::vector<std::string> warnings;
};

struct SeriesResult {
  std::vector<SeriesPlan> series;
  std::vector<Problem> problems;  // series (or files) rejected, with the reason
};

SeriesResult plan_series(const std::vector<DicomHeader>& headers);

// Simple image kind from ImageType and description: "magnitude", "phase", "real",
// "imaginary", "water", "fat", "in_phase", "opposed_phase".
std::string image_kind(const DicomHeader& h);

}  // namespace crmo::imaging
