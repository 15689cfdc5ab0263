// The cohort analysis (spec/analysis.md 1-5) on a small cohort whose every figure is
// counted by hand below; p-values from R 4.2 with the call next to each value.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/analysis/cohort.hpp"
#include "core/validation.hpp"
#include "formats/atlas_json.hpp"
#include "formats/scheme_json.hpp"

using namespace crmo;

namespace {

SiteGrading site(const std::string& s, int signal, int extent, std::map<std::string, int> more = {},
                 std::optional<std::string> physis = std::nullopt, std::optional<bool> symptomatic = std::nullopt,
                 std::optional<std::string> lesion = std::nullopt) {
  SiteGrading g;
  g.site = s;
  g.grades = std::move(more);
  g.grades["signal"] = signal;
  g.grades["extent"] = extent;
  g.physis = std::move(physis);
  g.symptomatic = symptomatic;
  g.lesion = std::move(lesion);
  return g;
}

Exam exam(const std::string& patient, const std::string& id, const std::string& date, const std::string& sex,
          double age, const std::string& timepoint = "baseline", const std::string& reader = "R1") {
  Exam e;
  e.patient.id = patient;
  e.patient.sex = sex;
  e.patient.age_years = age;
  e.id = id;
  e.date = *parse_date(date);
  e.timepoint = timepoint;
  e.reader = reader;
  return e;
}

// P1: lesion "a" crosses the left distal tibial metaphysis and epiphysis (2 sites, 1
//     lesion); the right distal tibial metaphysis (symmetric); T7. 3 lesions, 4 sites.
//     Follow-up P1-2 at 6 months. Severity: pga 6 + pain 7 + 1 symptomatic site = 14.
// P2: right ilium only (unifocal). Severity given: 5.
// P3: normal exam. Severity 1 + 0 + 0 = 1.
// P4: left proximal femoral metaphysis, right femoral diaphysis, right medial clavicle:
//     3 lesions; symptomatic sites listed: femur.diaphysis:R and radius.distal_metaphysis:L
//     (no lesion there). Severity 4 + 5 + 2 = 11. Also read by R2 (one site only).
std::vector<Exam> cohort() {
  std::vector<Exam> v;
  Exam p1 = exam("P1", "P1-1", "2020-01-10", "F", 10);
  p1.lesions = {site("tibia.distal_metaphysis:L", 2, 3, {{"soft_tissue", 1}}, "abutting", true, "a"),
                site("tibia.distal_epiphysis:L", 1, 1, {}, "transphyseal", std::nullopt, "a"),
                site("tibia.distal_metaphysis:R", 1, 1, {}, "none", false),
                site("spine.t7:M", 1, 2, {{"collapse", 1}}, std::nullopt, false)};
  p1.clinical.pga = 6;
  p1.clinical.pain = 7;
  v.push_back(p1);
  Exam p1b = exam("P1", "P1-2", "2020-07-01", "F", 10.5, "6m");
  p1b.lesions = {site("tibia.distal_metaphysis:L", 1, 1)};
  p1b.clinical.pga = 2;
  p1b.clinical.pain = 3;
  v.push_back(p1b);
  Exam p2 = exam("P2", "P2-1", "2021-03-01", "M", 8);
  p2.lesions = {site("ilium:R", 2, 2, {}, std::nullopt, true)};
  p2.clinical.clinical_severity = 5;
  p2.clinical.pga = 3;
  v.push_back(p2);
  Exam p3 = exam("P3", "P3-1", "2019-05-05", "F", 12);
  p3.clinical.pga = 1;
  p3.clinical.pain = 0;
  v.push_back(p3);
  Exam p4 = exam("P4", "P4-1", "2022-02-02", "F", 14);
  p4.lesions = {site("femur.proximal_metaphysis:L", 1, 1, {}, "abutting"), site("femur.diaphysis:R", 2, 2),
                site("clavicle.medial:R", 1, 1)};
  p4.clinical.pga = 4;
  p4.clinical.pain = 5;
  p4.clinical.symptomatic_sites = {"femur.diaphysis:R", "radius.distal_metaphysis:L"};
  v.push_back(p4);
  Exam p4r2 = p4;
  p4r2.reader = "R2";
  p4r2.lesions = {site("clavicle.medial:R", 1, 1)};
  v.push_back(p4r2);
  return v;
}

struct Fixture {
  SchemeRegistry reg = SchemeRegistry::with_builtins();
  Scheme scheme = reg.get("rai-cromris");
  Scheme params = parameter_scheme_for(reg, scheme);
  std::vector<Exam> exams = cohort();
  analysis::Analysis run(analysis::Options o = {}) {
    for (const auto& e : exams) {
      auto problems = validate_exam(e, default_atlas(), scheme);
      EXPECT_TRUE(problems.empty()) << e.id << ": " << (problems.empty() ? "" : problems[0].message);
    }
    return analysis::analyse(exams, default_atlas(), scheme, params, o);
  }
};

const analysis::CountRow& row(const std::vector<analysis::CountRow>& rows, const std::string& key) {
  auto it = std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return r.key == key; });
  if (it == rows.end()) throw std::runtime_error("no row " + key);
  return *it;
}

