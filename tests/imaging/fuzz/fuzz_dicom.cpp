// libFuzzer target over crmo's DICOM reading path and geometry (see fuzz_entry.hpp).
#include "fuzz_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  crmo::imaging::fuzz::run_one(data, size);
  return 0;
}
