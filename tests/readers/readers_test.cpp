// Readers: blinded reading, consensus of two readings with disagreements for
// adjudication, loading several readings per exam, and the agreement report
// (spec/analysis.md section 6) checked against R live: psych::cohen.kappa, psych::ICC,
// and Fleiss' and the free-marginal kappa written out in base R (the R code is below).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "core/readers/agreement.hpp"
#include "core/readers/consensus.hpp"
#include "core/readers/readings.hpp"
#include "formats/input_error.hpp"
#include "formats/readings_source.hpp"
#include "../followup/test_util.hpp"

using namespace crmo;
using namespace crmo::readers;
using namespace crmo::testing;
namespace fs = std::filesystem;

namespace {

const SiteGrading* find(const Exam& e, const std::string& key) {
  for (const auto& g : e.lesions)
    if (g.site == key) return &g;
  return nullptr;
}

std::vector<Exam> three_readings() {
  Exam a1 = exam("P1", "P1-1", "2021-01-01", {site("femur.diaphysis:L", 2, 2)}, "R1");
  a1.clinical.pga = 6;
  Exam a2 = exam("P1", "P1-1", "2021-01-01", {site("femur.diaphysis:L", 1, 1), site("ilium:R", 1, 1)}, "R2");
  a2.clinical.pga = 6;
  Exam b1 = exam("P1", "P1-2", "2021-07-01", {site("femur.diaphysis:L", 1, 1)}, "R1");
  b1.clinical.pga = 2;
  return {a1, a2, b1};
}

}  // namespace

// --- blinded reading -------------------------------------------------------------------

TEST(Blinded, OwnReadingOnlyNoPriorExamsNoClinical) {
  auto all = three_readings();
  Exam v = blinded_view(all, "P1-1", "R2");
  EXPECT_EQ(v.reader, "R2");
  ASSERT_EQ(v.lesions.size(), 2u);  // R2's own, not R1's
  EXPECT_EQ(find(v, "femur.diaphysis:L")->grade("signal"), 1);
  EXPECT_FALSE(v.clinical.pga.has_value());
  // R2 has not read P1-2: nothing of R1's reading, nor of P1-1, shows.
  Exam w = blinded_view(all, "P1-2", "R2");
  EXPECT_EQ(w.id, "P1-2");
  EXPECT_TRUE(w.lesions.empty());
  EXPECT_FALSE(w.clinical.pga.has_value());
  // With clinical measures shown (an option), still no other reading.
  Exam c = blinded_view(all, "P1-2", "R2", {.hide_clinical = false});
  EXPECT_EQ(c.clinical.pga, 2);
  EXPECT_TRUE(c.lesions.empty());
  EXPECT_THROW(blinded_view(all, "P404", "R2"), std::invalid_argument);
}

TEST(Blinded, WorklistHasOnlyUnreadExams) {
  auto all = three_readings();
  auto list = blinded_worklist(all, "R2");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].id, "P1-2");
  EXPECT_TRUE(list[0].lesions.empty());
  EXPECT_TRUE(blinded_worklist(all, "R1").empty());
  EXPECT_EQ(blinded_worklist(all, "R3").size(), 2u);
}

TEST(Readings, GroupingAndChecks) {
  auto all = three_readings();
  auto groups = group_readings(all);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].readings.size(), 2u);
  EXPECT_EQ(groups[0].by("R2"), &all[1]);
  EXPECT_EQ(groups[1].by("R2"), nullptr);
  EXPECT_TRUE(check_readings(all).empty());
  all.push_back(all[0]);                     // R1 reads P1-1 twice
  all.back().date = *parse_date("2021-01-02");  // ... and dates it differently
  auto problems = check_readings(all);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("two readings"), std::string::npos);
  EXPECT_NE(problems[1].find("2021-01-02"), std::string::npos);
}

// --- consensus -----------------------------------------------------------------------

