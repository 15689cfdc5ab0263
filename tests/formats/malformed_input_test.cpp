// One case per class of bad input (spec/formats.md "Errors"): each must be reported at
// exactly the place named, with what was expected, and nothing else may be wrong.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include <nlohmann/json.hpp>

#include "formats/atlas_json.hpp"
#include "formats/cohort_csv.hpp"
#include "formats/exam_json.hpp"
#include "formats/exam_source.hpp"
#include "formats/input_error.hpp"
#include "formats/scheme_json.hpp"

using namespace crmo;
using nlohmann::json;

namespace {

const Scheme& scheme() {
  static Scheme s = SchemeRegistry::with_builtins().get("rai-cromris");
  return s;
}

json valid_exam() {
  return json::parse(R"({
    "format": "crmo.exam/1",
    "patient": {"id": "P1", "sex": "F", "birth_date": "2010-05-02"},
    "exam": {"id": "P1-1", "date": "2021-03-14", "timepoint": "baseline", "reader": "R1"},
    "clinical": {"pga": 6, "pain": 7, "esr": 22, "crp": 8.5, "fever": false,
                 "symptomatic_sites": ["tibia.distal_metaphysis:L"]},
    "lesions": [
      {"site": "tibia.distal_metaphysis:L", "signal": 2, "extent": 3, "soft_tissue": 1, "physis": "transphyseal"},
      {"site": "spine.t7:M", "signal": 1, "extent": 2, "collapse": 1}
    ]})");
}

std::vector<InputProblem> problems_of_json(const std::string& text) {
  try {
    read_exam_json(text, "case.json", default_atlas(), scheme());
  } catch (const InputError& e) {
    return e.problems();
  }
  return {};
}

struct JsonCase;
void PrintTo(const JsonCase& c, std::ostream* os);

struct JsonCase {
  std::string name;
  std::function<void(json&)> mutate;
  std::string place;    // exact place expected
  std::string message;  // part of the message
};

void PrintTo(const JsonCase& c, std::ostream* os) { *os << c.name; }

class MalformedJson : public testing::TestWithParam<JsonCase> {};

TEST_P(MalformedJson, NamesTheExactPlace) {
  json doc = valid_exam();
  GetParam().mutate(doc);
  auto problems = problems_of_json(doc.dump());
  ASSERT_EQ(problems.size(), 1u) << "problems: " << [&] {
    std::string s;
    for (auto& p : problems) s += p.place + ": " + p.message + "; ";
    return s;
  }();
  EXPECT_EQ(problems[0].place, GetParam().place);
  EXPECT_NE(problems[0].message.find(GetParam().message), std::string::npos) << problems[0].message;
}

