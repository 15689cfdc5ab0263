// Follow-up: the change table of spec/scoring.md (every category), the PedCNO response of
// spec/clinical.md (every status, including undetermined and "holds whatever the missing
// value is"), timelines, and the cohort's paired Wilcoxon checked against R live.
// Unit scores (rai-cromris): signal + extent + max(soft_tissue, periosteal) + expansion
// (collapse on vertebrae); worked out by hand in the comments.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/followup/followup.hpp"
#include "formats/followup_json.hpp"
#include "test_util.hpp"

using namespace crmo;
using namespace crmo::followup;
using namespace crmo::testing;

namespace {

const SiteChangeRow* row(const ExamChange& c, const std::string& site) {
  for (const auto& r : c.sites)
    if (r.site == site) return &r;
  return nullptr;
}

// A: tibia 2+3=5, femur 1+1=2, t7 1+2=3, fibula 1+1=2 -> 12, 4 lesions.
// B: tibia 1+1=2 (improved), femur 2+3+1=6 (worsened), t7 3 (stable), fibula gone
//    (resolved), clavicle 1+1=2 (new) -> 13, 4 lesions.
Exam exam_a() {
  return exam("P1", "P1-1", "2021-03-14",
              {site("tibia.distal_metaphysis:L", 2, 3, {}, 4.0), site("femur.distal_metaphysis:R", 1, 1, {}, 1.5),
               site("spine.t7:M", 1, 2, {}, 0.5), site("fibula.diaphysis:L", 1, 1, {}, 0.25)});
}
Exam exam_b() {
  return exam("P1", "P1-2", "2021-09-20",
              {site("tibia.distal_metaphysis:L", 1, 1, {}, 1.0), site("femur.distal_metaphysis:R", 2, 3, {{"soft_tissue", 1}}, 3.0),
               site("spine.t7:M", 1, 2, {}, 0.5), site("clavicle.medial:R", 1, 1, {}, 0.75)});
}

}  // namespace

TEST(ChangeTable, EveryCategory) {
  auto c = compare_exams(exam_a(), exam_b(), default_atlas(), rai_scheme());
  EXPECT_EQ(c.rai_from, 12);
  EXPECT_EQ(c.rai_to, 13);
  EXPECT_EQ(c.rai_change, 1);
  EXPECT_EQ(c.lesion_count_from, 4);
  EXPECT_EQ(c.lesion_count_to, 4);
  EXPECT_EQ(c.lesion_count_change, 0);
  EXPECT_EQ(c.days, 190);  // 2021-03-14 -> 2021-09-20
  ASSERT_EQ(c.sites.size(), 5u);
  EXPECT_EQ(row(c, "tibia.distal_metaphysis:L")->change, SiteChange::Improved);
  EXPECT_EQ(row(c, "tibia.distal_metaphysis:L")->from_score, 5);
  EXPECT_EQ(row(c, "tibia.distal_metaphysis:L")->to_score, 2);
  EXPECT_EQ(row(c, "femur.distal_metaphysis:R")->change, SiteChange::Worsened);
  EXPECT_EQ(row(c, "femur.distal_metaphysis:R")->to_score, 6);
  EXPECT_EQ(row(c, "spine.t7:M")->change, SiteChange::Stable);
  EXPECT_EQ(row(c, "fibula.diaphysis:L")->change, SiteChange::Resolved);
  EXPECT_EQ(row(c, "fibula.diaphysis:L")->to_score, 0);
  EXPECT_EQ(row(c, "clavicle.medial:R")->change, SiteChange::New);
  EXPECT_EQ(row(c, "clavicle.medial:R")->from_score, 0);
  EXPECT_EQ(c.new_sites, 1);
  EXPECT_EQ(c.resolved_sites, 1);
  EXPECT_EQ(c.improved_sites, 1);
  EXPECT_EQ(c.worsened_sites, 1);
  EXPECT_EQ(c.stable_sites, 1);
  // Volumes: 6.25 mL -> 5.25 mL; per site, a new site grows from 0.
  ASSERT_TRUE(c.volume_change_ml.has_value());
  EXPECT_DOUBLE_EQ(*c.volume_from_ml, 6.25);
  EXPECT_DOUBLE_EQ(*c.volume_to_ml, 5.25);
  EXPECT_DOUBLE_EQ(*c.volume_change_ml, -1.0);
  EXPECT_DOUBLE_EQ(*row(c, "tibia.distal_metaphysis:L")->volume_change_ml, -3.0);
  EXPECT_DOUBLE_EQ(*row(c, "clavicle.medial:R")->volume_change_ml, 0.75);
  EXPECT_DOUBLE_EQ(*row(c, "fibula.diaphysis:L")->volume_change_ml, -0.25);
  // Atlas order: clavicle (shoulder) before spine before femur, tibia, fibula.
  std::vector<std::string> order;
  for (const auto& r : c.sites) order.push_back(r.site);
  EXPECT_EQ(order, (std::vector<std::string>{"clavicle.medial:R", "spine.t7:M", "femur.distal_metaphysis:R",
                                             "tibia.distal_metaphysis:L", "fibula.diaphysis:L"}));
}