namespace {
Exam reading_a() {
  Exam a = exam("P5", "P5-1", "2022-02-02",
                {site("tibia.distal_metaphysis:L", 2, 3), site("tibia.distal_epiphysis:L", 1, 1),
                 site("femur.diaphysis:R", 1, 1), site("spine.t7:M", 1, 2)},
                "R1");
  a.lesions[0].lesion = "a";
  a.lesions[1].lesion = "a";
  a.clinical.pga = 5;
  return a;
}
// Same tibia lesion under another label; femur graded higher; no t7; an extra ilium.
Exam reading_b() {
  Exam b = exam("P5", "P5-1", "2022-02-02",
                {site("tibia.distal_metaphysis:L", 2, 3), site("tibia.distal_epiphysis:L", 1, 1),
                 site("femur.diaphysis:R", 2, 1), site("ilium:L", 1, 1)},
                "R2");
  b.lesions[0].lesion = "x";
  b.lesions[1].lesion = "x";
  b.clinical.pga = 5;
  return b;
}
const Disagreement* disagreement(const ConsensusResult& r, const std::string& site) {
  for (const auto& d : r.disagreements)
    if (d.site == site) return &d;
  return nullptr;
}
}  // namespace

TEST(Consensus, AgreedSitesTakenDisagreementsListed) {
  auto r = build_consensus(reading_a(), reading_b(), default_atlas(), rai_scheme());
  EXPECT_EQ(r.sites_agreed, 2);  // the tibia lesion: same grades, same grouping
  EXPECT_EQ(r.sites_pending, 3);
  EXPECT_FALSE(r.complete());
  EXPECT_EQ(r.consensus.reader, kPendingReader);
  ASSERT_EQ(r.consensus.lesions.size(), 2u);
  EXPECT_EQ(r.consensus.lesions[0].lesion, "a");
  ASSERT_EQ(r.disagreements.size(), 3u);
  const auto* femur = disagreement(r, "femur.diaphysis:R");
  ASSERT_NE(femur, nullptr);
  ASSERT_EQ(femur->fields.size(), 1u);
  EXPECT_EQ(femur->fields[0].field, "signal");
  EXPECT_EQ(femur->fields[0].a, "1");
  EXPECT_EQ(femur->fields[0].b, "2");
  EXPECT_EQ(femur->a_score, 2);
  EXPECT_EQ(femur->b_score, 3);
  const auto* t7 = disagreement(r, "spine.t7:M");
  ASSERT_NE(t7, nullptr);
  EXPECT_TRUE(t7->a.has_value());
  EXPECT_FALSE(t7->b.has_value());
  EXPECT_EQ(t7->b_score, 0);
  ASSERT_NE(disagreement(r, "ilium:L"), nullptr);
  // Atlas order: spine, then pelvis (ilium), then femur.
  EXPECT_EQ(r.disagreements[0].site, "spine.t7:M");
  EXPECT_EQ(r.disagreements[1].site, "ilium:L");
}

TEST(Consensus, RuleHigherResolvesWhereScoresDiffer) {
  auto r = build_consensus(reading_a(), reading_b(), default_atlas(), rai_scheme(), {}, Rule::Higher);
  EXPECT_TRUE(r.complete());
  EXPECT_EQ(r.consensus.reader, kConsensusReader);
  EXPECT_EQ(r.consensus.lesions.size(), 5u);
  EXPECT_EQ(find(r.consensus, "femur.diaphysis:R")->grade("signal"), 2);
  EXPECT_NE(find(r.consensus, "spine.t7:M"), nullptr);
  EXPECT_NE(find(r.consensus, "ilium:L"), nullptr);
  auto lower = build_consensus(reading_a(), reading_b(), default_atlas(), rai_scheme(), {}, Rule::Lower);
  EXPECT_EQ(lower.consensus.lesions.size(), 3u);  // t7 and ilium dropped, femur from a
  EXPECT_EQ(find(lower.consensus, "femur.diaphysis:R")->grade("signal"), 1);
}