const std::vector<JsonCase> kJsonCases = {
    {"UnknownUnit", [](json& d) { d["lesions"][0]["site"] = "tibia.shaft:L"; }, "case.json: $.lesions[0].site", "unknown bone unit 'tibia.shaft'"},
    {"UnknownSide", [](json& d) { d["lesions"][0]["site"] = "tibia.distal_metaphysis:X"; }, "case.json: $.lesions[0].site", "unknown side 'X'"},
    {"PairedUnitWithMidline", [](json& d) { d["lesions"][0]["site"] = "tibia.distal_metaphysis:M"; }, "case.json: $.lesions[0].site", "paired unit"},
    {"MidlineUnitWithSide", [](json& d) { d["lesions"][1]["site"] = "spine.t7:L"; }, "case.json: $.lesions[1].site", "midline unit"},
    {"SiteWithoutSide", [](json& d) { d["lesions"][0]["site"] = "tibia.distal_metaphysis"; }, "case.json: $.lesions[0].site", "expected unit:side"},
    {"SignalOutOfRange", [](json& d) { d["lesions"][0]["signal"] = 3; }, "case.json: $.lesions[0].signal", "expected 0 to 2, got 3"},
    {"ExtentOutOfRange", [](json& d) { d["lesions"][0]["extent"] = 4; }, "case.json: $.lesions[0].extent", "expected 0 to 3, got 4"},
    {"NegativeGrade", [](json& d) { d["lesions"][1]["extent"] = -1; }, "case.json: $.lesions[1].extent", "expected 0 to 3"},
    {"FractionalGrade", [](json& d) { d["lesions"][0]["signal"] = 1.5; }, "case.json: $.lesions[0].signal", "expected an integer grade"},
    {"GradeAsText", [](json& d) { d["lesions"][0]["extent"] = "2"; }, "case.json: $.lesions[0].extent", "expected an integer grade, got text"},
    {"CollapseOnFemur", [](json& d) { d["lesions"][0]["collapse"] = 1; }, "case.json: $.lesions[0].collapse", "vertebra units only"},
    {"ExpansionOnVertebra", [](json& d) { d["lesions"][1]["expansion"] = 1; }, "case.json: $.lesions[1].expansion", "does not apply to vertebra"},
    {"PhysisOnVertebra", [](json& d) { d["lesions"][1]["physis"] = "abutting"; }, "case.json: $.lesions[1].physis", "long-bone units only"},
    {"BadPhysisValue", [](json& d) { d["lesions"][0]["physis"] = "through"; }, "case.json: $.lesions[0].physis", "expected none, abutting or transphyseal"},
    {"GradesOnSignalZero", [](json& d) { d["lesions"][0]["signal"] = 0; d["lesions"][0].erase("physis"); d["lesions"][0].erase("soft_tissue"); }, "case.json: $.lesions[0].extent", "signal 0"},
    {"DuplicateSite", [](json& d) { d["lesions"][1] = d["lesions"][0]; }, "case.json: $.lesions[1].site", "duplicate site"},
    {"MisspeltGrade", [](json& d) { d["lesions"][0]["extnet"] = 2; }, "case.json: $.lesions[0].extnet", "unknown field 'extnet'"},
    {"UnknownTopLevelField", [](json& d) { d["notes"] = "x"; }, "case.json: $.notes", "unknown field 'notes'"},
    {"UnknownClinicalField", [](json& d) { d["clinical"]["pgaa"] = 3; }, "case.json: $.clinical.pgaa", "unknown field 'pgaa'"},
    {"UnknownPatientField", [](json& d) { d["patient"]["name"] = "Jane"; }, "case.json: $.patient.name", "unknown field 'name'"},
    {"BadExamDate", [](json& d) { d["exam"]["date"] = "2021-02-30"; }, "case.json: $.exam.date", "bad date '2021-02-30'"},
    {"DateInOtherFormat", [](json& d) { d["exam"]["date"] = "14/03/2021"; }, "case.json: $.exam.date", "YYYY-MM-DD"},
    {"BadBirthDate", [](json& d) { d["patient"]["birth_date"] = "2010-5-2"; }, "case.json: $.patient.birth_date", "bad date"},
    {"BirthAfterExam", [](json& d) { d["patient"]["birth_date"] = "2022-01-01"; }, "case.json: $.patient.birth_date", "after the exam date"},
    {"MissingExamDate", [](json& d) { d["exam"].erase("date"); }, "case.json: $.exam.date", "required field missing"},
    {"MissingPatientId", [](json& d) { d["patient"].erase("id"); }, "case.json: $.patient.id", "required field missing"},
    {"MissingLesions", [](json& d) { d.erase("lesions"); }, "case.json: $.lesions", "required field missing"},
    {"LesionsNotAList", [](json& d) { d["lesions"] = json::object(); }, "case.json: $.lesions", "expected a list"},
    {"WrongFormat", [](json& d) { d["format"] = "crmo.exam/2"; }, "case.json: $.format", "expected \"crmo.exam/1\""},
    {"BadSex", [](json& d) { d["patient"]["sex"] = "female"; }, "case.json: $.patient.sex", "expected F or M"},
    {"PgaOutOfRange", [](json& d) { d["clinical"]["pga"] = 11; }, "case.json: $.clinical.pga", "0 to 10"},
    {"PgaOffStep", [](json& d) { d["clinical"]["pga"] = 6.3; }, "case.json: $.clinical.pga", "steps of 0.5"},
    {"NegativeCrp", [](json& d) { d["clinical"]["crp"] = -2; }, "case.json: $.clinical.crp", ">= 0"},
    {"FeverAsText", [](json& d) { d["clinical"]["fever"] = "no"; }, "case.json: $.clinical.fever", "expected true or false"},
    {"BadBiopsy", [](json& d) { d["clinical"]["biopsy"] = "done"; }, "case.json: $.clinical.biopsy", "not_done, inflammatory_sterile or other"},
    {"UnknownSymptomaticSite", [](json& d) { d["clinical"]["symptomatic_sites"][0] = "knee:L"; }, "case.json: $.clinical.symptomatic_sites[0]", "unknown bone unit 'knee'"},
    {"SymptomaticAsNumber", [](json& d) { d["lesions"][0]["symptomatic"] = 1; }, "case.json: $.lesions[0].symptomatic", "expected true or false"},
    {"NegativeVolume", [](json& d) { d["lesions"][0]["volume_ml"] = -1.0; }, "case.json: $.lesions[0].volume_ml", "> 0"},
    {"LesionNotAnObject", [](json& d) { d["lesions"][1] = "spine.t7:M"; }, "case.json: $.lesions[1]", "expected an object"},
};

