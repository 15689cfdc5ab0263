#include "imaging/dicom_parse.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "imaging/dicom_header.hpp"

namespace crmo::imaging {

namespace {

constexpr std::uint32_t kUndefined = 0xffffffffu;
constexpr std::uint32_t kItem = 0xfffee000u, kItemEnd = 0xfffee00du, kSeqEnd = 0xfffee0ddu;
constexpr std::uint32_t kPixelData = 0x7fe00010u;
constexpr int kMaxDepth = 12;

bool is_long_vr(const char* vr) {
  static const char* kLong[] = {"OB", "OW", "OF", "OD", "OL", "OV", "SQ", "UT", "UN", "UC", "UR", "SV", "UV"};
  for (const char* l : kLong)
    if (vr[0] == l[0] && vr[1] == l[1]) return true;
  return false;
}

bool valid_vr(const char* vr) { return vr[0] >= 'A' && vr[0] <= 'Z' && vr[1] >= 'A' && vr[1] <= 'Z'; }

// Sequences crmo reads inside implicit-VR datasets, where the VR is not written.
bool known_sequence(std::uint32_t tag) {
  switch (tag) {
    case 0x52009229u: case 0x52009230u: case 0x00209113u: case 0x00209116u: case 0x00289110u:
    case 0x00189114u: case 0x00209111u: case 0x00289145u:
      return true;
    default:
      return false;
  }
}

std::string hex_tag(std::uint32_t t) {
  char b[16];
  std::snprintf(b, sizeof b, "(%04X,%04X)", t >> 16, t & 0xffff);
  return b;
}

class Walker {
 public:
  Walker(std::string_view b, bool explicit_vr, bool big, DicomParse& out)
      : b_(b), explicit_(explicit_vr), big_(big), out_(out) {}

  std::uint16_t u16(std::size_t at) const {
    const auto* p = reinterpret_cast<const unsigned char*>(b_.data() + at);
    return big_ ? static_cast<std::uint16_t>(p[0] << 8 | p[1]) : static_cast<std::uint16_t>(p[1] << 8 | p[0]);
  }
  std::uint32_t u32(std::size_t at) const {
    const auto* p = reinterpret_cast<const unsigned char*>(b_.data() + at);
    return big_ ? (std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3])
                : (std::uint32_t{p[3]} << 24 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[1]} << 8 | p[0]);
  }

  bool fail(const std::string& why, bool ran_out = false) {
    if (out_.error.empty()) out_.error = why;
    if (ran_out) out_.ran_out = true;
    return false;
  }

  // Items of a sequence from `pos` up to `end` (defined length) or its delimiter.
  bool items(std::size_t& pos, std::size_t end, bool undefined, int depth, DicomElement& seq) {
    while (undefined || pos < end) {
      if (pos + 8 > b_.size()) return fail("sequence " + hex_tag(seq.tag) + " runs past the end of the file (truncated)", true);
      const std::uint32_t tag = std::uint32_t{u16(pos)} << 16 | u16(pos + 2);
      const std::uint32_t len = u32(pos + 4);
      pos += 8;
      if (tag == kSeqEnd) {
        if (!undefined) return fail("unexpected sequence delimiter in " + hex_tag(seq.tag));
        return true;
      }
      if (tag != kItem) return fail("sequence " + hex_tag(seq.tag) + " holds " + hex_tag(tag) + " where an item belongs");
      if (seq.items.size() > 100000) return fail("too many items in " + hex_tag(seq.tag));
      seq.items.emplace_back();
      if (len == kUndefined) {
        if (!dataset(pos, b_.size(), true, depth + 1, seq.items.back())) return false;
      } else {
        if (len > b_.size() - pos) return fail("item of " + hex_tag(seq.tag) + " runs past the end of the file", true);
        const std::size_t item_end = pos + len;
        if (!dataset(pos, item_end, false, depth + 1, seq.items.back())) return false;
        pos = item_end;
      }
    }
    if (pos != end) return fail("sequence " + hex_tag(seq.tag) + " length does not match its items");
    return true;
  }

