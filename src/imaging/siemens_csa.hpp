#pragma once
// Siemens CSA header ("SV10" layout in private element (0029,xx10)): named lists of
// strings, every length bounds-checked. Read for mosaics (imaging) and rebuilt from an
// allowlist by de-identification (exchange/siemens_csa_scrub), so each entry keeps its
// VR, VM and SyngoDT.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace crmo::imaging {

struct CsaEntry {
  std::string name, vr;
  std::uint32_t vm = 0, syngodt = 0;
  std::vector<std::string> items;  // each up to its first NUL
};

struct CsaHeader {
  std::vector<CsaEntry> entries;
  bool complete = false;  // every entry the header announces was read
  std::vector<double> numbers(std::string_view name) const;
};

// Parses a CSA header; returns what could be read before any inconsistency (then
// `complete` is false).
CsaHeader parse_csa(std::string_view bytes);

}  // namespace crmo::imaging