INSTANTIATE_TEST_SUITE_P(Exam, MalformedJson, testing::ValuesIn(kJsonCases),
                         [](const testing::TestParamInfo<JsonCase>& i) { return i.param.name; });

TEST(MalformedJsonText, SyntaxErrorNamesLineAndColumn) {
  auto problems = problems_of_json("{\n  \"format\": \"crmo.exam/1\",\n  \"patient\": {\"id\": \"P1\",}\n}");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].place.rfind("case.json line 3", 0), 0u) << problems[0].place;
  EXPECT_NE(problems[0].message.find("invalid JSON"), std::string::npos);
}

TEST(MalformedJsonText, EveryProblemIsReportedInOnePass) {
  json doc = valid_exam();
  doc["lesions"][0]["signal"] = 5;
  doc["lesions"][1]["site"] = "spine.t99:M";
  doc["exam"]["date"] = "yesterday";
  doc["clinical"]["pga"] = 20;
  EXPECT_EQ(problems_of_json(doc.dump()).size(), 4u);
}

// ---- The cohort tables ----

const char* kExams =
    "patient_id,exam_id,exam_date,sex,birth_date,pga,fever\n"
    "P1,P1-1,2021-03-14,F,2010-05-02,6,false\n"
    "P2,P2-1,2021-04-01,M,2011-01-15,3.5,no\n";
const char* kLesions =
    "exam_id,site,signal,extent,soft_tissue,collapse,physis\n"
    "P1-1,tibia.distal_metaphysis:L,2,3,1,,transphyseal\n"
    "P1-1,spine.t7:M,1,2,0,1,\n"
    "P2-1,femur.diaphysis:R,1,1,0,,\n";

struct CsvCase {
  std::string name;
  std::string file;  // exams.csv or lesions.csv
  std::string from, to;  // text replacement in that file
  std::string place;     // after the folder prefix
  std::string message;
};

void PrintTo(const CsvCase& c, std::ostream* os) { *os << c.name; }

class MalformedCsv : public testing::TestWithParam<CsvCase> {};

std::vector<InputProblem> problems_of_cohort(const std::string& exams, const std::string& lesions, std::string& dir) {
  dir = testing::TempDir() + "cohort_" + testing::UnitTest::GetInstance()->current_test_info()->name();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/exams.csv") << exams;
  std::ofstream(dir + "/lesions.csv") << lesions;
  try {
    read_cohort_folder(dir, default_atlas(), scheme());
  } catch (const InputError& e) {
    return e.problems();
  }
  return {};
}

TEST_P(MalformedCsv, NamesFileLineAndColumn) {
  const CsvCase& c = GetParam();
  std::string exams = kExams, lesions = kLesions;
  std::string& target = c.file == "exams.csv" ? exams : lesions;
  auto pos = target.find(c.from);
  ASSERT_NE(pos, std::string::npos) << c.from;
  target.replace(pos, c.from.size(), c.to);
  std::string dir;
  auto problems = problems_of_cohort(exams, lesions, dir);
  ASSERT_EQ(problems.size(), 1u) << (problems.empty() ? "none" : problems[0].place + " / " + problems[1].place);
  EXPECT_EQ(problems[0].place, dir + "/" + c.place);
  EXPECT_NE(problems[0].message.find(c.message), std::string::npos) << problems[0].message;
}