  // Elements from `pos` to `end`, or to an item delimiter when `in_undefined_item`.
  bool dataset(std::size_t& pos, std::size_t end, bool in_undefined_item, int depth, DicomDataSet& ds) {
    if (depth > kMaxDepth) return fail("sequences nested too deeply");
    std::uint32_t last = 0;
    while (pos < end) {
      if (pos + 8 > end) return fail("data element header at byte " + std::to_string(pos) + " cut off (truncated)", true);
      const std::uint16_t group = u16(pos), elem = u16(pos + 2);
      const std::uint32_t tag = std::uint32_t{group} << 16 | elem;
      if (tag == kItemEnd) {
        pos += 8;
        if (!in_undefined_item) return fail("unexpected item delimiter");
        return true;
      }
      if (group == 0xfffe) return fail("unexpected " + hex_tag(tag) + " in a dataset");
      if (depth == 0 && group == 0xfffc) return true;  // dataset trailing padding
      if (tag < last) return fail("data elements out of order at " + hex_tag(tag) + " (not DICOM, or corrupt)");
      last = tag;
      DicomElement e;
      e.tag = tag;
      std::uint32_t len;
      std::size_t header;
      if (explicit_) {
        e.vr[0] = b_[pos + 4];
        e.vr[1] = b_[pos + 5];
        if (!valid_vr(e.vr)) return fail("invalid value representation at " + hex_tag(tag) + " (not DICOM, or corrupt)");
        if (is_long_vr(e.vr)) {
          if (pos + 12 > end) return fail("data element " + hex_tag(tag) + " cut off (truncated)", true);
          len = u32(pos + 8);
          header = 12;
        } else {
          len = u16(pos + 6);
          header = 8;
        }
      } else {
        len = u32(pos + 4);
        header = 8;
        if (len == kUndefined || known_sequence(tag)) std::memcpy(e.vr, tag == kPixelData ? "OB" : "SQ", 2);
        else std::memcpy(e.vr, "UN", 2);
      }
      pos += header;
      if (tag == kPixelData && depth == 0) {
        out_.has_pixels = true;
        if (len == kUndefined) {
          out_.encapsulated = true;
          DicomElement frag;
          frag.tag = tag;
          // Fragments: items of raw bytes up to the sequence delimiter.
          while (true) {
            if (pos + 8 > end) return fail("encapsulated pixel data truncated", true);
            const std::uint32_t t = std::uint32_t{u16(pos)} << 16 | u16(pos + 2);
            const std::uint32_t l = u32(pos + 4);
            pos += 8;
            if (t == kSeqEnd) break;
            if (t != kItem || l == kUndefined) return fail("encapsulated pixel data is malformed");
            if (l > end - pos) return fail("encapsulated pixel data truncated", true);
            pos += l;
          }
        } else {
          out_.pixel_offset = pos;
          out_.pixel_length = len;
          if (len > end - pos) {
            out_.ran_out = true;
            return fail("pixel data truncated: " + std::to_string(end - pos) + " of " + std::to_string(len) + " bytes", true);
          }
          pos += len;
        }
        ds.elements.push_back(std::move(e));
        return true;  // crmo needs nothing after the pixels
      }
      const bool sq = (e.vr[0] == 'S' && e.vr[1] == 'Q') || (len == kUndefined);
      if (sq) {
        std::memcpy(e.vr, "SQ", 2);
        const bool undefined = len == kUndefined;
        if (!undefined && len > end - pos)
          return fail("data element " + hex_tag(tag) + " length " + std::to_string(len) + " runs past the end of the file (truncated or wrong length)", true);
        const std::size_t seq_end = undefined ? end : pos + len;
        // Implicit VR inside UN-coded sequences: items are implicit little endian.
        if (!items(pos, seq_end, undefined, depth, e)) return false;
      } else {
        if (len > end - pos)
          return fail("data element " + hex_tag(tag) + " length " + std::to_string(len) + " runs past the end of the file (truncated or wrong length)", true);
        e.value = b_.substr(pos, len);
        pos += len;
      }
      if (ds.elements.size() > 200000) return fail("too many data elements");
      ds.elements.push_back(std::move(e));
    }
    if (in_undefined_item) return fail("item without delimiter (truncated)", true);
    return true;
  }

 private:
  std::string_view b_;
  bool explicit_, big_;
  DicomParse& out_;
};

bool inflate_raw(std::string_view in, std::string& out) {
  z_stream zs{};
  if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) return false;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string buf(std::max<std::size_t>(in.size() * 4, 4096), '\0');
  std::size_t have = 0;
  int rc = Z_OK;
  while (rc == Z_OK) {
    if (have == buf.size()) {
      if (buf.size() > (std::size_t{1} << 31)) break;
      buf.resize(buf.size() * 2);
    }
    zs.next_out = reinterpret_cast<Bytef*>(buf.data() + have);
    zs.avail_out = static_cast<uInt>(buf.size() - have);
    rc = inflate(&zs, Z_NO_FLUSH);
    have = buf.size() - zs.avail_out;
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) return false;
  buf.resize(have);
  out = std::move(buf);
  return true;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return std::string(s);
}

}  // namespace

const DicomElement* DicomDataSet::find(std::uint32_t tag) const {
  auto it = std::lower_bound(elements.begin(), elements.end(), tag,
                             [](const DicomElement& e, std::uint32_t t) { return e.tag < t; });
  return it != elements.end() && it->tag == tag ? &*it : nullptr;
}

const DicomElement* DicomDataSet::find_private(std::uint16_t group, const std::string& creator,
                                               std::uint8_t element_low) const {
  for (std::uint32_t block = 0x10; block <= 0xff; ++block) {
    const DicomElement* c = find(std::uint32_t{group} << 16 | block);
    if (c && trim(c->value) == creator) return find(std::uint32_t{group} << 16 | block << 8 | element_low);
  }
  return nullptr;
}

std::string element_string(const DicomElement* e) { return e ? trim(e->value) : std::string(); }