const analysis::Correlation& corr(const analysis::Analysis& a, const std::string& p, const std::string& o) {
  for (const auto& c : a.correlations)
    if (c.parameter == p && c.outcome == o) return c;
  throw std::runtime_error("no correlation " + p + " " + o);
}

}  // namespace

TEST(CohortAnalysis, Description) {
  Fixture f;
  auto a = f.run();
  const auto& d = a.description;
  EXPECT_EQ(d.patients, 4u);
  EXPECT_EQ(d.exams, 4u);
  EXPECT_EQ(d.exams_in_input, 5u);     // P1-1, P1-2, P2-1, P3-1, P4-1
  EXPECT_EQ(d.readings_in_input, 6u);  // P4-1 twice
  EXPECT_EQ(d.readers, (std::vector<std::string>{"R1", "R2"}));
  EXPECT_EQ(d.female, 3u);
  EXPECT_EQ(d.male, 1u);
  ASSERT_TRUE(d.age);
  // Ages 8, 10, 12, 14; quantile type 7: q1 = 8 + 0.75 x 2 = 9.5.
  EXPECT_DOUBLE_EQ(d.age->median, 11);
  EXPECT_DOUBLE_EQ(d.age->q1, 9.5);
  EXPECT_DOUBLE_EQ(d.age->q3, 12.5);
  EXPECT_DOUBLE_EQ(d.age->min, 8);
  EXPECT_DOUBLE_EQ(d.age->max, 14);
  // Lesions per patient 3, 1, 0, 3 (P4 read by R1: R1 sorts before R2).
  ASSERT_TRUE(d.lesions_per_patient);
  EXPECT_DOUBLE_EQ(d.lesions_per_patient->median, 2);
  EXPECT_DOUBLE_EQ(d.lesions_per_patient->mean, 1.75);
  EXPECT_DOUBLE_EQ(d.lesions_per_patient->max, 3);
  EXPECT_EQ(d.lesions, 7u);
  EXPECT_EQ(d.sites_involved, 8u);
  EXPECT_EQ(d.unifocal, 1u);
  EXPECT_EQ(d.without_lesions, 1u);
  EXPECT_EQ(d.severity_given, 1u);
  EXPECT_EQ(d.severity_composite, 3u);
}