TEST(ChangeTable, VolumeOnlyWhereMeasured) {
  Exam a = exam_a(), b = exam_b();
  b.lesions[1].volume_ml.reset();  // femur not measured at follow-up
  auto c = compare_exams(a, b, default_atlas(), rai_scheme());
  EXPECT_FALSE(c.volume_change_ml.has_value());
  EXPECT_FALSE(c.volume_to_ml.has_value());
  EXPECT_FALSE(row(c, "femur.distal_metaphysis:R")->volume_change_ml.has_value());
  EXPECT_TRUE(row(c, "tibia.distal_metaphysis:L")->volume_change_ml.has_value());
  // The JSON leaves per-site volumes out where not measured and keeps the spec's keys.
  auto j = change_to_json(c);
  EXPECT_EQ(j["from"], "P1-1");
  EXPECT_EQ(j["to"], "P1-2");
  EXPECT_EQ(j["rai_change"], 1);
  EXPECT_EQ(j["lesion_count_change"], 0);
  EXPECT_TRUE(j["volume_change_ml"].is_null());
  for (const auto& s : j["sites"])
    if (s["site"] == "femur.distal_metaphysis:R") {
      EXPECT_FALSE(s.contains("volume_change_ml"));
    }
}

TEST(ChangeTable, LesionLabelsMergeSitesAndNormalExams) {
  // A lesion crossing metaphysis and epiphysis counts once; an exam without lesions has
  // total 0, volume 0 and every earlier site resolved.
  Exam a = exam("P2", "P2-1", "2020-01-01",
                {site("tibia.distal_metaphysis:L", 2, 2), site("tibia.distal_epiphysis:L", 1, 1)});
  a.lesions[0].lesion = "a";
  a.lesions[1].lesion = "a";
  Exam b = exam("P2", "P2-2", "2020-07-01", {});
  auto c = compare_exams(a, b, default_atlas(), rai_scheme());
  EXPECT_EQ(c.lesion_count_from, 1);
  EXPECT_EQ(c.lesion_count_to, 0);
  EXPECT_EQ(c.rai_from, 6);
  EXPECT_EQ(c.rai_to, 0);
  EXPECT_EQ(c.resolved_sites, 2);
  EXPECT_EQ(c.new_sites + c.improved_sites + c.worsened_sites + c.stable_sites, 0);
  EXPECT_FALSE(c.volume_from_ml.has_value());  // involved sites without volume
  EXPECT_DOUBLE_EQ(*exam_volume_ml(b, rai_scheme()), 0.0);
}

// --- PedCNO --------------------------------------------------------------------------

