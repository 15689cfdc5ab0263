// The clinical instruments of spec/clinical.md, each with complete and incomplete inputs:
// the value or outcome when it does not depend on what is missing, undetermined (naming
// the missing inputs) when it does. Expected values are worked out by hand from the
// instrument definitions in data/instruments/ (points in the comments).
#include <gtest/gtest.h>

#include <algorithm>

#include "core/instruments/instrument.hpp"
#include "formats/input_error.hpp"
#include "formats/instrument_json.hpp"
#include "../followup/test_util.hpp"

using namespace crmo;
using namespace crmo::instruments;
using namespace crmo::testing;

namespace {

const Instrument& builtin(const std::string& name) {
  static const auto list = builtin_instruments();
  for (const auto& i : list)
    if (i.name == name) return i;
  throw std::runtime_error("no built-in instrument " + name);
}

std::map<std::string, Value> inputs_of(const Exam& e) { return exam_inputs(e, default_atlas(), rai_scheme()); }

Result run(const std::string& name, const Exam& e, const Exam* baseline = nullptr,
           const std::map<std::string, Value>& extra = {}) {
  auto in = inputs_of(e);
  for (const auto& [k, v] : extra) in[k] = v;
  if (baseline) {
    auto base = inputs_of(*baseline);
    return evaluate(builtin(name), in, &base);
  }
  return evaluate(builtin(name), in);
}

using Names = std::vector<std::string>;

}  // namespace

TEST(Builtins, AllSixLoadInSpecOrder) {
  auto list = builtin_instruments();
  Names names;
  for (const auto& i : list) names.push_back(i.name);
  EXPECT_EQ(names, (Names{"clinical-severity", "cdas", "pedcno", "jansson", "bristol", "eular-acr-2025"}));
  for (const auto& i : list) EXPECT_TRUE(check_instrument(i).empty()) << i.name;
  // The default composite says it is crmo's own.
  EXPECT_NE(builtin("clinical-severity").title.find("crmo's own"), std::string::npos);
}

// --- clinical-severity -------------------------------------------------------------------

TEST(ClinicalSeverity, SuppliedValueUsedAsIs) {
  Exam e = exam("P", "E", "2021-01-01", {});
  e.clinical.clinical_severity = 17;
  auto r = run("clinical-severity", e);
  EXPECT_EQ(r.status, "complete");
  EXPECT_EQ(r.value, 17);
  EXPECT_TRUE(r.missing.empty());
}

TEST(ClinicalSeverity, DefaultCompositeComplete) {
  // pga 4 + pain 5 + 2 symptomatic sites (one listed, one marked on a lesion) = 11.
  Exam e = exam("P", "E", "2021-01-01", {site("femur.diaphysis:L", 1, 1)});
  e.lesions[0].symptomatic = true;
  e.clinical.pga = 4, e.clinical.pain = 5;
  e.clinical.symptomatic_sites = {"tibia.diaphysis:R"};
  auto r = run("clinical-severity", e);
  EXPECT_EQ(r.status, "complete");
  EXPECT_EQ(r.value, 11);
  EXPECT_TRUE(r.missing.empty());  // clinical_severity is optional: the composite stands in
}

TEST(ClinicalSeverity, SymptomaticSitesCappedAtTen) {
  Exam e = exam("P", "E", "2021-01-01", {});
  e.clinical.pga = 1, e.clinical.pain = 1;
  for (const char* s : {"femur.diaphysis:L", "femur.diaphysis:R", "tibia.diaphysis:L", "tibia.diaphysis:R",
                        "fibula.diaphysis:L", "fibula.diaphysis:R", "humerus.diaphysis:L", "humerus.diaphysis:R",
                        "radius.diaphysis:L", "radius.diaphysis:R", "ulna.diaphysis:L", "ulna.diaphysis:R"})
    e.clinical.symptomatic_sites.push_back(s);
  EXPECT_EQ(run("clinical-severity", e).value, 12);  // 1 + 1 + min(12, 10)
}

TEST(ClinicalSeverity, MissingPainUndeterminedWithBounds) {
  Exam e = exam("P", "E", "2021-01-01", {});
  e.clinical.pga = 4;
  e.clinical.symptomatic_sites = {"femur.diaphysis:L", "ilium:R"};
  auto r = run("clinical-severity", e);
  EXPECT_EQ(r.status, "undetermined");
  EXPECT_FALSE(r.value.has_value());
  EXPECT_EQ(r.missing, Names{"pain"});
  EXPECT_EQ(r.lower, 6);   // 4 + 0 + 2
  EXPECT_EQ(r.upper, 16);  // 4 + 10 + 2
}

