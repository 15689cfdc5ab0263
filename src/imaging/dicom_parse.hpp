#pragma once
// crmo's own bounds-checked walk over a DICOM file's data elements (Part 10 or bare
// dataset; implicit or explicit VR; little or big endian; deflated), so that broken
// files are reported instead of reaching GDCM, whose Debian build aborts on some
// malformed input. Every length is checked against the bytes present; sequences nest to
// a bounded depth. Values are views into the parsed bytes.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crmo::imaging {

struct DicomDataSet;

struct DicomElement {
  std::uint32_t tag = 0;  // (group << 16) | element
  char vr[3] = {0, 0, 0};
  std::string_view value;  // empty for sequences
  std::vector<DicomDataSet> items;  // sequence items
};

struct DicomDataSet {
  std::vector<DicomElement> elements;
  const DicomElement* find(std::uint32_t tag) const;
  // Private element `element_low` (0x00-0xFF) of the block reserved by `creator` in `group`.
  const DicomElement* find_private(std::uint16_t group, const std::string& creator, std::uint8_t element_low) const;
};

struct DicomParse {
  std::string error;  // empty when the file was walked to its pixel data (or its end)
  bool part10 = false;
  std::string transfer_syntax;
  bool explicit_vr = true, big_endian = false, deflated = false;
  DicomDataSet meta, data;
  bool has_pixels = false, encapsulated = false;
  std::size_t pixel_offset = 0;     // first byte of native pixel data in `bytes()`
  std::uint64_t pixel_length = 0;   // declared length (native)
  bool ran_out = false;  // the walk needed bytes beyond the buffer (a prefix may be too short)
  std::shared_ptr<const std::string> inflated;  // owns the dataset when deflated
  // The bytes views refer to: the input, or `inflated`.
  std::string_view source;

  std::string str(std::uint32_t tag) const;     // trimmed string value ("" if absent)
  std::vector<double> numbers(std::uint32_t tag) const;  // DS/IS (or US/SS binary) values
  std::optional<int> integer(std::uint32_t tag) const;   // US/SS/IS first value
};

// Parses `bytes`. Never throws on malformed input (std::bad_alloc aside).
DicomParse parse_dicom(std::string_view bytes);

// Helpers on any dataset of a parse (nested items included).
std::string element_string(const DicomElement* e);
std::vector<double> element_numbers(const DicomElement* e, bool big_endian);

}  // namespace crmo::imaging
