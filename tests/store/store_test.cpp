// The store on both backends: schema, migrations, exams, edits, audit, conflicts.
#include <barrier>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "formats/input_error.hpp"
#include "store_fixture.hpp"

namespace fs = std::filesystem;
using namespace crmo;
using namespace crmo::store;

namespace {

using crmo::store::test_support::StoreTest;

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
    const std::string what = e.what();
    EXPECT_NE(what.find("changed by someone else"), std::string::npos);
    EXPECT_NE(what.find("based on revision " + std::to_string(rev)), std::string::npos) << what;
    EXPECT_NE(what.find("stored one is revision " + std::to_string(rev + 1)), std::string::npos) << what;
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
    const std::string actor = fmt::format("w{}", w);  // (not "w" + to_string: GCC 12 -Wrestrict false positive)
    for (int i = 0; i < 15; ++i) {
      for (;;) {
        auto rev = s->find_exam(exams[2].id)->revision;
        SiteGrading g;
        g.site = sites.at(static_cast<std::size_t>(w * 20 + i));
        g.grades = {{"signal", 1}};
        try {
          s->put_grading(exams[2].id, g, rev, actor);
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

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writers on their own connections, all holding the same revision, released at once:
// exactly one wins, every other one gets a conflict naming both revisions.
TEST_P(StoreTest, OfSimultaneousWritersExactlyOneWins) {
  auto exams = examples();
  open()->import_exams(exams, "tester");
  constexpr int kWriters = 4;
  std::vector<std::unique_ptr<Store>> stores;
  for (int w = 0; w < kWriters; ++w) stores.push_back(open());
  const auto rev = stores[0]->find_exam(exams[0].id)->revision;
  for (int round = 0; round < 5; ++round) {
    std::barrier start(kWriters);
    std::atomic<int> won{0}, lost{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < kWriters; ++w)
      threads.emplace_back([&, w] {
        auto g = grading("skull:M", 1, 1 + w % 3);
        const std::string actor = fmt::format("w{}", w);
        start.arrive_and_wait();
        try {
          EXPECT_EQ(stores[w]->put_grading(exams[0].id, g, rev + round, actor), rev + round + 1);
          ++won;
        } catch (const ConflictError& e) {
          EXPECT_EQ(e.expected, rev + round);
          EXPECT_EQ(e.current, rev + round + 1);
          ++lost;
        }
      });
    for (auto& t : threads) t.join();
    EXPECT_EQ(won.load(), 1) << "round " << round;
    EXPECT_EQ(lost.load(), kWriters - 1) << "round " << round;
  }
  // The audit trail holds the winners' edits only, each with before and after.
  auto trail = stores[0]->audit(exams[0].id);
  int grades = 0;
  for (const auto& a : trail) grades += a.action == "grade";
  EXPECT_EQ(grades, 5);
  EXPECT_EQ(stores[0]->find_exam(exams[0].id)->revision, rev + 5);
}

TEST(StoreLocation, BadDbStringsGiveAClearError) {
  // Malformed values are bad input (InputError at --db: exit 2); an unreachable server
  // is a DatabaseError (exit 1).
  auto message = [](const std::string& location, bool create = true) {
    try {
      Store::open(location, {.create = create});
    } catch (const InputError& e) {
      EXPECT_EQ(e.problems().at(0).place, "--db");
      return "input: " + e.problems().at(0).message;
    } catch (const DatabaseError& e) {
      return "database: " + std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("").rfind("input: is empty", 0), 0u) << message("");
  EXPECT_NE(message("mysql://db.example.org/crmo").find("not supported"), std::string::npos);
  EXPECT_NE(message(fs::temp_directory_path().string()).find("is a folder"), std::string::npos);
  EXPECT_NE(message("/nonexistent-crmo-folder/x.db").find("does not exist"), std::string::npos);
  EXPECT_NE(message("/nonexistent-crmo-folder/x.db", false).find("no database"), std::string::npos);
  // A file that is not a database at all.
  auto junk = fs::temp_directory_path() / ("crmo-not-a-db-" + std::to_string(::getpid()) + ".db");
  std::ofstream(junk) << "{\"format\": \"crmo.exam/1\"} and more text that is not SQLite at all, long enough\n";
  auto m = message(junk.string());
  fs::remove(junk);
  EXPECT_NE(m.find("as an SQLite database"), std::string::npos) << m;
  EXPECT_EQ(m.rfind("input:", 0), 0u) << m;
  // A malformed or unreachable PostgreSQL URL; the password never shows.
  m = message("postgresql://ann:s3cret@127.0.0.1:1/crmo");
  EXPECT_EQ(m.rfind("database: cannot connect to PostgreSQL", 0), 0u) << m;
  EXPECT_EQ(m.find("s3cret"), std::string::npos) << m;
  m = message("postgresql://ann:s3cret@127.0.0.1:notaport/crmo");
  EXPECT_NE(m.find("cannot connect to PostgreSQL"), std::string::npos) << m;
  EXPECT_EQ(m.find("s3cret"), std::string::npos) << m;
}

TEST_P(StoreTest, UpgradesAnOlderSchemaDatabase) {
  // A real schema-1 database, written from a fixed snapshot of that schema and its data.
  connect(location_)->script(sql_for(sqlite() ? Backend::SQLite : Backend::PostgreSQL,
                                     read_file(fs::path(CRMO_SOURCE_DIR) / "tests/store/fixtures/schema1.sql")));
  auto s = open();
  EXPECT_EQ(s->schema_version(), Store::latest_schema_version());
  ASSERT_GE(Store::latest_schema_version(), 3);
  auto rec = s->find_exam("P017-1");
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->revision, 3);
  EXPECT_EQ(rec->updated_by, "ann");
  EXPECT_EQ(rec->exam.reader, "R1");
  EXPECT_EQ(rec->exam.patient.birth_date->iso(), "2010-05-02");
  EXPECT_EQ(rec->exam.clinical.crp, 8.5);
  EXPECT_EQ(rec->exam.clinical.fever, false);
  EXPECT_EQ(rec->exam.clinical.normal_blood_count, true);
  EXPECT_EQ(rec->exam.clinical.symptomatic_sites, std::vector<std::string>{"tibia.distal_metaphysis:L"});
  ASSERT_EQ(rec->exam.lesions.size(), 2u);
  EXPECT_EQ(rec->exam.lesions[0].grade("soft_tissue"), 1);
  EXPECT_EQ(rec->exam.lesions[0].physis, "transphyseal");
  EXPECT_EQ(rec->exam.lesions[0].si_ratio, 0.8125);
  EXPECT_EQ(rec->exam.lesions[1].max_diameter_mm, 12.5);
  // Schema 3 gave the old reading its own revision and the exam's dates.
  auto reading = s->find_reading("P017-1", "R1");
  ASSERT_TRUE(reading);
  EXPECT_TRUE(reading->main);
  EXPECT_EQ(reading->kind, "reading");
  EXPECT_EQ(reading->revision, 1);
  EXPECT_EQ(reading->updated_by, "ann");
  EXPECT_EQ(reading->updated_at, "2025-01-11T10:00:00.000Z");
  EXPECT_EQ(s->audit("P017-1").size(), 2u);
  // The upgraded database works: edits, readings, accounts.
  EXPECT_EQ(s->put_grading("P017-1", grading("skull:M", 1, 1), 3, "bob"), 4);
  EXPECT_EQ(s->save_reading("P017-1", "R2", {grading("skull:M", 2, 1)}, 0, "r2"), 1);
  s->create_user("ann", "admin", "correct horse");
  EXPECT_TRUE(s->authenticate("ann", "correct horse"));

  if (sqlite()) {  // the file as it was, kept beside it
    ASSERT_FALSE(s->backup_path().empty());
    ASSERT_TRUE(fs::exists(s->backup_path()));
    auto old = connect(s->backup_path());
    EXPECT_EQ(old->query("SELECT MAX(version) FROM crmo_schema").rows.at(0).at(0), "1");
    EXPECT_EQ(old->query("SELECT revision FROM exams").rows.at(0).at(0), "3");
  }
  auto again = open();  // already current: no new backup
  EXPECT_TRUE(again->backup_path().empty());
  EXPECT_EQ(again->find_exam("P017-1")->revision, 4);
}

TEST_P(StoreTest, MigratesStepByStep) {
  for (int v = 1; v <= Store::latest_schema_version(); ++v) {
    auto s = open({.target_version = v, .backup_before_upgrade = false});
    EXPECT_EQ(s->schema_version(), v);
  }
  auto m = migrations();
  ASSERT_EQ(static_cast<int>(m.size()), Store::latest_schema_version());
  for (std::size_t i = 0; i < m.size(); ++i) EXPECT_EQ(m[i].version, static_cast<int>(i) + 1) << m[i].name;
}

TEST_P(StoreTest, RefusesANewerSchemaAndForeignDatabases) {
  open()->connection().query("INSERT INTO crmo_schema (version, name, applied_at) VALUES (99, 'future', 'x')");
  try {
    open();
    FAIL() << "expected a DatabaseError";
  } catch (const DatabaseError& e) {
    EXPECT_NE(std::string(e.what()).find("newer than this crmo"), std::string::npos) << e.what();
  }
  connect(location_)->script("DROP TABLE crmo_schema");
  try {
    open();
    FAIL() << "expected a DatabaseError";
  } catch (const DatabaseError& e) {
    EXPECT_NE(std::string(e.what()).find("not a crmo database"), std::string::npos) << e.what();
  }
}

TEST_P(StoreTest, NamedParametersServeBothBackends) {
  std::string numbered;
  auto names = named_parameters("SELECT ':x', a::text FROM t WHERE b = :b AND c = :c OR d = :b -- :z", &numbered);
  ASSERT_EQ(names, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(numbered, "SELECT ':x', a::text FROM t WHERE b = $1 AND c = $2 OR d = $1 -- :z");
}

CRMO_STORE_BACKENDS(StoreTest);

}  // namespace
