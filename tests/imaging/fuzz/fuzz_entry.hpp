#pragma once
// One fuzz input through crmo's DICOM reading path and geometry: the bounds-checked
// parser, the header reader (incl. Siemens CSA), native pixel decoding, series planning
// (grouping, sorting, geometry) on variations of the header, and station detection.
// Shared by the libFuzzer target and the regression test that replays saved crashes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "imaging/dicom_header.hpp"
#include "imaging/dicom_parse.hpp"
#include "imaging/dicom_pixels.hpp"
#include "imaging/dicom_series.hpp"
#include "imaging/siemens_csa.hpp"
#include "imaging/stations.hpp"

namespace crmo::imaging::fuzz {

inline void run_one(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const DicomParse parsed = parse_dicom(bytes);
  (void)parse_csa(bytes);
  HeaderResult h = read_dicom_header_from_memory(bytes, "fuzz");
  // Compressed pixel data goes to GDCM, whose Debian build aborts on some malformed
  // codec streams; the target keeps to crmo's own code (native pixels).
  if (parsed.has_pixels && !parsed.encapsulated) (void)decode_dicom_pixels_from_memory(bytes);
  if (!h.header) return;
  // Geometry: plan a series of copies of this header at shifted positions, and a second
  // "station" further along, as ingestion would.
  std::vector<DicomHeader> headers;
  const std::size_t copies = 1 + size % 5;
  for (std::size_t i = 0; i < copies; ++i) {
    DicomHeader c = *h.header;
    if (c.position) (*c.position)[i % 3] += static_cast<double>(i) * (1 + size % 7);
    c.instance_number = static_cast<int>(i);
    headers.push_back(c);
  }
  DicomHeader other = *h.header;
  other.series_uid += ".2";
  other.series_description += " 2";
  if (other.position) (*other.position)[2] -= 300;
  headers.push_back(other);
  const SeriesResult planned = plan_series(headers);
  for (const auto& s : planned.series) {
    (void)s.geom.to_index(s.geom.to_patient(1, 2, 3));
    (void)s.geom.affine_ras();
  }
  (void)find_station_groups(planned.series);
}

}  // namespace crmo::imaging::fuzz