const std::vector<CsvCase> kCsvCases = {
    {"LesionForUnknownExam", "lesions.csv", "P2-1,femur", "P9-1,femur", "lesions.csv line 4, column exam_id", "unknown exam 'P9-1'"},
    {"UnknownSite", "lesions.csv", "femur.diaphysis:R", "femur.shaft:R", "lesions.csv line 4, column site", "unknown bone unit"},
    {"GradeOutOfRange", "lesions.csv", "P2-1,femur.diaphysis:R,1,1", "P2-1,femur.diaphysis:R,1,7", "lesions.csv line 4, column extent", "expected 0 to 3, got 7"},
    {"GradeNotANumber", "lesions.csv", "P2-1,femur.diaphysis:R,1", "P2-1,femur.diaphysis:R,high", "lesions.csv line 4, column signal", "expected an integer grade, got 'high'"},
    {"CollapseOnFemur", "lesions.csv", "P2-1,femur.diaphysis:R,1,1,0,,", "P2-1,femur.diaphysis:R,1,1,0,1,", "lesions.csv line 4, column collapse", "vertebra units only"},
    {"DuplicateSite", "lesions.csv", "P1-1,spine.t7:M,1,2,0,1,", "P1-1,tibia.distal_metaphysis:L,1,2,0,,", "lesions.csv line 3, column site", "duplicate site"},
    {"UnknownLesionColumn", "lesions.csv", "physis\n", "physsis\n", "lesions.csv line 1, column physsis", "unknown column 'physsis'"},
    {"BadExamDate", "exams.csv", "2021-04-01", "2021-04-31", "exams.csv line 3, column exam_date", "bad date '2021-04-31'"},
    {"MissingExamId", "exams.csv", "P2,P2-1,2021-04-01,M,2011-01-15,3.5,no\n", "P2,P2-1,2021-04-01,M,2011-01-15,3.5,no\nP3,,2021-04-01,M,,,\n", "exams.csv line 4, column exam_id", "required value is empty"},
    {"DuplicateExamId", "exams.csv", "P2,P2-1,2021-04-01,M,2011-01-15,3.5,no\n", "P2,P2-1,2021-04-01,M,2011-01-15,3.5,no\nP2,P2-1,2021-05-01,M,2011-01-15,3,no\n", "exams.csv line 4, column exam_id", "duplicate exam id 'P2-1'"},
    {"BadBoolean", "exams.csv", "3.5,no", "3.5,maybe", "exams.csv line 3, column fever", "expected true/false"},
    {"PgaNotANumber", "exams.csv", "3.5,no", "3,5,no", "exams.csv line 3", "expected 7 cells"},
    {"PgaOutOfRange", "exams.csv", ",6,false", ",12,false", "exams.csv line 2, column pga", "0 to 10"},
    {"UnknownExamColumn", "exams.csv", ",fever\n", ",fevre\n", "exams.csv line 1, column fevre", "unknown column 'fevre'"},
    {"InconsistentPatientSex", "exams.csv", "P2,P2-1,2021-04-01,M,2011-01-15", "P1,P2-1,2021-04-01,M,2010-05-02", "exams.csv line 3, column sex", "different sex"},
    {"SignalZeroWithGrades", "lesions.csv", "P2-1,femur.diaphysis:R,1,1", "P2-1,femur.diaphysis:R,0,1", "lesions.csv line 4, column extent", "signal 0"},
};

INSTANTIATE_TEST_SUITE_P(Cohort, MalformedCsv, testing::ValuesIn(kCsvCases),
                         [](const testing::TestParamInfo<CsvCase>& i) { return i.param.name; });

TEST(MalformedCsvFolder, MissingRequiredColumn) {
  std::string dir;
  auto problems = problems_of_cohort("patient_id,exam_id\nP1,P1-1\n", "exam_id,site\n", dir);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].place, dir + "/exams.csv line 1");
  EXPECT_NE(problems[0].message.find("'exam_date'"), std::string::npos);
}

TEST(MalformedCsvFolder, ValidTablesRead) {
  std::string dir;
  EXPECT_TRUE(problems_of_cohort(kExams, kLesions, dir).empty());
  auto exams = read_cohort_folder(dir, default_atlas(), scheme());
  ASSERT_EQ(exams.size(), 2u);
  EXPECT_EQ(exams[0].lesions.size(), 2u);
  EXPECT_EQ(exams[1].clinical.fever, false);  // "no"
}

