#pragma once
// Siemens CSA header ("SV10" layout in private element (0029,xx10)): named lists of
// strings. Only what mosaics need is read; every length is bounds-checked.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crmo::imaging {

struct CsaHeader {
  std::vector<std::pair<std::string, std::vector<std::string>>> entries;
  std::vector<double> numbers(std::string_view name) const;
};

// Parses a CSA header; returns what could be read before any inconsistency.
CsaHeader parse_csa(std::string_view bytes);

}  // namespace crmo::imaging
