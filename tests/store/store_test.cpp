// One suite, both backends: "sqlite" runs on a temporary file; "postgresql" on the
// server named by CRMO_TEST_PG_URL (tests/store/postgresql_test.sh starts one).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "core/exam.hpp"
#include "formats/atlas_json.hpp"
#include "formats/exam_source.hpp"
#include "formats/input_error.hpp"
#include "formats/scheme_json.hpp"
#include "store/store.hpp"

namespace fs = std::filesystem;
using namespace crmo;
using namespace crmo::store;

namespace {

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
      dir_ = fs::temp_directory_path() / ("crmo-store-test-" + std::to_string(rd()));
      fs::create_directories(dir_);
      location_ = (dir_ / "test.db").string();
    }
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  std::unique_ptr<Store> open(OpenOptions o = {}) { return Store::open(location_, o); }

  static std::vector<Exam> examples() {
    SchemeRegistry reg = SchemeRegistry::with_builtins();
    return load_exams(fs::path(CRMO_SOURCE_DIR) / "examples/exams", default_atlas(), reg.get("rai-cromris"));
  }

  std::string location_;
  fs::path dir_;
};

TEST_P(StoreTest, CreatesTheLatestSchema) {
  auto s = open();
  EXPECT_EQ(s->schema_version(), Store::latest_schema_version());
  EXPECT_GE(Store::latest_schema_version(), 2);
  EXPECT_TRUE(s->list_exams().empty());
}

TEST_P(StoreTest, ImportThenReadBackIsLossless) {
  auto exams = examples();
  ASSERT_EQ(exams.size(), 3u);
  // Values that a text round trip could spoil.
  exams[0].clinical.crp = 0.1 + 0.2;
  exams[0].clinical.chaq = 1.0 / 3.0;
  exams[2].lesions.at(0).si_ratio = 6.123456789012345;
  exams[2].lesions.at(0).grades["extra_item"] = 0;  // explicit 0 kept
  {
    auto s = open();
    s->import_exams(exams, "tester");
  }
  auto s = open();
  auto back = s->all_exams();
  ASSERT_EQ(back.size(), exams.size());
  for (std::size_t i = 0; i < exams.size(); ++i) {
    EXPECT_TRUE(same_exam(exams[i], back[i])) << exams[i].id;
    EXPECT_EQ(exams[i].lesions.size(), back[i].lesions.size());
    for (std::size_t k = 0; k < exams[i].lesions.size(); ++k)
      EXPECT_EQ(exams[i].lesions[k].grades, back[i].lesions[k].grades);
  }
  EXPECT_EQ(*back[0].clinical.crp, 0.1 + 0.2);
  EXPECT_EQ(s->patients().size(), 3u);
  auto list = s->list_exams();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].id, exams[0].id);
  EXPECT_EQ(list[0].revision, 1);
  EXPECT_EQ(list[0].graded_sites, static_cast<int>(exams[0].lesions.size()));
}

TEST_P(StoreTest, ImportIsAllOrNothing) {
  auto exams = examples();
  auto s = open();
  s->import_exams({exams[0]}, "tester");
  try {
    s->import_exams(exams, "tester");  // exams[0] is already there
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    ASSERT_EQ(e.problems().size(), 1u);
    EXPECT_NE(e.problems()[0].place.find(exams[0].id), std::string::npos);
  }
  EXPECT_EQ(s->list_exams().size(), 1u);  // nothing of the second import
  EXPECT_EQ(s->audit().size(), 1u);
}

TEST_P(StoreTest, GradingEditsBumpTheRevisionAndAreAudited) {
  auto exams = examples();
  auto s = open();
  s->import_exams(exams, "tester");
  SiteGrading g;
  g.site = "femur.distal_metaphysis:R";
  g.grades = {{"signal", 2}, {"extent", 1}};
  g.physis = "abutting";
  std::int64_t rev = s->put_grading(exams[0].id, g, 1, "reader1");
  EXPECT_EQ(rev, 2);
  g.grades["extent"] = 3;
  rev = s->put_grading(exams[0].id, g, rev, "reader1");
  EXPECT_EQ(rev, 3);
  auto rec = s->find_exam(exams[0].id);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->revision, 3);
  EXPECT_EQ(rec->updated_by, "reader1");
  ASSERT_EQ(rec->exam.lesions.size(), exams[0].lesions.size() + 1);
  EXPECT_EQ(rec->exam.lesions.back().grade("extent"), 3);
  EXPECT_EQ(rec->exam.lesions.back().physis, "abutting");

  auto trail = s->audit(exams[0].id);
  ASSERT_GE(trail.size(), 3u);
  EXPECT_EQ(trail[0].action, "grade");
  EXPECT_EQ(trail[0].actor, "reader1");
  ASSERT_TRUE(trail[0].before && trail[0].after);
  EXPECT_NE(trail[0].before->find("\"extent\":1"), std::string::npos);
  EXPECT_NE(trail[0].after->find("\"extent\":3"), std::string::npos);
  EXPECT_FALSE(trail[1].before);  // the first grading of that site

  rev = s->delete_grading(exams[0].id, g.site, rev, "reader1");
  EXPECT_EQ(rev, 4);
  EXPECT_EQ(s->find_exam(exams[0].id)->exam.lesions.size(), exams[0].lesions.size());
  EXPECT_THROW(s->delete_grading(exams[0].id, g.site, rev, "reader1"), NotFoundError);
  EXPECT_EQ(s->find_exam(exams[0].id)->revision, 4);  // the failed delete changed nothing

  ClinicalMeasures c = exams[0].clinical;
  c.pga = 7.5;
  c.symptomatic_sites.push_back("spine.t7:M");
  rev = s->put_clinical(exams[0].id, c, rev, "reader2");
  EXPECT_EQ(rev, 5);
  EXPECT_EQ(s->find_exam(exams[0].id)->exam.clinical, c);
  EXPECT_EQ(s->audit(exams[0].id)[0].action, "clinical");
}