// Several readers (crmo's `reader` column): each row must belong to exactly one reading.
TEST(MalformedCsvFolder, ReaderColumnPlacesEveryProblem) {
  const std::string exams =
      "patient_id,exam_id,exam_date,reader\n"
      "P1,P1-1,2021-03-14,R1\n"
      "P1,P1-1,2021-03-14,R2\n"
      "P2,P2-1,2021-04-01,R1\n";
  std::string dir;
  auto problems = problems_of_cohort(exams,
                                     "exam_id,reader,site,signal\n"
                                     "P1-1,R1,femur.diaphysis:R,1\n"
                                     "P1-1,R3,femur.diaphysis:R,1\n"  // no such reading
                                     "P1-1,,femur.diaphysis:L,1\n"    // whose?
                                     "P2-1,,femur.diaphysis:L,1\n"    // the only reading: R1's
                                     "P2-1,R2,femur.diaphysis:L,1\n", // P2-1 was not read by R2
                                     dir);
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0].place, dir + "/lesions.csv line 3, column reader");
  EXPECT_NE(problems[0].message.find("no reading of exam 'P1-1' by reader 'R3'"), std::string::npos) << problems[0].message;
  EXPECT_EQ(problems[1].place, dir + "/lesions.csv line 4, column reader");
  EXPECT_NE(problems[1].message.find("several readings"), std::string::npos) << problems[1].message;
  EXPECT_EQ(problems[2].place, dir + "/lesions.csv line 6, column reader");

  // Without a reader column, once per exam read twice.
  problems = problems_of_cohort(exams, "exam_id,site,signal\nP1-1,femur.diaphysis:R,1\nP1-1,femur.diaphysis:L,1\n"
                                       "P2-1,femur.diaphysis:L,1\n", dir);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].place, dir + "/lesions.csv line 2, column exam_id");
  EXPECT_NE(problems[0].message.find("needs a 'reader' column"), std::string::npos) << problems[0].message;

  // The same reader twice; and the same reading's grade error lands on its own line.
  problems = problems_of_cohort(exams + "P1,P1-1,2021-03-14,R2\n",
                                "exam_id,reader,site,signal\nP1-1,R2,femur.diaphysis:R,1\nP1-1,R1,femur.diaphysis:R,5\n",
                                dir);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].place, dir + "/exams.csv line 5, column exam_id");
  EXPECT_NE(problems[0].message.find("duplicate exam id 'P1-1' for reader 'R2'"), std::string::npos) << problems[0].message;
  EXPECT_EQ(problems[1].place, dir + "/lesions.csv line 3, column signal");

  // Valid: lesions land in their readings.
  problems = problems_of_cohort(exams, "exam_id,reader,site,signal\nP1-1,R2,femur.diaphysis:R,1\n"
                                       "P1-1,R1,femur.diaphysis:R,2\nP2-1,,ilium:L,1\n", dir);
  ASSERT_TRUE(problems.empty()) << problems[0].place << ": " << problems[0].message;
  auto readings = read_cohort_folder(dir, default_atlas(), scheme());
  ASSERT_EQ(readings.size(), 3u);
  EXPECT_EQ(readings[0].reader, "R1");
  ASSERT_EQ(readings[0].lesions.size(), 1u);
  EXPECT_EQ(readings[0].lesions[0].grade("signal"), 2);
  EXPECT_EQ(readings[1].reader, "R2");
  EXPECT_EQ(readings[1].lesions.at(0).grade("signal"), 1);
  EXPECT_EQ(readings[2].lesions.at(0).site, "ilium:L");
  // load_exams takes one reading per exam.
  EXPECT_THROW(load_exams(dir, default_atlas(), scheme()), InputError);
}

TEST(MalformedFolder, AllFilesReportedAndNothingLoaded) {
  std::string dir = testing::TempDir() + "examfolder";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  json a = valid_exam(), b = valid_exam();
  b["exam"]["id"] = "P1-2";
  b["lesions"][0]["signal"] = 9;
  json c = valid_exam();  // same exam id as a
  std::ofstream(dir + "/a.json") << a.dump();
  std::ofstream(dir + "/b.json") << b.dump();
  std::ofstream(dir + "/c.json") << c.dump();
  try {
    load_exams(dir, default_atlas(), scheme());
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    ASSERT_EQ(e.problems().size(), 2u);
    EXPECT_EQ(e.problems()[0].place, dir + "/b.json: $.lesions[0].signal");
    EXPECT_EQ(e.problems()[1].place, dir + "/c.json: $.exam.id");
  }
}

}  // namespace
