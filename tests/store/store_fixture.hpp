#pragma once
// One suite, both backends: "sqlite" runs on a temporary file; "postgresql" on the
// server named by CRMO_TEST_PG_URL (tests/store/postgresql_test.sh starts one, and
// fails rather than skips when it cannot).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "core/exam.hpp"
#include "formats/atlas_json.hpp"
#include "formats/exam_source.hpp"
#include "formats/scheme_json.hpp"
#include "store/store.hpp"

namespace crmo::store::test_support {

namespace fs = std::filesystem;

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      const char* url = std::getenv("CRMO_TEST_PG_URL");
      if (!url || !*url) GTEST_SKIP() << "CRMO_TEST_PG_URL not set (ctest runs this through postgresql_test.sh)";
      location_ = url;
      auto c = connect(location_);
      c->script("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
    } else {
      std::random_device rd;
      dir_ = fs::temp_directory_path() / ("crmo-store-test-" + std::to_string(rd()) + std::to_string(rd()));
      fs::create_directories(dir_);
      location_ = (dir_ / "test.db").string();
    }
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  std::unique_ptr<Store> open(OpenOptions o = {}) { return Store::open(location_, o); }
  bool sqlite() const { return GetParam() == "sqlite"; }

  // examples/exams: three validated exam documents.
  static std::vector<Exam> examples() {
    SchemeRegistry reg = SchemeRegistry::with_builtins();
    return load_exams(fs::path(CRMO_SOURCE_DIR) / "examples/exams", default_atlas(), reg.get("rai-cromris"));
  }
  static SiteGrading grading(const std::string& site, int signal, int extent) {
    SiteGrading g;
    g.site = site;
    g.grades = {{"signal", signal}, {"extent", extent}};
    return g;
  }

  std::string location_;
  fs::path dir_;
};

inline std::string backend_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

}  // namespace crmo::store::test_support

#define CRMO_STORE_BACKENDS(Suite) \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite, ::testing::Values("sqlite", "postgresql"), crmo::store::test_support::backend_name)
