#pragma once
// Recognises the stations of one multi-station sequence: series of one study with the
// same sequence parameters, orientation, pixel spacing and series description stem, at
// different table positions. Pure logic over planned series (no I/O).
#include <string>
#include <vector>

#include "imaging/dicom_series.hpp"

namespace crmo::imaging {

struct StationGroup {
  std::string id;    // file-name safe stem, e.g. "COR_STIR_WB"
  std::string stem;  // description stem shared by the stations
  std::vector<std::size_t> series;  // indices into the planned series, head to feet
  int join_axis = 1;                // volume axis along which the stations follow
};

// "COR STIR WB S1" -> "COR STIR WB"; "t2_tirm_cor_wb_3" -> "t2_tirm_cor_wb";
// "WB STIR 2/4" -> "WB STIR".
std::string description_stem(const std::string& description);

// Groups of two or more stations; series that are alone are not listed.
std::vector<StationGroup> find_station_groups(const std::vector<SeriesPlan>& series);

}  // namespace crmo::imaging
