// main() of the server tests that start `crmo serve`: GoogleTest's flags, then the crmo
// binary and the source tree (crmo_paths.hpp).
#include <gtest/gtest.h>

#include <cstdio>

#include "crmo_paths.hpp"

std::string g_crmo, g_source;

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s CRMO SOURCE_DIR\n", argv[0]);
    return 2;
  }
  g_crmo = argv[1];
  g_source = argv[2];
  return RUN_ALL_TESTS();
}