// --- cdas --------------------------------------------------------------------------------

TEST(Cdas, CompleteAndIncomplete) {
  Exam e = exam("P", "E", "2021-01-01", {});
  e.clinical.pain = 5, e.clinical.patient_global = 4;
  e.clinical.symptomatic_sites = {"femur.diaphysis:L", "ilium:R"};
  auto r = run("cdas", e);
  EXPECT_EQ(r.status, "complete");
  EXPECT_EQ(r.value, 11);
  e.clinical.patient_global.reset();
  r = run("cdas", e);
  EXPECT_EQ(r.status, "undetermined");
  EXPECT_EQ(r.missing, Names{"patient_global"});
  EXPECT_EQ(r.lower, 7);
  EXPECT_EQ(r.upper, 17);
}

// --- pedcno ------------------------------------------------------------------------------

TEST(PedcnoInstrument, NeedsABaseline) {
  Exam e = exam("P", "E2", "2021-06-01", {});
  auto r = run("pedcno", e);
  EXPECT_EQ(r.status, "needs_baseline");
  EXPECT_EQ(r.missing.front(), "baseline exam");
}

TEST(PedcnoInstrument, CompleteAndUndetermined) {
  Exam a = exam("P", "E1", "2021-01-01", {site("femur.diaphysis:L", 1, 1)});
  Exam b = exam("P", "E2", "2021-06-01", {site("femur.diaphysis:L", 1, 1)});
  // esr 55 %, pga 50 %, patient global 60 %, chaq 10 %, lesions 1 -> 1: PedCNO50.
  a.clinical.esr = 40, b.clinical.esr = 18;
  a.clinical.pga = 6, b.clinical.pga = 3;
  a.clinical.patient_global = 5, b.clinical.patient_global = 2;
  a.clinical.chaq = 1, b.clinical.chaq = 0.9;
  auto r = run("pedcno", b, &a);
  EXPECT_EQ(r.status, "complete");
  EXPECT_EQ(r.value, 50);
  EXPECT_EQ(r.outcome, "PedCNO50");
  b.clinical.esr.reset();
  r = run("pedcno", b, &a);
  EXPECT_EQ(r.status, "undetermined");
  EXPECT_EQ(r.missing, Names{"esr"});
  EXPECT_FALSE(r.value.has_value());
}

// --- jansson -----------------------------------------------------------------------------

namespace {
// Both medial clavicles: symmetric (10), clavicle (8), two lesions (7).
Exam jansson_exam() {
  Exam e = exam("P", "E", "2021-01-01", {site("clavicle.medial:L", 2, 2), site("clavicle.medial:R", 1, 1)});
  e.clinical.normal_blood_count = true;  // 13
  e.clinical.fever = false;              // normal temperature 9
  e.clinical.marginal_sclerosis = false;
  e.clinical.crp = 12;                   // >= 10 mg/L: 6
  return e;
}
}  // namespace

TEST(Jansson, Complete) {
  auto r = run("jansson", jansson_exam());
  EXPECT_EQ(r.status, "complete");
  EXPECT_EQ(r.value, 53);  // 13 + 10 + 0 + 9 + 8 + 7 + 6
  EXPECT_EQ(r.outcome, "favours NBO");
}

TEST(Jansson, MissingButOutcomeFixed) {
  Exam e = jansson_exam();
  e.clinical.marginal_sclerosis.reset();
  e.clinical.crp.reset();
  auto r = run("jansson", e);
  // 13 + 10 + 9 + 8 + 7 = 47 known, up to 63: >= 39 whatever the missing are.
  EXPECT_EQ(r.status, "determined");
  EXPECT_EQ(r.outcome, "favours NBO");
  EXPECT_FALSE(r.value.has_value());
  EXPECT_EQ(r.lower, 47);
  EXPECT_EQ(r.upper, 63);
  EXPECT_EQ(r.missing, (Names{"marginal_sclerosis", "crp"}));
}

TEST(Jansson, MissingAndUndetermined) {
  Exam e = jansson_exam();
  e.clinical.normal_blood_count.reset();
  e.clinical.fever.reset();
  auto r = run("jansson", e);
  // 10 + 8 + 7 + 6 = 31 known; with 13 and 9 it reaches 53: the cut-off 39 lies between.
  EXPECT_EQ(r.status, "undetermined");
  EXPECT_FALSE(r.outcome.has_value());
  EXPECT_EQ(r.lower, 31);
  EXPECT_EQ(r.upper, 53);
  EXPECT_EQ(r.missing, (Names{"normal_blood_count", "fever"}));
}