namespace {
CoreValue v(const std::string& name, std::optional<double> from, std::optional<double> to,
            std::optional<double> max = std::nullopt) {
  return {name, from, to, 0, max, std::nullopt};
}
std::vector<CoreValue> core(std::optional<double> esr0, std::optional<double> esr1, double l0, double l1,
                            std::optional<double> pga0, std::optional<double> pga1, std::optional<double> pg0,
                            std::optional<double> pg1, std::optional<double> chaq0, std::optional<double> chaq1) {
  return {v("esr", esr0, esr1), v("lesion_count", l0, l1), v("pga", pga0, pga1, 10.0),
          v("patient_global", pg0, pg1, 10.0), v("chaq", chaq0, chaq1, 3.0)};
}
ResponseStatus level_status(const PedcnoResult& r, int level) {
  for (const auto& l : r.levels)
    if (l.level == level) return l.status;
  ADD_FAILURE() << "no level " << level;
  return ResponseStatus::Undetermined;
}
}  // namespace

TEST(Pedcno, CompleteMet50) {
  // esr 40 -> 18 (55 %), pga 6 -> 3 (50 %), patient global 5 -> 2 (60 %), chaq 10 %,
  // lesions unchanged: 3 of 5 improve >= 50 %, none >= 70 %, none worsens.
  auto r = pedcno_response(core(40, 18, 4, 4, 6, 3, 5, 2, 1, 0.9));
  EXPECT_EQ(r.status, ResponseStatus::Met);
  EXPECT_EQ(r.level, 50);
  EXPECT_TRUE(r.missing.empty());
  EXPECT_EQ(level_status(r, 30), ResponseStatus::Met);
  EXPECT_EQ(level_status(r, 50), ResponseStatus::Met);
  EXPECT_EQ(level_status(r, 70), ResponseStatus::NotMet);
  EXPECT_EQ(level_status(r, 90), ResponseStatus::NotMet);
  EXPECT_NEAR(*r.values[0].improvement_pct, 55.0, 1e-12);
}

TEST(Pedcno, ExactThirtyPercentCountsAsImproved) {
  // 10 -> 7 is exactly 30 %: ">= 30 %" holds despite floating point.
  auto r = pedcno_response(core(10, 7, 10, 7, 10, 7, 0, 0, 0, 0));
  EXPECT_EQ(r.level, 30);
}

TEST(Pedcno, UndeterminedNamesTheMissing) {
  // Two known values improve >= 50 %; ESR at follow-up is missing and decides PedCNO30.
  auto r = pedcno_response(core(30, std::nullopt, 4, 4, 6, 3, 5, 2, 1, 1));
  EXPECT_EQ(r.status, ResponseStatus::Undetermined);
  EXPECT_FALSE(r.level.has_value());
  EXPECT_EQ(r.missing, std::vector<std::string>{"esr"});
  EXPECT_EQ(level_status(r, 30), ResponseStatus::Undetermined);
  EXPECT_EQ(level_status(r, 70), ResponseStatus::NotMet);  // 50 % and 60 % are below 70 %
  auto j = pedcno_to_json(r);
  EXPECT_EQ(j["status"], "undetermined");
  EXPECT_TRUE(j["level"].is_null());
  EXPECT_EQ(j["missing"][0], "esr");
}

TEST(Pedcno, HoldsWhateverTheMissingValueIs) {
  // The spec's example: 4 known values all improve >= 70 % (80, 80, 75, 70 %): PedCNO70
  // holds whatever CHAQ does; PedCNO90 cannot hold (only CHAQ could reach 90 %).
  auto r = pedcno_response(core(50, 10, 5, 1, 8, 2, 10, 3, std::nullopt, std::nullopt));
  EXPECT_EQ(r.status, ResponseStatus::Met);
  EXPECT_EQ(r.level, 70);
  EXPECT_EQ(r.missing, std::vector<std::string>{"chaq"});
  EXPECT_EQ(level_status(r, 70), ResponseStatus::Met);
  EXPECT_EQ(level_status(r, 90), ResponseStatus::NotMet);
}

