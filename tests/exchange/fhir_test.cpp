// FHIR R4 (issue 8): per scored exam a DiagnosticReport with an Observation per graded
// site, one for the total and one per parameter, all referencing the ImagingStudy and the
// pseudonymous Patient. Values are checked against the scoring core, references resolve
// inside the Bundle. (Schema validity: fhir_schema.sh with the official schema.)
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "core/scoring.hpp"
#include "exchange/fhir.hpp"
#include "exchange/pseudonym.hpp"
#include "formats/exam_source.hpp"
#include "test_domain.hpp"

using namespace crmo;
using J = nlohmann::ordered_json;

namespace {

struct Built {
  std::vector<Exam> exams;
  std::vector<ExamScore> scores;
  J bundle;
};

Built build(std::vector<Exam> exams) {
  Built b;
  b.exams = std::move(exams);
  for (const auto& e : b.exams)
    b.scores.push_back(score_exam(e, test::atlas(), test::scheme(), test::parameter_scheme().parameters));
  exchange::FhirInput in;
  in.atlas = &test::atlas();
  in.scheme = &test::scheme();
  in.parameter_scheme = &test::parameter_scheme();
  b.bundle = exchange::fhir_bundle(b.exams, b.scores, in);
  return b;
}

std::vector<Exam> examples() {
  return load_exams(std::filesystem::path(CRMO_SOURCE_DIR) / "examples/exams", test::atlas(), test::scheme());
}

bool has_coding(const J& concept_json, const std::string& system, const std::string& code) {
  for (const auto& c : concept_json["coding"])
    if (c["system"] == system && c["code"] == code) return true;
  return false;
}

}  // namespace

TEST(Fhir, ReportPerExamWithEveryObservation) {
  Built b = build(examples());
  std::map<std::string, J> by_url;
  for (const auto& e : b.bundle["entry"]) by_url[e["fullUrl"].get<std::string>()] = e["resource"];
  ASSERT_EQ(b.bundle["resourceType"], "Bundle");
  ASSERT_EQ(b.bundle["type"], "collection");
  std::size_t reports = 0;
  for (const auto& [url, r] : by_url) {
    if (r["resourceType"] != "DiagnosticReport") continue;
    ++reports;
    const std::string exam_id = r["identifier"][0]["value"];
    std::size_t i = 0;
    while (i < b.exams.size() && b.exams[i].id != exam_id) ++i;
    ASSERT_LT(i, b.exams.size()) << exam_id;
    const Exam& exam = b.exams[i];
    const ExamScore& score = b.scores[i];
    EXPECT_TRUE(has_coding(r["code"], "http://loinc.org", "18748-4"));
    // Every result resolves to an Observation of this exam's patient and study.
    const std::string subject = r["subject"]["reference"];
    ASSERT_TRUE(by_url.count(subject));
    EXPECT_EQ(by_url[subject]["resourceType"], "Patient");
    ASSERT_EQ(r["imagingStudy"].size(), 1u);
    const std::string study = r["imagingStudy"][0]["reference"];
    ASSERT_TRUE(by_url.count(study));
    EXPECT_EQ(by_url[study]["resourceType"], "ImagingStudy");
    std::size_t sites = 0, totals = 0, params = 0;
    for (const auto& ref : r["result"]) {
      const std::string u = ref["reference"];
      ASSERT_TRUE(by_url.count(u)) << u;
      const J& o = by_url[u];
      EXPECT_EQ(o["resourceType"], "Observation");
      EXPECT_EQ(o["subject"]["reference"], subject);
      EXPECT_EQ(o["derivedFrom"][0]["reference"], study);
      EXPECT_EQ(o["effectiveDateTime"], exam.date.iso());
      if (has_coding(o["code"], exchange::kCrmoCodeSystem, "cromris-unit-score")) {
        const std::string site = o["bodySite"]["coding"][0]["code"];
        int expected = 0;
        for (const auto& s : score.sites)
          if (s.site == site) expected = s.score;
        EXPECT_EQ(o["valueInteger"], expected) << site;
        // Laterality from SNOMED CT on sided units.
        if (site.ends_with(":L") || site.ends_with(":R")) {
          bool lat = false;
          for (const auto& c : o["component"]) lat |= has_coding(c["code"], "http://snomed.info/sct", "272741003");
          EXPECT_TRUE(lat) << site;
        }
        ++sites;
      } else if (has_coding(o["code"], exchange::kCrmoCodeSystem, "rai-cromris-total")) {
        EXPECT_EQ(o["valueInteger"], score.total);
        ++totals;
      } else {
        const std::string code = o["code"]["coding"][0]["code"];
        ASSERT_TRUE(code.starts_with("param.")) << code;
        auto v = score.parameter(code.substr(6));
        if (!v) {
          EXPECT_TRUE(o.contains("dataAbsentReason")) << code;
        } else if (o.contains("valueInteger")) {
          EXPECT_EQ(o["valueInteger"].get<double>(), *v) << code;
        } else {
          EXPECT_DOUBLE_EQ(o["valueQuantity"]["value"].get<double>(), *v) << code;
        }
        ++params;
      }
    }
    EXPECT_EQ(sites, exam.lesions.size()) << exam_id;
    EXPECT_EQ(totals, 1u);
    EXPECT_EQ(params, score.parameters.size());
    EXPECT_GT(params, 5u);
  }
  EXPECT_EQ(reports, b.exams.size());
}

TEST(Fhir, DeidentifiedBundleCarriesPseudonymsOnly) {
  exchange::Key key;
  key.fill(9);
  exchange::Pseudonymizer p(key);
  auto exams = examples();
  Built b = build(exchange::deidentify_exams(exams, p));
  const std::string text = b.bundle.dump();
  for (const auto& e : exams) {
    EXPECT_EQ(text.find("\"" + e.patient.id + "\""), std::string::npos) << e.patient.id;
    EXPECT_EQ(text.find(e.id), std::string::npos) << e.id;
    EXPECT_EQ(text.find(e.date.iso()), std::string::npos) << e.date.iso();
    if (e.patient.birth_date) {
      EXPECT_EQ(text.find(e.patient.birth_date->iso()), std::string::npos);
    }
    EXPECT_NE(text.find(p.patient(e.patient.id)), std::string::npos);
  }
}

TEST(Fhir, StableIds) {
  Built a = build(examples()), b = build(examples());
  EXPECT_EQ(a.bundle.dump(), b.bundle.dump());
  const std::string u = exchange::stable_uuid("x");
  EXPECT_EQ(u.size(), 36u);
  EXPECT_EQ(u[14], '8');  // version 8
}