TEST(Consensus, AdjudicationDecisions) {
  std::map<std::string, Decision> decisions = {{"spine.t7:M", {"normal", std::nullopt}},
                                               {"femur.diaphysis:R", {"a", std::nullopt}},
                                               {"ilium:L", {"grading", site("ilium:L", 2, 2)}}};
  auto r = build_consensus(reading_a(), reading_b(), default_atlas(), rai_scheme(), decisions);
  EXPECT_TRUE(r.complete());
  EXPECT_EQ(r.sites_resolved, 3);
  EXPECT_EQ(find(r.consensus, "spine.t7:M"), nullptr);
  EXPECT_EQ(find(r.consensus, "femur.diaphysis:R")->grade("signal"), 1);
  EXPECT_EQ(find(r.consensus, "ilium:L")->grade("extent"), 2);
  for (const auto& d : r.disagreements) EXPECT_FALSE(d.resolution.empty()) << d.site;
  // A decision where the readers agree is a mistake, not silently ignored.
  decisions["tibia.distal_metaphysis:L"] = {"a", std::nullopt};
  EXPECT_THROW(build_consensus(reading_a(), reading_b(), default_atlas(), rai_scheme(), decisions),
               std::invalid_argument);
  // An adjudicated grading must be valid (collapse is for vertebrae only).
  std::map<std::string, Decision> bad = {{"ilium:L", {"grading", site("ilium:L", 1, 1, {{"collapse", 1}})}}};
  EXPECT_THROW(build_consensus(reading_a(), reading_b(), default_atlas(), rai_scheme(), bad), std::invalid_argument);
}

TEST(Consensus, LesionGroupingAndClinicalDisagreements) {
  Exam a = reading_a(), b = reading_b();
  b.lesions[1].lesion.reset();  // R2 sees two lesions where R1 sees one
  b.clinical.pga = 6;
  auto r = build_consensus(a, b, default_atlas(), rai_scheme());
  EXPECT_EQ(r.sites_agreed, 0);
  const auto* met = disagreement(r, "tibia.distal_metaphysis:L");
  ASSERT_NE(met, nullptr);
  EXPECT_EQ(met->fields[0].field, "lesion");
  const auto* clin = disagreement(r, "clinical");
  ASSERT_NE(clin, nullptr);
  EXPECT_EQ(clin->fields[0].field, "clinical.pga");
  EXPECT_FALSE(r.consensus.clinical.pga.has_value());  // never a guess
  EXPECT_THROW(build_consensus(a, exam("P5", "P5-2", "2022-02-02", {}), default_atlas(), rai_scheme()),
               std::invalid_argument);
}

// --- loading readings ------------------------------------------------------------------

namespace {
struct Folder {
  fs::path dir = fs::temp_directory_path() / ("crmo_readers_" + std::to_string(std::random_device{}()));
  Folder() { fs::create_directories(dir); }
  ~Folder() { fs::remove_all(dir); }
  void write(const std::string& name, const std::string& text) const {
    fs::create_directories((dir / name).parent_path());
    std::ofstream(dir / name) << text;
  }
};
}  // namespace

TEST(LoadReadings, CohortFolderWithReaderColumns) {
  Folder f;
  f.write("exams.csv", "patient_id,exam_id,exam_date,reader,pga\nP1,P1-1,2021-01-01,R1,5\nP1,P1-1,2021-01-01,R2,5\n"
                       "P2,P2-1,2021-02-01,R1,3\n");
  f.write("lesions.csv", "exam_id,reader,site,signal,extent\nP1-1,R1,femur.diaphysis:L,2,2\n"
                         "P1-1,R2,femur.diaphysis:L,1,1\nP1-1,R2,ilium:R,1,1\nP2-1,R1,tibia.diaphysis:R,1,1\n");
  auto all = load_readings(f.dir, default_atlas(), rai_scheme());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, "P1-1");
  EXPECT_EQ(all[0].reader, "R1");
  EXPECT_EQ(all[0].lesions.size(), 1u);
  EXPECT_EQ(all[1].reader, "R2");
  EXPECT_EQ(all[1].lesions.size(), 2u);
  EXPECT_EQ(all[2].id, "P2-1");
}