TEST(Pedcno, MissingValueThatCouldWorsenMakesItUndetermined) {
  // pga, patient global, chaq improve >= 50 %; lesions 2 -> 4 worsen; ESR at follow-up
  // unknown could worsen too (at most 1 may): undetermined at every level it could meet.
  auto r = pedcno_response(core(20, std::nullopt, 2, 4, 6, 1, 6, 1, 2, 0.5));
  EXPECT_EQ(r.status, ResponseStatus::Undetermined);
  EXPECT_EQ(level_status(r, 30), ResponseStatus::Undetermined);
  EXPECT_EQ(r.missing, std::vector<std::string>{"esr"});
}

TEST(Pedcno, TwoWorsenedIsNotMet) {
  // 3 improve by >= 75 %, but ESR 10 -> 20 and lesions 2 -> 4 both worsen > 30 %.
  auto r = pedcno_response(core(10, 20, 2, 4, 6, 1, 6, 1, 2, 0.5));
  EXPECT_EQ(r.status, ResponseStatus::NotMet);
  EXPECT_FALSE(r.level.has_value());
  for (int l : {30, 50, 70, 90}) EXPECT_EQ(level_status(r, l), ResponseStatus::NotMet);
}

TEST(Pedcno, WorseningOfExactlyThirtyPercentIsAllowed) {
  // "more than 30 %": ESR and lesions 10 -> 13 (exactly 30 %) are not worsenings.
  auto r = pedcno_response(core(10, 13, 10, 13, 6, 1, 6, 1, 2, 0.5));
  EXPECT_EQ(r.status, ResponseStatus::Met);
  EXPECT_EQ(r.level, 70);  // 83 %, 83 %, 75 %
}

TEST(Pedcno, BoundedScaleLimitsWhatMissingBaselineCanDo) {
  // PGA at baseline unknown, 10 at follow-up: on a 0-10 scale it cannot have improved, so
  // with only 2 other values able to improve nothing can be met: not met, not undetermined.
  auto r = pedcno_response(core(40, 4, 4, 4, std::nullopt, 10, 5, 0.5, 1, 1));
  EXPECT_EQ(r.status, ResponseStatus::NotMet);
  EXPECT_EQ(r.missing, std::vector<std::string>{"pga"});
}

TEST(Pedcno, FromExamsUsesMriLesionCount) {
  Exam a = exam_a(), b = exam_b();
  a.clinical.esr = 40, b.clinical.esr = 10;
  a.clinical.pga = 6, b.clinical.pga = 1;
  a.clinical.patient_global = 8, b.clinical.patient_global = 2;
  // chaq missing at both; lesion count 4 -> 4.
  auto c = compare_exams(a, b, default_atlas(), rai_scheme());
  EXPECT_EQ(c.pedcno.status, ResponseStatus::Met);
  EXPECT_EQ(c.pedcno.level, 70);  // 75 %, 83 %, 75 %
  EXPECT_EQ(c.pedcno.missing, std::vector<std::string>{"chaq"});
  EXPECT_EQ(c.pedcno.values[1].name, "lesion_count");
  EXPECT_EQ(*c.pedcno.values[1].from, 4);
}

// --- Timeline and readings ---------------------------------------------------------------