// --- bristol -----------------------------------------------------------------------------

namespace {
Exam bristol_exam(std::vector<SiteGrading> lesions, std::optional<double> crp, std::optional<std::string> biopsy) {
  Exam e = exam("P", "E", "2021-01-01", std::move(lesions));
  e.clinical.pain = 4;
  e.clinical.fever = false;
  e.clinical.crp = crp;
  e.clinical.biopsy = biopsy;
  return e;
}
}  // namespace

TEST(Bristol, MetByOneWhateverTheBiopsy) {
  auto r = run("bristol", bristol_exam({site("femur.diaphysis:L", 1, 1), site("tibia.diaphysis:L", 1, 1)}, 5, std::nullopt));
  EXPECT_EQ(r.outcome, "met by (1)");
  EXPECT_EQ(r.status, "determined");
  EXPECT_EQ(r.missing, Names{"biopsy"});
}

TEST(Bristol, ClavicleAloneIsCriterionOne) {
  auto r = run("bristol", bristol_exam({site("clavicle.medial:R", 2, 2)}, 10, "not_done"));
  EXPECT_EQ(r.status, "complete");
  EXPECT_EQ(r.outcome, "met by (1)");
}

TEST(Bristol, MetByTwoNotMetAndUndetermined) {
  auto r = run("bristol", bristol_exam({site("femur.diaphysis:L", 1, 1)}, 8, "inflammatory_sterile"));
  EXPECT_EQ(r.status, "complete");
  EXPECT_EQ(r.outcome, "met by (2)");
  r = run("bristol", bristol_exam({site("femur.diaphysis:L", 1, 1)}, 8, "other"));
  EXPECT_EQ(r.status, "complete");
  EXPECT_EQ(r.outcome, "not met");
  r = run("bristol", bristol_exam({site("femur.diaphysis:L", 1, 1)}, 8, std::nullopt));
  EXPECT_EQ(r.status, "undetermined");
  EXPECT_FALSE(r.outcome.has_value());
  EXPECT_EQ(r.missing, Names{"biopsy"});
  // Multifocal but CRP unknown: CRP < 30 gives (1); CRP >= 30 needs the biopsy.
  r = run("bristol", bristol_exam({site("femur.diaphysis:L", 1, 1), site("ilium:L", 1, 1)}, std::nullopt, std::nullopt));
  EXPECT_EQ(r.status, "undetermined");
  EXPECT_EQ(r.missing, (Names{"crp", "biopsy"}));
  // With fever the required findings fail: not met whatever CRP and biopsy are.
  Exam febrile = bristol_exam({site("femur.diaphysis:L", 1, 1)}, std::nullopt, std::nullopt);
  febrile.clinical.fever = true;
  r = run("bristol", febrile);
  EXPECT_EQ(r.status, "determined");
  EXPECT_EQ(r.outcome, "not met");
}

// --- eular-acr-2025 ----------------------------------------------------------------------

namespace {
// A test points table (made-up numbers: the published ones are not shipped).
const std::map<std::string, double> kTestPoints = {
    {"site_clavicle_or_sternum", 20}, {"site_spine", 10}, {"site_mandible", 15}, {"site_long_bone", 5},
    {"pattern_multifocal", 10}, {"pattern_symmetric", 15}, {"onset_age_under_12", 5}, {"coexisting_condition", 10},
    {"fever", 5}, {"biopsy_inflammatory_sterile", 20}, {"anaemia", 5}, {"crp_normal", 5}, {"esr_normal", 5}};

std::map<std::string, Value> eular_user_inputs() {
  return {{"onset_age_years", 9.0}, {"bone_pain_6_weeks", true}, {"malignancy", false}, {"infection", false},
          {"vitamin_c_deficiency", false}, {"hypophosphatasia", false}, {"coexisting_condition", true},
          {"anaemia", false}};
}
Exam eular_exam() {
  Exam e = exam("P", "E", "2021-01-01", {site("clavicle.medial:L", 2, 2), site("clavicle.medial:R", 1, 1)});
  e.clinical.fever = false;
  e.clinical.biopsy = "not_done";
  e.clinical.crp = 5;
  e.clinical.esr = 10;
  return e;
}
}  // namespace

