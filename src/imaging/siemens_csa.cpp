#include "imaging/siemens_csa.hpp"

#include <cstdint>
#include <cstring>

#include "imaging/dicom_header.hpp"

namespace crmo::imaging {

namespace {
bool u32(std::string_view b, std::size_t at, std::uint32_t& out) {
  if (at + 4 > b.size()) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(b.data() + at);
  out = p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
  return true;
}
}  // namespace

std::vector<double> CsaHeader::numbers(std::string_view name) const {
  std::vector<double> out;
  for (const auto& e : entries) {
    if (e.name != name) continue;
    for (const auto& s : e.items) {
      const auto v = parse_numbers(s);
      if (!v.empty()) out.push_back(v[0]);
    }
  }
  return out;
}

CsaHeader parse_csa(std::string_view b) {
  CsaHeader h;
  if (b.size() < 16 || b.substr(0, 4) != "SV10") return h;
  std::uint32_t ntags = 0;
  if (!u32(b, 8, ntags) || ntags > 1000) return h;
  std::size_t at = 16;
  for (std::uint32_t t = 0; t < ntags; ++t) {
    if (at + 84 > b.size()) return h;
    CsaEntry e;
    e.name.assign(b.data() + at, strnlen(b.data() + at, 64));
    e.vr.assign(b.data() + at + 68, strnlen(b.data() + at + 68, 4));
    std::uint32_t nitems = 0;
    if (!u32(b, at + 64, e.vm) || !u32(b, at + 72, e.syngodt) || !u32(b, at + 76, nitems) || nitems > 1000) return h;
    at += 84;
    for (std::uint32_t i = 0; i < nitems; ++i) {
      std::uint32_t len = 0;
      if (!u32(b, at + 4, len) || len > b.size()) return h;
      at += 16;
      if (at + len > b.size()) return h;
      e.items.emplace_back(b.data() + at, strnlen(b.data() + at, len));
      at += (len + 3) / 4 * 4;
    }
    h.entries.push_back(std::move(e));
  }
  h.complete = true;
  return h;
}

}  // namespace crmo::imaging