TEST(Timeline, OrderedStepsAndConsensusReading) {
  Exam a = exam_a(), b = exam_b();
  Exam b2 = b;  // a second reader's reading of P1-2, and the consensus
  b2.reader = "R2";
  b2.lesions.pop_back();
  Exam bc = b;
  bc.reader = "consensus";
  bc.lesions[0] = site("tibia.distal_metaphysis:L", 1, 2);  // 3
  Exam other = exam("P9", "P9-1", "2019-01-01", {});
  std::vector<Exam> all = {b2, bc, other, b, a};
  auto t = patient_timeline(all, "P1", default_atlas(), rai_scheme());
  ASSERT_EQ(t.points.size(), 2u);
  EXPECT_EQ(t.points[0].exam_id, "P1-1");
  EXPECT_EQ(t.points[1].exam_id, "P1-2");
  EXPECT_EQ(t.points[1].reader, "consensus");
  EXPECT_EQ(t.points[1].rai_total, 14);  // 3 + 6 + 3 + 2
  ASSERT_EQ(t.steps.size(), 1u);
  EXPECT_EQ(t.steps[0].rai_change, 2);
  // A chosen reader: R2 read only P1-2.
  auto t2 = patient_timeline(all, "P1", default_atlas(), rai_scheme(), "R2");
  ASSERT_EQ(t2.points.size(), 1u);
  EXPECT_EQ(t2.points[0].rai_total, 11);
  EXPECT_THROW(patient_timeline(all, "P404", default_atlas(), rai_scheme()), std::invalid_argument);
}

TEST(Timeline, PendingConsensusIsNeverPreferred) {
  Exam z = exam_b();
  z.reader = "zed";
  Exam p = exam_b();
  p.reader = "consensus-pending";
  p.lesions.clear();
  auto chosen = one_reading_per_exam({p, z});
  ASSERT_EQ(chosen.size(), 1u);
  EXPECT_EQ(chosen[0]->reader, "zed");
  EXPECT_EQ(one_reading_per_exam({p})[0]->reader, "consensus-pending");  // the only reading
}

TEST(Timeline, ThreeExamsStepsAndFromFirst) {
  Exam e1 = exam("P3", "P3-1", "2020-01-01", {site("femur.diaphysis:L", 2, 3)});                 // 5
  Exam e2 = exam("P3", "P3-2", "2020-06-01", {site("femur.diaphysis:L", 1, 2)});                 // 3
  Exam e3 = exam("P3", "P3-3", "2021-01-01", {site("femur.diaphysis:L", 1, 1), site("ilium:R", 1, 1)});  // 4
  auto t = patient_timeline({e3, e1, e2}, "P3", default_atlas(), rai_scheme());
  ASSERT_EQ(t.steps.size(), 2u);
  EXPECT_EQ(t.steps[0].rai_change, -2);
  EXPECT_EQ(t.steps[1].rai_change, 1);
  EXPECT_EQ(t.steps[1].new_sites, 1);
  ASSERT_EQ(t.from_first.size(), 2u);
  EXPECT_EQ(t.from_first[1].rai_change, -1);
  EXPECT_EQ(t.from_first[1].lesion_count_change, 1);
}

// --- Cohort: paired Wilcoxon against R -------------------------------------------------

namespace {
// Patient i: baseline signal/extent on one or two sites, follow-up lower or higher. The
// totals are signal + extent summed, worked out here independently of crmo's scoring.
struct PairSpec {
  int s0, e0, s1, e1;
  bool second_site;  // a second site 1+1 at baseline only (resolved)
};
const std::vector<PairSpec> kPairs = {
    {2, 3, 1, 1, true}, {2, 2, 2, 2, false}, {1, 3, 1, 1, true},  {2, 3, 2, 3, true},  {1, 1, 2, 2, false},
    {2, 2, 1, 2, true}, {2, 1, 1, 1, false}, {1, 2, 0, 0, true},  {2, 3, 1, 2, false}, {2, 2, 2, 3, true},
    {1, 1, 1, 1, true}, {2, 3, 0, 0, false}, {1, 2, 2, 1, true},  {2, 2, 1, 1, false},
};
std::vector<Exam> paired_cohort(std::vector<double>& rai0, std::vector<double>& rai1, std::vector<double>& n0,
                                std::vector<double>& n1) {
  std::vector<Exam> out;
  for (std::size_t i = 0; i < kPairs.size(); ++i) {
    const auto& p = kPairs[i];
    const std::string pid = "C" + std::to_string(i + 1);
    std::vector<SiteGrading> l0 = {site("tibia.distal_metaphysis:R", p.s0, p.e0)};
    if (p.second_site) l0.push_back(site("clavicle.medial:L", 1, 1));
    std::vector<SiteGrading> l1;
    if (p.s1 > 0) l1.push_back(site("tibia.distal_metaphysis:R", p.s1, p.e1));
    Exam a = exam(pid, pid + "-1", "2020-01-10", l0), b = exam(pid, pid + "-2", "2020-07-10", l1);
    a.timepoint = "baseline";
    b.timepoint = "6m";
    out.push_back(b);
    out.push_back(a);
    rai0.push_back(p.s0 + p.e0 + (p.second_site ? 2 : 0));
    rai1.push_back(p.s1 + p.e1);
    n0.push_back(p.second_site ? 2 : 1);
    n1.push_back(p.s1 > 0 ? 1 : 0);
  }
  out.push_back(exam("C99", "C99-1", "2020-01-10", {}));  // no follow-up
  return out;
}
}  // namespace