TEST(LoadReadings, CohortFolderErrorsNameOriginalLines) {
  Folder f;
  f.write("exams.csv", "patient_id,exam_id,exam_date,reader\nP1,P1-1,2021-01-01,R1\nP1,P1-1,2021-01-01,R2\n");
  f.write("lesions.csv", "exam_id,reader,site,signal,extent\nP1-1,R1,femur.diaphysis:L,2,2\n"
                         "P1-1,R2,femur.diaphysis:L,7,1\nP1-1,R3,ilium:R,1,1\n");
  try {
    load_readings(f.dir, default_atlas(), rai_scheme());
    ADD_FAILURE() << "expected InputError";
  } catch (const InputError& e) {
    std::string all;
    for (const auto& p : e.problems()) all += p.place + ": " + p.message + "\n";
    EXPECT_NE(all.find((f.dir / "lesions.csv").string() + " line 4, column reader"), std::string::npos) << all;
  }
  // Without the R3 row, the bad grade is reported at its own line of lesions.csv.
  f.write("lesions.csv", "exam_id,reader,site,signal,extent\nP1-1,R1,femur.diaphysis:L,2,2\n"
                         "P1-1,R2,femur.diaphysis:L,7,1\n");
  try {
    load_readings(f.dir, default_atlas(), rai_scheme());
    ADD_FAILURE() << "expected InputError";
  } catch (const InputError& e) {
    std::string all;
    for (const auto& p : e.problems()) all += p.place + ": " + p.message + "\n";
    EXPECT_NE(all.find((f.dir / "lesions.csv").string() + " line 3, column signal"), std::string::npos) << all;
    EXPECT_EQ(all.find("crmo-readings-"), std::string::npos) << all;  // no temporary paths
  }
  // Several readings but no reader column in lesions.csv: which reading a row is, is unknown.
  f.write("lesions.csv", "exam_id,site,signal,extent\nP1-1,femur.diaphysis:L,2,2\n");
  EXPECT_THROW(load_readings(f.dir, default_atlas(), rai_scheme()), InputError);
}

TEST(LoadReadings, DocumentFolderPerReader) {
  Folder f;
  auto doc = [](const std::string& reader, const std::string& lesions) {
    return R"({"format": "crmo.exam/1", "patient": {"id": "P1"}, "exam": {"id": "P1-1", "date": "2021-01-01", "reader": ")" +
           reader + R"("}, "lesions": [)" + lesions + "]}";
  };
  f.write("R1/P1-1.json", doc("R1", R"({"site": "femur.diaphysis:L", "signal": 2, "extent": 2})"));
  f.write("R2/P1-1.json", doc("R2", ""));
  auto all = load_readings(f.dir, default_atlas(), rai_scheme());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_TRUE(has_second_readings(all));
  f.write("R2/again.json", doc("R2", ""));
  EXPECT_THROW(load_readings(f.dir, default_atlas(), rai_scheme()), InputError);
}

// --- agreement against R ---------------------------------------------------------------

namespace {

// Readings of `exams` exams by 3 readers: a true grading per exam, each reader changing a
// grade by one step now and then and sometimes seeing a site the others do not.
std::vector<Exam> simulated_readings(unsigned seed, int exams) {
  std::mt19937 rng(seed);
  auto u = [&] { return std::uniform_real_distribution<double>(0, 1)(rng); };
  const std::vector<std::string> pool = {"femur.distal_metaphysis:L", "femur.distal_metaphysis:R", "tibia.diaphysis:L",
                                         "clavicle.medial:R", "spine.t7:M", "ilium:L", "calcaneus:R", "humerus.diaphysis:L"};
  std::vector<Exam> out;
  for (int i = 0; i < exams; ++i) {
    std::map<std::string, int> truth;
    for (const auto& s : pool)
      if (u() < 0.35) truth[s] = u() < 0.5 ? 1 : 2;
    for (const char* reader : {"R1", "R2", "R3"}) {
      std::vector<SiteGrading> lesions;
      for (const auto& s : pool) {
        int g = truth.count(s) ? truth[s] : 0;
        double x = u();
        if (g > 0 && x < 0.2) g += u() < 0.5 ? -1 : 1;
        else if (g == 0 && x < 0.08) g = 1;
        g = std::clamp(g, 0, 2);
        if (g > 0) lesions.push_back(site(s, g, g == 2 && u() < 0.5 ? 2 : 1));
      }
      out.push_back(exam("S" + std::to_string(i), "S" + std::to_string(i) + "-1", "2022-01-01", lesions, reader));
    }
  }
  return out;
}

}  // namespace

