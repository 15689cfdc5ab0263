#pragma once
// A small DICOM Part 10 writer (explicit VR little endian) for the phantom generator and
// for tests that need broken files. Elements are written in tag order.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace crmo::imaging {

class DicomWriter {
 public:
  // String-valued element (padded to even length as the VR requires).
  void set(std::uint16_t group, std::uint16_t element, const char vr[3], const std::string& value);
  void set_us(std::uint16_t group, std::uint16_t element, std::uint16_t value);
  void set_pixels(const std::vector<std::uint16_t>& pixels);  // (7FE0,0010) OW
  // The whole file as bytes; `sop_class`/`sop_instance` fill the file meta information.
  std::string bytes() const;
  void write(const std::string& path) const;  // throws std::runtime_error

 private:
  struct Element {
    std::string vr;
    std::string value;
  };
  std::map<std::uint32_t, Element> elements_;
};

// A fresh DICOM UID under crmo's phantom root, unique per (a, b, c).
std::string phantom_uid(std::uint64_t a, std::uint64_t b = 0, std::uint64_t c = 0);

}  // namespace crmo::imaging