std::vector<double> element_numbers(const DicomElement* e, bool big_endian) {
  if (!e) return {};
  const std::string vr(e->vr, 2);
  if ((vr == "US" || vr == "SS") && e->value.size() >= 2) {
    std::vector<double> out;
    for (std::size_t i = 0; i + 1 < e->value.size(); i += 2) {
      const auto* p = reinterpret_cast<const unsigned char*>(e->value.data() + i);
      const std::uint16_t u = big_endian ? static_cast<std::uint16_t>(p[0] << 8 | p[1]) : static_cast<std::uint16_t>(p[1] << 8 | p[0]);
      out.push_back(vr == "SS" ? static_cast<double>(static_cast<std::int16_t>(u)) : u);
    }
    return out;
  }
  if (vr == "UN" && e->value.size() == 2) {  // implicit VR: US values are two binary bytes
    const auto* p = reinterpret_cast<const unsigned char*>(e->value.data());
    return {static_cast<double>(big_endian ? (p[0] << 8 | p[1]) : (p[1] << 8 | p[0]))};
  }
  return parse_numbers(e->value);
}

std::string DicomParse::str(std::uint32_t tag) const { return element_string(data.find(tag)); }
std::vector<double> DicomParse::numbers(std::uint32_t tag) const { return element_numbers(data.find(tag), big_endian); }
std::optional<int> DicomParse::integer(std::uint32_t tag) const {
  const auto v = numbers(tag);
  if (v.empty() || !(v[0] > -2147483648.0 && v[0] < 2147483647.0)) return std::nullopt;
  return static_cast<int>(v[0]);
}

DicomParse parse_dicom(std::string_view b) {
  DicomParse out;
  out.source = b;
  std::size_t pos = 0;
  if (b.size() >= 132 && b.substr(128, 4) == "DICM") {
    out.part10 = true;
    pos = 132;
  }
  if (b.size() < pos + 8) {
    out.error = "not a DICOM file (too short)";
    return out;
  }
  // File meta information: explicit VR little endian, group 0002.
  auto group_le = [&](std::size_t at) {
    return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at + 1]) << 8 | static_cast<unsigned char>(b[at]));
  };
  if (group_le(pos) == 0x0002) {
    std::size_t meta_end = pos;
    while (meta_end + 8 <= b.size() && group_le(meta_end) == 0x0002) {
      const char vr[3] = {b[meta_end + 4], b[meta_end + 5], 0};
      if (!valid_vr(vr)) {
        out.error = "not a DICOM file (file meta information unreadable)";
        return out;
      }
      std::size_t h = 8;
      std::uint64_t len;
      const auto* p = reinterpret_cast<const unsigned char*>(b.data() + meta_end);
      if (is_long_vr(vr)) {
        if (meta_end + 12 > b.size()) break;
        len = std::uint32_t{p[11]} << 24 | std::uint32_t{p[10]} << 16 | std::uint32_t{p[9]} << 8 | p[8];
        h = 12;
      } else {
        len = static_cast<std::uint32_t>(p[7] << 8 | p[6]);
      }
      if (len > b.size() - meta_end - h) {
        out.error = "file meta information truncated";
        out.ran_out = true;
        return out;
      }
      meta_end += h + len;
    }
    Walker w(b.substr(0, meta_end), true, false, out);
    std::size_t mp = pos;
    if (!w.dataset(mp, meta_end, false, 0, out.meta)) {
      out.error = "file meta information unreadable: " + out.error;
      return out;
    }
    pos = meta_end;
    out.transfer_syntax = element_string(out.meta.find(0x00020010u));
  } else if (!out.part10) {
    // A bare dataset: accept only what starts like one (group 0008, either byte order).
    const std::uint16_t g = group_le(pos);
    if (g == 0x0800) {
      out.transfer_syntax = "1.2.840.10008.1.2.2";
    } else if (g == 0x0008) {
      const char vr[3] = {b[pos + 4], b[pos + 5], 0};
      out.transfer_syntax = valid_vr(vr) ? "1.2.840.10008.1.2.1" : "1.2.840.10008.1.2";
    } else {
      out.error = "not a DICOM file (no DICM preamble and no dataset start)";
      return out;
    }
  }
  const std::string& ts = out.transfer_syntax;
  out.explicit_vr = ts != "1.2.840.10008.1.2";
  out.big_endian = ts == "1.2.840.10008.1.2.2";
  out.deflated = ts == "1.2.840.10008.1.2.1.99";
  std::string_view body = b;
  if (out.deflated) {
    std::string inflated;
    if (!inflate_raw(b.substr(pos), inflated)) {
      out.error = "deflated dataset cannot be inflated (truncated or corrupt)";
      return out;
    }
    out.inflated = std::make_shared<std::string>(std::move(inflated));
    body = *out.inflated;
    out.source = body;
    pos = 0;
  }
  Walker w(body, out.explicit_vr, out.big_endian, out);
  std::size_t p = pos;
  w.dataset(p, body.size(), false, 0, out.data);
  if (out.data.elements.empty() && out.error.empty()) out.error = "not a DICOM file (no data elements)";
  return out;
}

}  // namespace crmo::imaging