TEST(CohortFollowup, PairsAndPedcnoCounts) {
  std::vector<double> r0, r1, n0, n1;
  auto exams = paired_cohort(r0, r1, n0, n1);
  auto c = cohort_followup(exams, default_atlas(), rai_scheme(), "baseline", "6m");
  ASSERT_EQ(c.pairs.size(), kPairs.size());
  EXPECT_EQ(c.patients_without_pair, std::vector<std::string>{"C99"});
  ASSERT_EQ(c.comparisons.size(), 2u);
  EXPECT_EQ(c.comparisons[0].from, r0);
  EXPECT_EQ(c.comparisons[0].to, r1);
  EXPECT_EQ(c.comparisons[1].from, n0);
  EXPECT_EQ(c.comparisons[1].to, n1);
  // Clinical values missing everywhere: only the lesion count is known, so PedCNO is
  // undetermined wherever the lesion count could join 2 unknown improvements, never met.
  EXPECT_EQ(c.pedcno_met, 0);
  EXPECT_EQ(c.pedcno_met + c.pedcno_not_met + c.pedcno_undetermined, static_cast<int>(kPairs.size()));
  // Default (no labels): first against second exam gives the same pairs.
  auto d = cohort_followup(exams, default_atlas(), rai_scheme());
  EXPECT_EQ(d.comparisons[0].from, r0);
}

TEST(CohortFollowup, WilcoxonAgreesWithRLive) {
  if (!have_rscript()) GTEST_SKIP() << "Rscript not installed";
  std::vector<double> r0, r1, n0, n1;
  auto exams = paired_cohort(r0, r1, n0, n1);
  auto c = cohort_followup(exams, default_atlas(), rai_scheme(), "baseline", "6m");
  for (const auto& pc : c.comparisons) {
    ASSERT_TRUE(pc.test.has_value()) << pc.note;
    // R call: t <- suppressWarnings(wilcox.test(from, to, paired = TRUE)); V, p, and
    // median(from), median(to), median(to - from).
    const std::string script = "x <- " + r_vector(pc.from) + "; y <- " + r_vector(pc.to) +
                               "\nt <- suppressWarnings(wilcox.test(x, y, paired = TRUE))\n"
                               "cat(format(c(t$statistic, t$p.value, median(x), median(y), median(y - x)), digits = 17), sep = '\\n')\n";
    auto r = run_r(script);
    ASSERT_EQ(r.size(), 5u);
    EXPECT_NEAR(*pc.test->statistic, r[0], 1e-9) << pc.measure;
    EXPECT_NEAR(pc.test->p_value, r[1], std::max(1e-12, 1e-4 * r[1])) << pc.measure;
    EXPECT_DOUBLE_EQ(*pc.median_from, r[2]);
    EXPECT_DOUBLE_EQ(*pc.median_to, r[3]);
    EXPECT_DOUBLE_EQ(*pc.median_change, r[4]);
  }
}