TEST(Agreement, ThreeReadersAgainstRLive) {
  if (!have_rscript()) GTEST_SKIP() << "Rscript not installed";
  auto readings = simulated_readings(20260407u, 15);
  auto rep = agreement_report(readings, default_atlas(), rai_scheme());
  ASSERT_EQ(rep.readers, (std::vector<std::string>{"R1", "R2", "R3"}));
  ASSERT_EQ(rep.exam_ids.size(), 15u);
  EXPECT_EQ(rep.grade_categories, 3);

  // The rating table, built here from the readings (not from the report): one row per
  // exam x atlas site, the signal grade of each reader (0 where not recorded).
  const fs::path csv = fs::temp_directory_path() / "crmo_agreement_ratings.csv";
  const fs::path totals_csv = fs::temp_directory_path() / "crmo_agreement_totals.csv";
  {
    std::ofstream out(csv);
    out << "bone,r1,r2,r3\n";
    std::ofstream tot(totals_csv);
    tot << "r1,r2,r3\n";
    for (int i = 0; i < 15; ++i) {
      const Exam* rs[3] = {&readings[3 * i], &readings[3 * i + 1], &readings[3 * i + 2]};
      for (const Site& s : default_atlas().sites()) {
        out << s.unit->bone;
        for (const Exam* e : rs) {
          const SiteGrading* g = find(*e, s.key());
          out << "," << (g ? g->grade("signal") : 0);
        }
        out << "\n";
      }
      for (int k = 0; k < 3; ++k) {
        int total = 0;  // signal + extent: no other item is graded here
        for (const auto& g : rs[k]->lesions) total += g.grade("signal") + g.grade("extent");
        tot << (k ? "," : "") << total;
      }
      tot << "\n";
    }
  }
  const std::string script = "suppressMessages(library(psych))\n"
      "d <- read.csv('" + csv.string() + "'); tt <- read.csv('" + totals_csv.string() + "')\n"
      // Free-marginal multirater kappa (Randolph 2005), base R.
      "fm <- function(x, k) { m <- ncol(x); P <- apply(x, 1, function(r) (sum(table(r)^2) - m) / (m * (m - 1)));"
      " (mean(P) - 1/k) / (1 - 1/k) }\n"
      // Fleiss' kappa (Fleiss 1971), base R.
      "fl <- function(x) { m <- ncol(x); cats <- sort(unique(as.vector(x)));"
      " n <- t(apply(x, 1, function(r) sapply(cats, function(c) sum(r == c))));"
      " P <- (rowSums(n^2) - m) / (m * (m - 1)); p <- colSums(n) / (nrow(x) * m);"
      " (mean(P) - sum(p^2)) / (1 - sum(p^2)) }\n"
      "x <- as.matrix(d[, 2:4]); a <- (x > 0) * 1\n"
      "out <- c()\n"
      "for (b in unique(d$bone)) { s <- d$bone == b; out <- c(out, fm(a[s, , drop = FALSE], 2), fm(x[s, , drop = FALSE], 3)) }\n"
      "out <- c(out, fm(a, 2), fm(x, 3), fl(a), fl(x))\n"
      "for (p in list(c(1, 2), c(1, 3), c(2, 3))) {\n"
      // psych 2.2.9 takes the weights as a matrix: linear 1 - |i - j| / (k - 1), quadratic
      // 1 - (i - j)^2 / (k - 1)^2 (its default), k the categories either reader used.
      "  k <- length(unique(as.vector(x[, p])))\n"
      "  ca <- suppressWarnings(cohen.kappa(a[, p])); cg <- suppressWarnings(cohen.kappa(x[, p]))\n"
      "  cl <- suppressWarnings(cohen.kappa(x[, p], w = 1 - abs(outer(1:k, 1:k, '-')) / (k - 1)))\n"
      "  cq <- suppressWarnings(cohen.kappa(x[, p], w = 1 - outer(1:k, 1:k, '-')^2 / (k - 1)^2))\n"
      "  out <- c(out, ca$kappa, cg$kappa, cl$weighted.kappa, cq$weighted.kappa) }\n"
      "ic <- suppressWarnings(ICC(as.matrix(tt), lmer = FALSE))$results\n"
      "out <- c(out, ic$ICC, ic$F, ic$p, ic$`lower bound`, ic$`upper bound`)\n"
      "for (p in list(c(1, 2), c(1, 3), c(2, 3))) { dd <- tt[, p[2]] - tt[, p[1]];"
      " out <- c(out, mean(dd), sd(dd), mean(dd) - 1.96 * sd(dd), mean(dd) + 1.96 * sd(dd)) }\n"
      "cat(format(out, digits = 17), sep = '\\n')\n";
  auto r = run_r(script);
  fs::remove(csv);
  fs::remove(totals_csv);
  std::size_t at = 0;
  auto next = [&] { return at < r.size() ? r[at++] : NAN; };
  auto near = [](double got, double want, const std::string& what) {
    EXPECT_NEAR(got, want, 1e-9 * std::max(1.0, std::fabs(want))) << what;
  };
  ASSERT_EQ(rep.categories.back().category, "all sites");
  for (std::size_t c = 0; c + 1 < rep.categories.size(); ++c) {
    const auto& cat = rep.categories[c];
    ASSERT_TRUE(cat.abnormal.value && cat.grade.value) << cat.category << cat.abnormal.note;
    near(cat.abnormal.value->kappa, next(), cat.category + " free-marginal abnormal");
    near(cat.grade.value->kappa, next(), cat.category + " free-marginal grade");
  }
  near(rep.categories.back().abnormal.value->kappa, next(), "all free-marginal abnormal");
  near(rep.categories.back().grade.value->kappa, next(), "all free-marginal grade");
  near(rep.fleiss_abnormal.value->kappa, next(), "Fleiss abnormal");
  near(rep.fleiss_grade.value->kappa, next(), "Fleiss grade");
  ASSERT_EQ(rep.pairs.size(), 3u);
  for (const auto& p : rep.pairs) {
    const std::string who = p.reader_a + "-" + p.reader_b;
    near(p.abnormal.value->kappa, next(), who + " Cohen abnormal");
    near(p.grade_unweighted.value->kappa, next(), who + " Cohen grade");
    near(p.grade_linear.value->kappa, next(), who + " linear");
    near(p.grade_quadratic.value->kappa, next(), who + " quadratic");
  }
  ASSERT_TRUE(rep.icc.has_value()) << rep.icc_note;
  std::vector<double> want(30);
  for (auto& w : want) w = next();
  for (std::size_t f = 0; f < 6; ++f) {
    const auto& form = rep.icc->forms[f];
    near(form.icc, want[f], form.type + " ICC");
    near(form.f, want[6 + f], form.type + " F");
    EXPECT_NEAR(form.p_value, want[12 + f], std::max(1e-12, 1e-4 * want[12 + f])) << form.type;
    near(form.conf_int.lower, want[18 + f], form.type + " lower");
    near(form.conf_int.upper, want[24 + f], form.type + " upper");
  }
  ASSERT_EQ(rep.bland_altman.size(), 3u);
  for (const auto& ba : rep.bland_altman) {
    near(*ba.bias, next(), "BA bias");
    near(*ba.sd, next(), "BA sd");
    near(*ba.lower, next(), "BA lower");
    near(*ba.upper, next(), "BA upper");
  }
  EXPECT_EQ(at, r.size());
}