TEST(CohortAnalysis, WhereDiseaseSits) {
  Fixture f;
  auto a = f.run();
  const auto& dist = a.distribution;
  EXPECT_EQ(dist.total_lesions, 8u);
  const auto& lower = row(dist.regions, "lower_limb");
  EXPECT_EQ(lower.lesions, 5u);  // 3 tibial sites of P1, 2 femoral of P4
  EXPECT_DOUBLE_EQ(lower.lesions_pct, 62.5);
  EXPECT_EQ(lower.patients, 2u);
  EXPECT_DOUBLE_EQ(lower.patients_pct, 50);
  EXPECT_EQ(row(dist.regions, "spine").lesions, 1u);
  EXPECT_EQ(row(dist.regions, "pelvis").patients, 1u);
  EXPECT_EQ(row(dist.regions, "shoulder_chest").patients, 1u);
  EXPECT_EQ(row(dist.regions, "head").patients, 0u);
  EXPECT_EQ(row(dist.bones, "tibia").lesions, 3u);
  EXPECT_EQ(row(dist.bones, "tibia").patients, 1u);
  EXPECT_DOUBLE_EQ(row(dist.bones, "tibia").patients_pct, 25);
  EXPECT_EQ(row(dist.bones, "femur").lesions, 2u);
  EXPECT_EQ(row(dist.bones, "pelvis_bone").lesions, 1u);
  EXPECT_EQ(row(dist.units, "tibia.distal_metaphysis:L").patients, 1u);
  EXPECT_EQ(row(dist.units, "radius.distal_metaphysis:L").lesions, 0u);  // symptomatic, no lesion
  EXPECT_EQ(dist.units.size(), 124u);
  EXPECT_EQ(dist.pelvis_lower_limb_lesions, 6u);
  EXPECT_DOUBLE_EQ(dist.pelvis_lower_limb_pct, 75);
  // Symmetric: P1's distal tibial metaphyses. P4's femur has L and R but other units.
  EXPECT_EQ(dist.symmetric_patients, 1u);
  EXPECT_DOUBLE_EQ(dist.symmetric_pct, 25);
  for (const auto& b : dist.bilateral) {
    std::size_t want = (b.bone == "tibia" || b.bone == "femur") ? 1 : 0;
    EXPECT_EQ(b.patients_bilateral, want) << b.bone;
    if (b.bone == "femur") {
      EXPECT_DOUBLE_EQ(b.pct_of_involved, 100);
    }
  }
  // Long-bone sites: P1 meta L, epi L, meta R; P4 meta L, diaphysis R.
  EXPECT_EQ(dist.long_bone_lesions, 5u);
  std::map<std::string, std::size_t> seg, phys;
  for (const auto& s : dist.segments) seg[s.key] = s.count;
  for (const auto& s : dist.physis) phys[s.key] = s.count;
  EXPECT_EQ(seg["metaphysis"], 3u);
  EXPECT_EQ(seg["epiphysis"], 1u);
  EXPECT_EQ(seg["diaphysis"], 1u);
  EXPECT_EQ(phys["abutting"], 2u);
  EXPECT_EQ(phys["transphyseal"], 1u);
  EXPECT_EQ(phys["none"], 1u);
  EXPECT_EQ(phys["not_recorded"], 1u);
}

TEST(CohortAnalysis, ImagingAgainstSeverity) {
  Fixture f;
  auto a = f.run();
  // lesion_count 3, 1, 0, 3 against severity 14, 5, 1, 11: ranks (3.5, 2, 1, 3.5) and
  // (4, 2, 1, 3): rs = 4.5 / sqrt(4.5 x 5) = 0.9486833.
  // R: cor.test(c(3,1,0,3), c(14,5,1,11), method="spearman") -> rho 0.9486833, S = 0.51317,
  //    p-value 0.05132 (t approximation: ties).
  const auto& c = corr(a, "lesion_count", "clinical_severity");
  EXPECT_EQ(c.n, 4u);
  ASSERT_TRUE(c.rs);
  EXPECT_NEAR(*c.rs, 4.5 / std::sqrt(22.5), 1e-12);
  ASSERT_TRUE(c.p_value);
  EXPECT_NEAR(*c.p_value, 0.05132, 5e-5);
  EXPECT_FALSE(c.exact);
  // PGA is known for all four (6, 3, 1, 4); P2's clinical_severity is the given 5.
  EXPECT_EQ(corr(a, "lesion_count", "pga").n, 4u);
  // Holm within the family is never below the raw p.
  for (const auto& k : a.correlations)
    if (k.p_value && k.p_holm) {
      EXPECT_GE(*k.p_holm, *k.p_value - 1e-15);
    }
  EXPECT_EQ(a.rows.size(), 4u);
  EXPECT_EQ(a.rows[0].outcomes[0], 14);
  EXPECT_TRUE(a.rows[0].severity_composite);
  EXPECT_EQ(a.rows[1].outcomes[0], 5);
  EXPECT_FALSE(a.rows[1].severity_composite);
  EXPECT_EQ(a.rows[3].outcomes[0], 11);
}

