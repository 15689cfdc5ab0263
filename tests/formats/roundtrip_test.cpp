// Randomly generated exams survive JSON -> CSV -> JSON unchanged (spec/formats.md:
// "reading one and writing the other loses nothing").
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "core/validation.hpp"
#include "formats/atlas_json.hpp"
#include "formats/cohort_csv.hpp"
#include "formats/exam_json.hpp"
#include "formats/input_error.hpp"
#include "formats/scheme_json.hpp"

using namespace crmo;

namespace {

const Scheme& scheme() {
  static Scheme s = SchemeRegistry::with_builtins().get("rai-cromris");
  return s;
}

class ExamGenerator {
 public:
  explicit ExamGenerator(unsigned seed) : rng_(seed) {}

  Exam exam(int n) {
    Exam e;
    e.patient.id = pick({"P", "pt 7", "Ø-12", "a,b"}) + std::to_string(n);
    e.id = e.patient.id + "-" + std::to_string(n % 3);
    e.date = *parse_date("2015-01-01");
    e.date.day = 1 + uniform(0, 27);
    e.date.month = 1 + uniform(0, 11);
    if (coin()) e.patient.sex = pick({"F", "M"});
    if (coin()) e.patient.birth_date = Date{2005 + uniform(0, 8), 1 + uniform(0, 11), 1 + uniform(0, 27)};
    else if (coin()) e.patient.age_years = uniform(20, 170) / 10.0;
    if (coin()) e.timepoint = pick({"baseline", "6m", "follow-up, \"late\"", "line\nbreak"});
    if (coin()) e.reader = pick({"R1", "R2", "Dr. Ärztin"});
    auto& c = e.clinical;
    if (coin()) c.pga = uniform(0, 20) / 2.0;
    if (coin()) c.pain = uniform(0, 10);
    if (coin()) c.patient_global = uniform(0, 100) / 10.0;
    if (coin()) c.chaq = uniform(0, 24) / 8.0;
    if (coin()) c.esr = uniform(0, 120);
    if (coin()) c.crp = uniform(0, 9999) / 100.0;
    if (coin()) c.clinical_severity = uniform(0, 300) / 10.0;
    if (coin()) c.fever = coin();
    if (coin()) c.normal_blood_count = coin();
    if (coin()) c.marginal_sclerosis = coin();
    if (coin()) c.biopsy = pick({"not_done", "inflammatory_sterile", "other"});
    auto sites = default_atlas().sites();
    std::shuffle(sites.begin(), sites.end(), rng_);
    int lesions = uniform(0, 12);
    for (int i = 0; i < lesions; ++i) {
      const Site& s = sites[i];
      SiteGrading g;
      g.site = s.key();
      g.grades["signal"] = uniform(1, 2);
      if (coin()) g.grades["extent"] = uniform(0, 3);
      if (coin()) g.grades["soft_tissue"] = uniform(0, 1);
      if (coin()) g.grades["periosteal"] = uniform(0, 1);
      if (s.unit->kind == UnitKind::Vertebra) {
        if (coin()) g.grades["collapse"] = uniform(0, 1);
      } else if (coin()) {
        g.grades["expansion"] = uniform(0, 1);
      }
      if (s.unit->kind == UnitKind::Long && coin()) g.physis = pick({"none", "abutting", "transphyseal"});
      if (coin()) g.symptomatic = coin();
      if (coin()) g.lesion = pick({"a", "b", "lesion, 1"});
      if (coin()) g.max_diameter_mm = uniform(10, 800) / 10.0;
      if (coin()) g.volume_ml = uniform(1, 100000) / 1000.0;
      if (coin()) g.si_ratio = 1.0 / 3.0 * uniform(3, 30);  // not a short decimal
      if (coin()) c.symptomatic_sites.push_back(g.site);
      e.lesions.push_back(g);
    }
    return e;
  }

 private:
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool coin() { return uniform(0, 1) == 1; }
  std::string pick(std::initializer_list<const char*> options) {
    auto it = options.begin();
    std::advance(it, uniform(0, static_cast<int>(options.size()) - 1));
    return *it;
  }
  std::mt19937 rng_;
};

}  // namespace

TEST(RoundTrip, GeneratedExamsAreValid) {
  ExamGenerator gen(7);
  for (int i = 0; i < 50; ++i) {
    Exam e = gen.exam(i);
    auto problems = validate_exam(e, default_atlas(), scheme());
    EXPECT_TRUE(problems.empty()) << problems[0].field << ": " << problems[0].message;
  }
}

