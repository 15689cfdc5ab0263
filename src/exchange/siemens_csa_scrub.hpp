#pragma once
// De-identification of the Siemens CSA headers (private elements (0029,xx10) image and
// (0029,xx20) series under the creator "SIEMENS CSA HEADER"), for PS3.15's Retain Safe
// Private Option: crmo needs the image header to cut mosaics into slices.
//
// The header is never copied: it is parsed and written anew ("SV10" layout), holding only
// the entries of an allowlist of acquisition parameters whose every value passes a strict
// check (a number, or for a few named entries a short code of a fixed pattern). Names,
// values and padding are written from scratch, so the uninitialised bytes Siemens leaves
// after the terminating NULs (which can hold fragments of other fields and UIDs) are gone.
// The Phoenix protocol (MrPhoenixProtocol of the series header) keeps only its ASCCONV
// lines of allowlisted parameter structures with numeric values; every quoted string
// (protocol and sequence names, reference image UIDs...) and the XProtocol text are dropped.
// docs/exchange.md lists what is kept and why.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace crmo::exchange {

enum class CsaKind { image, series };

struct CsaScrubResult {
  bool ok = false;     // the input was a well-formed "SV10" header
  std::string bytes;   // the new header (even length), empty when nothing was kept
  std::vector<std::string> kept, dropped;  // entry names
};

CsaScrubResult scrub_siemens_csa(std::string_view in, CsaKind kind);

// The ASCCONV part of a Phoenix protocol reduced to allowlisted numeric lines; empty when
// there is none.
std::string scrub_ascconv(std::string_view protocol);

}  // namespace crmo::exchange