TEST(CohortAnalysis, MriAgainstClinic) {
  Fixture f;
  auto a = f.run();
  const auto& m = a.mri_vs_clinic;
  // Known status: P1 tib meta L (yes), tib meta R (no), T7 (no); P2 ilium (yes); P4 femur
  // diaphysis R (listed as symptomatic). Silent: 2 of 5.
  EXPECT_EQ(m.lesions_known, 5u);
  EXPECT_EQ(m.silent, 2u);
  EXPECT_DOUBLE_EQ(m.silent_pct, 40);
  EXPECT_EQ(m.patients_with_silent, 1u);
  EXPECT_EQ(m.symptomatic_sites, 4u);
  EXPECT_EQ(m.symptomatic_without_lesion, 1u);  // radius.distal_metaphysis:L
  for (const auto& r : m.by_region) {
    if (r.region == "lower_limb") {
      EXPECT_EQ(r.lesions_known, 3u);
      EXPECT_EQ(r.silent, 1u);
    }
    if (r.region == "spine") {
      EXPECT_EQ(r.silent, 1u);
    }
  }
}

TEST(CohortAnalysis, GroupsAndOverTime) {
  Fixture f;
  auto a = f.run();
  // Multifocal P1, P4 (14, 11) against unifocal P2 (5); P3 (no lesion) in neither group.
  // R: wilcox.test(c(14, 11), c(5)) -> W = 2, p-value = 0.6667 (exact).
  bool seen = false;
  for (const auto& g : a.groups)
    if (g.grouping == "multifocal" && g.outcome == "clinical_severity") {
      seen = true;
      EXPECT_EQ(g.n_yes, 2u);
      EXPECT_EQ(g.n_no, 1u);
      EXPECT_EQ(g.median_yes, 12.5);
      EXPECT_EQ(g.w, 2);
      ASSERT_TRUE(g.p_value);
      EXPECT_NEAR(*g.p_value, 2.0 / 3.0, 1e-12);
    }
  EXPECT_TRUE(seen);
  // One patient with a follow-up: RAI 6+2+2+4 = 14 -> 2.
  ASSERT_EQ(a.over_time.size(), 2u);
  EXPECT_EQ(a.over_time[0].parameter, "rai_total");
  EXPECT_EQ(a.over_time[0].n, 1u);
  EXPECT_EQ(a.over_time[0].median_first, 14);
  EXPECT_EQ(a.over_time[0].median_second, 2);
}

TEST(CohortAnalysis, SelectionAndReaders) {
  Fixture f;
  analysis::Options o;
  o.selection = analysis::ExamSelection::Timepoint;
  o.timepoint = "6m";
  auto a = f.run(o);
  EXPECT_EQ(a.description.patients, 1u);
  EXPECT_EQ(a.description.lesions, 1u);
  o.timepoint = "12m";
  EXPECT_THROW(f.run(o), std::invalid_argument);
  analysis::Options r2;
  r2.reader = "R2";
  auto b = f.run(r2);
  EXPECT_EQ(b.description.patients, 1u);  // R2 read P4-1 only
  EXPECT_EQ(b.description.sites_involved, 1u);
  analysis::Options all;
  all.selection = analysis::ExamSelection::AllExams;
  auto c = f.run(all);
  EXPECT_EQ(c.description.exams, 5u);
  EXPECT_EQ(c.description.patients, 4u);
  // P1 counts once in the tibia's patients though both exams have a tibial lesion.
  EXPECT_EQ(row(c.distribution.bones, "tibia").patients, 1u);
  EXPECT_EQ(row(c.distribution.bones, "tibia").lesions, 4u);
  analysis::Options bad;
  bad.outcome = "height";
  EXPECT_THROW(f.run(bad), std::invalid_argument);
}
