// Replays every input the fuzz target ever crashed on (tests/imaging/fuzz/regressions).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "fuzz/fuzz_entry.hpp"

namespace fs = std::filesystem;

TEST(FuzzRegressions, SavedInputsRunCleanly) {
  const fs::path dir = fs::path(CRMO_IMAGING_TEST_DATA).parent_path() / "fuzz" / "regressions";
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().filename() == "README.md") continue;
    std::ifstream in(e.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    SCOPED_TRACE(e.path().filename().string());
    crmo::imaging::fuzz::run_one(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    ++n;
  }
  EXPECT_GE(n, 1u);
}
