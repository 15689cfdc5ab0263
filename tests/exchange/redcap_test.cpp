// REDCap (issue 8): the dictionary describes what the export holds, the export comes back
// unchanged (examples and a generated cohort), and broken exports are refused with every
// problem placed by line and column (spec/formats.md, "Errors").
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "core/synth/synth.hpp"
#include "exchange/redcap.hpp"
#include "formats/csv.hpp"
#include "formats/exam_source.hpp"
#include "formats/input_error.hpp"
#include "test_domain.hpp"

using namespace crmo;
using crmo::exchange::read_redcap_records;
using crmo::exchange::redcap_dictionary_csv;
using crmo::exchange::redcap_records_csv;

namespace {

void expect_same(const std::vector<Exam>& a, const std::vector<Exam>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(same_exam(a[i], b[i])) << "exam " << a[i].id << " changed in the round trip";
    EXPECT_EQ(a[i].lesions.size(), b[i].lesions.size()) << a[i].id;
  }
}

std::vector<std::string> problems_of(const std::string& text) {
  try {
    read_redcap_records(text, "r.csv", test::atlas(), test::scheme());
  } catch (const InputError& e) {
    std::vector<std::string> out;
    for (const auto& p : e.problems()) out.push_back(p.place + ": " + p.message);
    return out;
  }
  return {};
}

