#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "plugins/loader.hpp"

namespace fs = std::filesystem;
using crmo::plugins::function;
using crmo::plugins::search_path;
using crmo::plugins::symbol;

namespace {

std::string error_of(const std::string& name, const char* sym) {
  try {
    symbol(name, sym, "a test");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return {};
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST(Plugins, TheGdcmPluginOfThisBuildLoads) {
  EXPECT_NE(symbol("gdcm", "crmo_gdcm_decode", "decoding"), nullptr);
  // Loaded once: the same address again.
  EXPECT_EQ(symbol("gdcm", "crmo_gdcm_decode", "decoding"), symbol("gdcm", "crmo_gdcm_decode", "decoding"));
}

TEST(Plugins, AMissingEntryPointIsNamed) {
  const std::string e = error_of("gdcm", "crmo_no_such_entry");
  EXPECT_TRUE(contains(e, "'gdcm'")) << e;
  EXPECT_TRUE(contains(e, "crmo_no_such_entry")) << e;
}

TEST(Plugins, AMissingPluginNamesEveryFolderTriedAndWhatItIsFor) {
  const std::string e = error_of("nosuch", "x");
  EXPECT_TRUE(contains(e, "'nosuch' (a test)")) << e;
  for (const std::string& dir : search_path())
    EXPECT_TRUE(contains(e, (fs::path(dir) / "libcrmo_nosuch.so").string() + ": not there")) << e;
  EXPECT_TRUE(contains(e, "CRMO_PLUGIN_DIR")) << e;
  // Asked again: the same answer, not a crash or a retry that half-succeeds.
  EXPECT_EQ(error_of("nosuch", "x"), e);
}

TEST(Plugins, CrmoPluginDirComesFirst) {
  ::setenv("CRMO_PLUGIN_DIR", "/somewhere/else", 1);
  const auto dirs = search_path();
  ::unsetenv("CRMO_PLUGIN_DIR");
  ASSERT_GE(dirs.size(), 2u);
  EXPECT_EQ(dirs.front(), "/somewhere/else");
  EXPECT_NE(search_path().front(), "/somewhere/else");
}

TEST(Plugins, AFileThatIsNotASharedObjectIsRefusedWithTheLoadersReason) {
  fs::create_directories(SCRATCH_DIR);
  const fs::path junk = fs::path(SCRATCH_DIR) / "libcrmo_junk.so";
  std::ofstream(junk) << "not an ELF file\n";
  ::setenv("CRMO_PLUGIN_DIR", SCRATCH_DIR, 1);
  const std::string e = error_of("junk", "x");
  ::unsetenv("CRMO_PLUGIN_DIR");
  EXPECT_TRUE(contains(e, junk.string() + ": ")) << e;
  EXPECT_FALSE(contains(e, junk.string() + ": not there")) << e;
}

TEST(Plugins, APluginBuiltByAnotherCrmoIsRefused) {
  ::setenv("CRMO_PLUGIN_DIR", OTHER_ABI_DIR, 1);
  const std::string e = error_of("other_abi", "crmo_other_entry");
  ::unsetenv("CRMO_PLUGIN_DIR");
  EXPECT_TRUE(contains(e, "built by another crmo (crmo 0.0.0 elsewhere")) << e;
}