TEST_P(StoreTest, SecondWriterGetsAConflict) {
  auto exams = examples();
  auto a = open();
  a->import_exams(exams, "tester");
  auto b = open();  // a second connection: another server process or user
  auto rev = a->find_exam(exams[1].id)->revision;
  SiteGrading g;
  g.site = "skull:M";
  g.grades = {{"signal", 1}, {"extent", 1}};
  EXPECT_EQ(a->put_grading(exams[1].id, g, rev, "first"), rev + 1);
  g.grades["extent"] = 2;
  try {
    b->put_grading(exams[1].id, g, rev, "second");
    FAIL() << "expected a conflict";
  } catch (const ConflictError& e) {
    EXPECT_EQ(e.expected, rev);
    EXPECT_EQ(e.current, rev + 1);
    EXPECT_NE(std::string(e.what()).find("changed by someone else"), std::string::npos);
  }
  auto rec = b->find_exam(exams[1].id);
  EXPECT_EQ(rec->exam.lesions.back().grade("extent"), 1);  // the first write stands
  EXPECT_THROW(b->put_grading("no-such-exam", g, 1, "x"), NotFoundError);
}

TEST_P(StoreTest, ConcurrentWritersNeverLoseAnAcknowledgedWrite) {
  auto exams = examples();
  open()->import_exams(exams, "tester");
  std::vector<std::string> sites;  // sites the exam has no grading on yet
  for (const auto& site : default_atlas().sites()) {
    bool graded = false;
    for (const auto& l : exams[2].lesions) graded |= l.site == site.key();
    if (!graded) sites.push_back(site.key());
  }
  std::atomic<int> acknowledged{0}, conflicts{0};
  auto writer = [&](int w) {
    auto s = open();
    for (int i = 0; i < 15; ++i) {
      for (;;) {
        auto rev = s->find_exam(exams[2].id)->revision;
        SiteGrading g;
        g.site = sites.at(static_cast<std::size_t>(w * 20 + i));
        g.grades = {{"signal", 1}};
        try {
          s->put_grading(exams[2].id, g, rev, "w" + std::to_string(w));
          ++acknowledged;
          break;
        } catch (const ConflictError&) {
          ++conflicts;
        }
      }
    }
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < 3; ++w) threads.emplace_back(writer, w);
  for (auto& t : threads) t.join();
  auto rec = open()->find_exam(exams[2].id);
  EXPECT_EQ(acknowledged.load(), 45);
  EXPECT_EQ(rec->exam.lesions.size(), exams[2].lesions.size() + 45);
  EXPECT_EQ(rec->revision, 1 + 45);
}

TEST_P(StoreTest, UpgradesAnOlderSchema) {
  {
    auto s = open({.target_version = 1});
    EXPECT_EQ(s->schema_version(), 1);
    s->import_exams(examples(), "tester");
  }
  auto s = open();
  EXPECT_EQ(s->schema_version(), Store::latest_schema_version());
  EXPECT_EQ(s->all_exams().size(), 3u);
  if (GetParam() == "sqlite") {
    ASSERT_FALSE(s->backup_path().empty());
    ASSERT_TRUE(fs::exists(s->backup_path()));
    auto old = Store::open(s->backup_path(), {.target_version = 1});
    EXPECT_EQ(old->schema_version(), 1);
    EXPECT_EQ(old->all_exams().size(), 3u);
  }
  auto again = open();  // already current: no new backup
  EXPECT_TRUE(again->backup_path().empty());
}

TEST_P(StoreTest, UsersAndSessions) {
  auto s = open();
  s->add_user({"ann", "admin", "$argon2id$fake", ""});
  EXPECT_THROW(s->add_user({"ann", "reader", "x", ""}), std::runtime_error);
  EXPECT_THROW(s->add_user({"bob", "superuser", "x", ""}), DatabaseError);  // CHECK constraint
  EXPECT_EQ(s->find_user("ann")->role, "admin");
  EXPECT_FALSE(s->find_user("nobody"));
  s->add_session("h1", "ann", 2000);
  EXPECT_EQ(s->session_user("h1", 1999)->name, "ann");
  EXPECT_FALSE(s->session_user("h1", 2000));  // expired
  EXPECT_FALSE(s->session_user("h2", 1000));
  s->delete_session("h1");
  EXPECT_FALSE(s->session_user("h1", 1000));
  EXPECT_EQ(s->setting("k", "first"), "first");
  EXPECT_EQ(s->setting("k", "second"), "first");
}

TEST_P(StoreTest, NamedParametersServeBothBackends) {
  std::string numbered;
  auto names = named_parameters("SELECT ':x', a::text FROM t WHERE b = :b AND c = :c OR d = :b -- :z", &numbered);
  ASSERT_EQ(names, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(numbered, "SELECT ':x', a::text FROM t WHERE b = $1 AND c = $2 OR d = $1 -- :z");
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