bool any_contains(const std::vector<std::string>& v, const std::string& a, const std::string& b = "") {
  for (const auto& s : v)
    if (s.find(a) != std::string::npos && s.find(b) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST(Redcap, ExamplesRoundTrip) {
  auto exams = load_exams(std::filesystem::path(CRMO_SOURCE_DIR) / "examples/exams", test::atlas(), test::scheme());
  ASSERT_GE(exams.size(), 3u);
  auto csv = redcap_records_csv(exams, test::scheme());
  expect_same(exams, read_redcap_records(csv, "x.csv", test::atlas(), test::scheme()));
}

TEST(Redcap, GeneratedCohortRoundTrip) {
  synth::Request rq;
  rq.patients = 120;
  rq.seed = 8;
  rq.followup.share = 0.5;
  auto exams = synth::generate(rq, test::atlas());
  // Measurements and awkward text the generator does not make.
  exams[0].lesions.at(0).volume_ml = 2.345678901234;
  exams[0].lesions.at(0).si_ratio = 5.5;
  exams[0].lesions.at(0).max_diameter_mm = 17.25;
  exams[0].timepoint = "late, \"second\"\nline";
  exams[1].reader = "Dr. Ärztin";
  exams[2].clinical.crp = 0.1 + 0.2;  // not exactly 0.3: the shortest exact text must come back
  auto csv = redcap_records_csv(exams, test::scheme());
  auto back = read_redcap_records(csv, "x.csv", test::atlas(), test::scheme());
  expect_same(exams, back);
  EXPECT_EQ(*back[2].clinical.crp, 0.1 + 0.2);
  std::size_t lesions = 0;
  for (const auto& e : exams) lesions += e.lesions.size();
  // One row per exam and one per graded site, plus the header.
  auto table = csv::parse(csv, "x.csv");
  EXPECT_EQ(table.rows.size(), exams.size() + lesions);
}

TEST(Redcap, DictionaryDescribesEveryExportedField) {
  auto dict = csv::parse(redcap_dictionary_csv(test::scheme()), "dict.csv");
  ASSERT_EQ(dict.header.size(), 18u);  // REDCap's data dictionary columns
  EXPECT_EQ(dict.header[0], "Variable / Field Name");
  std::map<std::string, std::string> form_of;
  for (const auto& r : dict.rows) form_of[r.cells[0]] = r.cells[1];
  EXPECT_EQ(dict.rows.front().cells[0], "record_id");  // REDCap: the first field is the record id
  auto records = csv::parse(redcap_records_csv({}, test::scheme()), "r.csv");
  for (const auto& col : records.header) {
    if (col.starts_with("redcap_") || col.ends_with("_complete")) continue;  // added by REDCap
    ASSERT_TRUE(form_of.count(col)) << col << " is exported but not in the dictionary";
  }
  EXPECT_EQ(form_of["site"], "lesion");
  EXPECT_EQ(form_of["signal"], "lesion");
  EXPECT_EQ(form_of["exam_date"], "exam");
  for (const auto& r : dict.rows) {
    const std::string& name = r.cells[0];
    // REDCap variable names: lower case letters, digits, underscores, starting with a letter.
    ASSERT_FALSE(name.empty());
    EXPECT_TRUE(std::islower(static_cast<unsigned char>(name[0]))) << name;
    for (char c : name) EXPECT_TRUE(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_') << name;
    if (r.cells[3] == "radio") {
      EXPECT_NE(r.cells[5].find(", "), std::string::npos) << name << " has no choices";
    }
  }
}

TEST(Redcap, ErrorsArePlacedAndAllReported) {
  const std::string header =
      "record_id,redcap_repeat_instrument,redcap_repeat_instance,patient_id,exam_date,sex,exam_complete,site,signal,extent,lesion_complete\n";
  // line 2: bad date; line 3: grade not a code; line 4: lesion for a missing record;
  // line 5: duplicate instance; line 6: unknown repeating instrument; line 7: unknown site.
  std::string text = header +
                     "E1,,,P1,2021-13-01,F,2,,,,\n"
                     "E1,lesion,1,,,,,tibia.distal_metaphysis:L,two,1,2\n"
                     "E9,lesion,1,,,,,femur.diaphysis:R,1,1,2\n"
                     "E1,lesion,1,,,,,spine.t7:M,1,1,2\n"
                     "E1,visit,1,,,,,,,,\n"
                     "E1,lesion,2,,,,,tibia.nowhere:L,1,1,2\n";
  auto p = problems_of(text);
  EXPECT_TRUE(any_contains(p, "r.csv line 2, column exam_date", "YYYY-MM-DD")) << testing::PrintToString(p);
  EXPECT_TRUE(any_contains(p, "r.csv line 3, column signal", "'two'")) << testing::PrintToString(p);
  EXPECT_TRUE(any_contains(p, "r.csv line 4, column record_id", "E9")) << testing::PrintToString(p);
  EXPECT_TRUE(any_contains(p, "r.csv line 5, column redcap_repeat_instance", "twice")) << testing::PrintToString(p);
  EXPECT_TRUE(any_contains(p, "r.csv line 6, column redcap_repeat_instrument", "visit")) << testing::PrintToString(p);
  EXPECT_TRUE(any_contains(p, "r.csv line 7, column site")) << testing::PrintToString(p);
}

TEST(Redcap, UnknownAndMissingColumnsAreErrors) {
  auto p = problems_of("record_id,patient_id,extnet\nE1,P1,3\n");
  EXPECT_TRUE(any_contains(p, "column extnet", "unknown column")) << testing::PrintToString(p);
  EXPECT_TRUE(any_contains(p, "line 1", "exam_date")) << testing::PrintToString(p);
}

TEST(Redcap, FieldOnTheWrongInstrumentIsAnError) {
  auto p = problems_of(
      "record_id,redcap_repeat_instrument,redcap_repeat_instance,patient_id,exam_date,site,signal\n"
      "E1,,,P1,2021-01-01,tibia.distal_metaphysis:L,2\n");
  EXPECT_TRUE(any_contains(p, "line 2, column site", "lesion field on the exam row")) << testing::PrintToString(p);
}

// Several readers (docs/exchange.md): one record per exam, each reader's sites as lesion
// instances naming their reader, further readers listed on the exam row.
TEST(Redcap, TwoReadersRoundTrip) {
  synth::Request rq;
  rq.patients = 80;
  rq.seed = 12;
  rq.followup.share = 0.4;
  rq.second_reader.share = 0.5;
  auto readings = synth::generate(rq, test::atlas());
  // A third reader who found nothing: a reading with no sites must survive too.
  Exam normal = readings.front();
  normal.reader = "R3";
  normal.lesions.clear();
  readings.push_back(normal);
  std::map<std::pair<std::string, std::string>, const Exam*> by_reading;
  std::set<std::string> exams;
  std::size_t sites = 0, second = 0;
  for (const auto& e : readings) {
    ASSERT_TRUE(by_reading.emplace(std::make_pair(e.id, e.reader), &e).second);
    exams.insert(e.id);
    sites += e.lesions.size();
    second += e.reader == "R2";
  }
  ASSERT_GT(second, 10u);
  const auto csv = redcap_records_csv(readings, test::scheme());
  auto table = csv::parse(csv, "x.csv");
  EXPECT_EQ(table.rows.size(), exams.size() + sites);  // one row per exam, one per graded site
  const auto reader_col = *table.column("lesion_reader");
  std::size_t r2_rows = 0;
  for (const auto& r : table.rows) r2_rows += r.cells[reader_col] == "R2";
  EXPECT_GT(r2_rows, 0u);
  auto back = read_redcap_records(csv, "x.csv", test::atlas(), test::scheme());
  ASSERT_EQ(back.size(), readings.size());
  for (const auto& e : back) {
    auto it = by_reading.find({e.id, e.reader});
    ASSERT_NE(it, by_reading.end()) << e.id << " by " << e.reader << " was not exported";
    EXPECT_TRUE(same_exam(*it->second, e)) << e.id << " by " << e.reader << " changed in the round trip";
    by_reading.erase(it);  // each reading comes back once
  }
  EXPECT_TRUE(by_reading.empty());
}

TEST(Redcap, ReadingsThatDisagreeOnTheExamRowAreRefusedAtExport) {
  auto exams = load_exams(std::filesystem::path(CRMO_SOURCE_DIR) / "examples/exams/P017-1.json", test::atlas(),
                          test::scheme());
  exams.push_back(exams.front());
  exams.back().reader = "R2";
  exams.back().clinical.pga = 9;  // a clinical value is the exam's, held once in REDCap
  try {
    redcap_records_csv(exams, test::scheme());
    ADD_FAILURE() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(e.problems().at(0).message.find("different pga"), std::string::npos) << e.problems()[0].message;
  }
  exams.back().clinical = exams.front().clinical;
  EXPECT_NO_THROW(redcap_records_csv(exams, test::scheme()));
  exams.back().reader = exams.front().reader;  // the same reader twice
  EXPECT_THROW(redcap_records_csv(exams, test::scheme()), InputError);
}

TEST(Redcap, LesionReaderMustBeAReaderOfTheExam) {
  auto p = problems_of(
      "record_id,redcap_repeat_instrument,redcap_repeat_instance,patient_id,exam_date,reader,other_readers,site,"
      "lesion_reader,signal\n"
      "E1,,,P1,2021-01-01,R1,R2;R1,,,\n"
      "E1,lesion,1,,,,,tibia.distal_metaphysis:L,,2\n"
      "E1,lesion,2,,,,,tibia.distal_metaphysis:L,R2,1\n"
      "E1,lesion,3,,,,,spine.t7:M,R4,1\n");
  EXPECT_TRUE(any_contains(p, "r.csv line 2, column other_readers", "'R1' named twice")) << testing::PrintToString(p);
  EXPECT_TRUE(any_contains(p, "r.csv line 5, column lesion_reader", "no reader 'R4'")) << testing::PrintToString(p);
  EXPECT_EQ(p.size(), 2u) << testing::PrintToString(p);  // the same site by R1 and R2 is no duplicate
}
