#include "imaging/dicom_writer.hpp"

#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace crmo::imaging {

namespace {
void put16(std::string& s, std::uint16_t v) {
  s += static_cast<char>(v & 0xff);
  s += static_cast<char>(v >> 8);
}
void put32(std::string& s, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}
bool long_vr(const std::string& vr) {
  return vr == "OB" || vr == "OW" || vr == "SQ" || vr == "UN" || vr == "UT" || vr == "OF" || vr == "UC" ||
         vr == "UR" || vr == "OD" || vr == "OL";
}
void put_element(std::string& out, std::uint32_t tag, const std::string& vr, const std::string& value) {
  put16(out, static_cast<std::uint16_t>(tag >> 16));
  put16(out, static_cast<std::uint16_t>(tag & 0xffff));
  out += vr;
  if (long_vr(vr)) {
    put16(out, 0);
    put32(out, static_cast<std::uint32_t>(value.size()));
  } else {
    put16(out, static_cast<std::uint16_t>(value.size()));
  }
  out += value;
}
}  // namespace

void DicomWriter::set(std::uint16_t group, std::uint16_t element, const char vr[3], const std::string& value) {
  std::string v = value;
  const std::string r(vr, 2);
  if (v.size() % 2) v += (r == "UI" || r == "OB") ? '\0' : ' ';
  elements_[(std::uint32_t{group} << 16) | element] = {r, v};
}

void DicomWriter::set_us(std::uint16_t group, std::uint16_t element, std::uint16_t value) {
  std::string v;
  put16(v, value);
  elements_[(std::uint32_t{group} << 16) | element] = {"US", v};
}

void DicomWriter::set_pixels(const std::vector<std::uint16_t>& pixels) {
  std::string v(pixels.size() * 2, '\0');
  std::memcpy(v.data(), pixels.data(), v.size());  // little-endian host assumed (x86, arm64)
  elements_[0x7fe00010u] = {"OW", std::move(v)};
}

std::string DicomWriter::bytes() const {
  auto find = [&](std::uint32_t t) {
    auto it = elements_.find(t);
    return it == elements_.end() ? std::string() : it->second.value;
  };
  std::string meta;
  put_element(meta, 0x00020001u, "OB", std::string("\0\1", 2));
  put_element(meta, 0x00020002u, "UI", find(0x00080016u));
  put_element(meta, 0x00020003u, "UI", find(0x00080018u));
  put_element(meta, 0x00020010u, "UI", std::string("1.2.840.10008.1.2.1\0", 20));
  put_element(meta, 0x00020012u, "UI", std::string("2.25.271828182845904523536.1"));
  put_element(meta, 0x00020013u, "SH", "CRMO_PHANTOM");
  std::string out(128, '\0');
  out += "DICM";
  std::string len;
  put32(len, static_cast<std::uint32_t>(meta.size()));
  put_element(out, 0x00020000u, "UL", len);
  out += meta;
  for (const auto& [tag, e] : elements_) put_element(out, tag, e.vr, e.value);
  return out;
}

void DicomWriter::write(const std::string& path) const {
  const std::string b = bytes();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot write " + path);
  const bool ok = std::fwrite(b.data(), 1, b.size(), f) == b.size();
  if (std::fclose(f) != 0 || !ok) throw std::runtime_error("write failed: " + path);
}

std::string phantom_uid(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  // Under the ISO "2.25" arc (UUID-derived UIDs); crmo phantoms use one fixed first number.
  return "2.25.271828182845904523536." + std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c);
}

}  // namespace crmo::imaging