TEST(Agreement, ReadersChosenAndUndefinedKappaExplained) {
  auto readings = simulated_readings(7u, 4);
  EXPECT_THROW(agreement_report(readings, default_atlas(), rai_scheme(), {{"R1"}, "signal"}), std::invalid_argument);
  EXPECT_THROW(agreement_report(readings, default_atlas(), rai_scheme(), {{"R1", "R9"}, "signal"}), std::invalid_argument);
  auto two = agreement_report(readings, default_atlas(), rai_scheme(), {{"R1", "R2"}, "signal"});
  EXPECT_EQ(two.pairs.size(), 1u);
  // Skull is never graded: every rating 0, so Fleiss-type kappas are undefined there but
  // the free-marginal kappa is 1 (perfect agreement on "normal").
  for (const auto& c : two.categories)
    if (c.category == "skull") {
      ASSERT_TRUE(c.abnormal.value.has_value());
      EXPECT_DOUBLE_EQ(c.abnormal.value->kappa, 1.0);
    }
  // A reading missing for one exam leaves that exam out, and says so.
  readings.pop_back();  // R3's reading of the last exam
  auto rep = agreement_report(readings, default_atlas(), rai_scheme());
  EXPECT_EQ(rep.exam_ids.size(), 3u);
  EXPECT_EQ(rep.exams_left_out.size(), 1u);
  // Consensus readings are not a reader.
  Exam c = readings[0];
  c.reader = kConsensusReader;
  readings.push_back(c);
  EXPECT_EQ(agreement_report(readings, default_atlas(), rai_scheme()).readers.size(), 3u);
}