TEST(RoundTrip, JsonToCsvToJsonLosesNothing) {
  for (unsigned seed : {1u, 2u, 3u, 4u, 5u}) {
    ExamGenerator gen(seed);
    std::vector<Exam> exams;
    std::set<std::string> ids;
    for (int i = 0; i < 40; ++i) {
      Exam e = gen.exam(i);
      if (ids.insert(e.id).second) exams.push_back(e);
    }
    // Through JSON text first, as a user's exam documents would be.
    std::vector<Exam> from_json;
    for (const Exam& e : exams)
      from_json.push_back(read_exam_json(write_exam_json(e), "gen.json", default_atlas(), scheme()));
    auto dir = std::filesystem::path(testing::TempDir()) / ("roundtrip_" + std::to_string(seed));
    std::filesystem::remove_all(dir);
    write_cohort_folder(dir, from_json);
    auto back = read_cohort_folder(dir, default_atlas(), scheme());
    ASSERT_EQ(back.size(), exams.size());
    for (std::size_t i = 0; i < exams.size(); ++i) {
      EXPECT_TRUE(same_exam(exams[i], back[i])) << "seed " << seed << " exam " << exams[i].id << "\n"
                                                << write_exam_json(exams[i]) << "\nvs\n" << write_exam_json(back[i]);
      EXPECT_EQ(write_exam_json(from_json[i]), write_exam_json(back[i]).size() ? write_exam_json(
                    read_exam_json(write_exam_json(back[i]), "back.json", default_atlas(), scheme())) : "");
    }
  }
}

TEST(RoundTrip, CohortFolderIsWrittenAllOrNothing) {
  auto dir = std::filesystem::path(testing::TempDir()) / "occupied";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "keep.txt") << "x";
  EXPECT_THROW(write_cohort_folder(dir, {}), std::runtime_error);
  EXPECT_TRUE(std::filesystem::exists(dir / "keep.txt"));
  EXPECT_FALSE(std::filesystem::exists(dir / "exams.csv"));
}

// Several readers in one cohort folder (docs/formats.md, crmo's `reader` column): every
// reading survives JSON -> CSV -> JSON, in exams.csv order, each with its own lesions.
TEST(RoundTrip, SeveralReadersSurviveTheCohortFolder) {
  for (unsigned seed : {11u, 12u, 13u}) {
    ExamGenerator gen(seed);
    std::mt19937 rng(seed);
    std::vector<Exam> readings;
    std::set<std::string> ids;
    std::size_t several = 0;
    for (int i = 0; i < 40; ++i) {
      Exam base = gen.exam(i);
      if (!ids.insert(base.id).second) continue;
      const std::vector<std::string> names = {"R1", "R2", "Dr. Ärztin, \"3\""};
      const int n = 1 + static_cast<int>(rng() % 3);  // 1 to 3 readers
      several += n > 1;
      for (int k = 0; k < n; ++k) {
        Exam r = k == 0 ? base : gen.exam(i);  // another grading and other clinical values
        r.patient = base.patient;
        r.id = base.id;
        r.date = base.date;
        r.timepoint = base.timepoint;
        r.reader = n == 1 && k == 0 && rng() % 2 ? "" : names[static_cast<std::size_t>(k)];
        readings.push_back(r);
      }
    }
    ASSERT_GT(several, 5u);
    std::shuffle(readings.begin(), readings.end(), rng);  // readings of one exam apart in the files
    std::vector<Exam> from_json;
    for (const Exam& e : readings)
      from_json.push_back(read_exam_json(write_exam_json(e), "gen.json", default_atlas(), scheme()));
    auto dir = std::filesystem::path(testing::TempDir()) / ("readers_" + std::to_string(seed));
    std::filesystem::remove_all(dir);
    write_cohort_folder(dir, from_json);
    std::ifstream lesions(dir / "lesions.csv");
    std::string header;
    std::getline(lesions, header);
    EXPECT_EQ(header.rfind("exam_id,reader,site,", 0), 0u) << header;
    auto back = read_cohort_folder(dir, default_atlas(), scheme());
    ASSERT_EQ(back.size(), readings.size());
    for (std::size_t i = 0; i < readings.size(); ++i) {
      EXPECT_TRUE(same_exam(readings[i], back[i])) << "seed " << seed << " reading " << i;
      EXPECT_EQ(write_exam_json(from_json[i]), write_exam_json(back[i])) << "seed " << seed << " reading " << i;
    }
    // A command that takes one reading per exam refuses them, naming the line.
    try {
      read_cohort_folder(dir, default_atlas(), scheme(), CohortReadings::OnePerExam);
      ADD_FAILURE() << "expected InputError";
    } catch (const InputError& e) {
      EXPECT_NE(e.problems().at(0).message.find("one reading per exam"), std::string::npos) << e.problems()[0].message;
    }
  }
}

TEST(RoundTrip, OneReaderPerExamKeepsTheSpecTable) {
  ExamGenerator gen(21);
  std::vector<Exam> exams;
  std::set<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    Exam e = gen.exam(i);
    e.reader = i % 2 ? "R2" : "R1";
    if (ids.insert(e.id).second) exams.push_back(e);
  }
  auto dir = std::filesystem::path(testing::TempDir()) / "one_reader";
  std::filesystem::remove_all(dir);
  write_cohort_folder(dir, exams);
  std::ifstream lesions(dir / "lesions.csv");
  std::string header;
  std::getline(lesions, header);
  EXPECT_EQ(header.find("reader"), std::string::npos) << header;  // exactly spec/formats.md's columns
  auto back = read_cohort_folder(dir, default_atlas(), scheme(), CohortReadings::OnePerExam);
  ASSERT_EQ(back.size(), exams.size());
  for (std::size_t i = 0; i < exams.size(); ++i) EXPECT_TRUE(same_exam(exams[i], back[i]));
}