TEST(EularAcr, PointsTableNotLoaded) {
  auto r = run("eular-acr-2025", eular_exam(), nullptr, eular_user_inputs());
  EXPECT_EQ(r.status, "points_table_not_loaded");
  EXPECT_FALSE(r.value.has_value());
  EXPECT_FALSE(r.outcome.has_value());
  ASSERT_FALSE(r.notes.empty());
  EXPECT_NE(r.notes[0].find("points table not loaded"), std::string::npos);
}

TEST(EularAcr, LoadedCompleteAndIncomplete) {
  Instrument ins = builtin("eular-acr-2025");
  EXPECT_TRUE(apply_points_table(ins, kTestPoints).empty());
  ASSERT_TRUE(ins.points_table_loaded);
  auto in = inputs_of(eular_exam());
  for (const auto& [k, v] : eular_user_inputs()) in[k] = v;
  auto r = evaluate(ins, in);
  // site max(clavicle 20) + pattern max(multifocal 10, symmetric 15) + age < 12: 5 +
  // coexisting 10 + crp 5 + esr 5 = 60 >= 55.
  EXPECT_EQ(r.status, "complete");
  EXPECT_EQ(r.value, 60);
  EXPECT_EQ(r.outcome, "classified as CNO");
  // Without the entry and exclusion inputs crmo does not hold: undetermined, named.
  r = evaluate(ins, inputs_of(eular_exam()));
  EXPECT_EQ(r.status, "undetermined");
  EXPECT_EQ(r.missing, (Names{"onset_age_years", "bone_pain_6_weeks", "malignancy", "infection",
                              "vitamin_c_deficiency", "hypophosphatasia", "coexisting_condition", "anaemia"}));
  // An exclusion that holds: not classifiable whatever the points are.
  in["malignancy"] = true;
  r = evaluate(ins, in);
  EXPECT_EQ(r.outcome, "not classifiable: an exclusion applies");
}

TEST(EularAcr, PartialPointsTableIsNotLoaded) {
  Instrument ins = builtin("eular-acr-2025");
  auto unknown = apply_points_table(ins, {{"site_spine", 10}, {"no_such_item", 3}});
  EXPECT_EQ(unknown, Names{"no_such_item"});
  EXPECT_FALSE(ins.points_table_loaded);
}

TEST(EularAcr, PointsFileErrorsNameThePlace) {
  namespace fs = std::filesystem;
  auto list = builtin_instruments();
  fs::path f = fs::temp_directory_path() / "crmo_points_test.json";
  std::ofstream(f) << R"({"format": "crmo.points/1", "instrument": "eular-acr-2025", "points": {"site_spine": 10, "bogus": 1}})";
  try {
    load_points_table(list, f);
    ADD_FAILURE() << "expected InputError";
  } catch (const InputError& e) {
    bool named = false;
    for (const auto& p : e.problems()) named |= p.place.find("$.points.bogus") != std::string::npos;
    EXPECT_TRUE(named);
  }
  fs::remove(f);
}

// --- instrument files --------------------------------------------------------------------

TEST(InstrumentJson, MisspeltFieldIsAnError) {
  const char* text = R"({"format": "crmo.instrument/1", "name": "x", "kind": "sum", "terms": [{"inptu": "pga"}]})";
  try {
    parse_instrument_json(text, "x.json");
    ADD_FAILURE() << "expected InputError";
  } catch (const InputError& e) {
    std::string all;
    for (const auto& p : e.problems()) all += p.place + ": " + p.message + "\n";
    EXPECT_NE(all.find("$.terms[0]"), std::string::npos) << all;
    EXPECT_NE(all.find("inptu"), std::string::npos) << all;
  }
}

TEST(InstrumentJson, UnknownInputAndTypeMismatch) {
  const char* text = R"({"format": "crmo.instrument/1", "name": "x", "kind": "criteria",
    "outcomes": [{"label": "a", "when": {"input": "no_such_input"}}, {"label": "b", "when": {"input": "pga"}}]})";
  try {
    parse_instrument_json(text, "x.json");
    ADD_FAILURE() << "expected InputError";
  } catch (const InputError& e) {
    std::string all;
    for (const auto& p : e.problems()) all += p.message + "\n";
    EXPECT_NE(all.find("no_such_input"), std::string::npos) << all;
    EXPECT_NE(all.find("'pga' is number"), std::string::npos) << all;
  }
}

TEST(InstrumentJson, ResultJsonHasTheSpecKeys) {
  auto r = run("jansson", jansson_exam());
  auto j = instrument_result_to_json(r);
  EXPECT_EQ(j["name"], "jansson");
  EXPECT_EQ(j["status"], "complete");
  EXPECT_EQ(j["value"], 53);
  EXPECT_TRUE(j["missing"].is_array());
}
