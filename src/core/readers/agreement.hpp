#pragma once
// Agreement between readers (spec/analysis.md section 6, docs/readers.md): per bone
// category the free-marginal multirater kappa for abnormal signal (yes/no) and for the
// signal grade; Cohen's kappas (unweighted, linear, quadratic) for each pair of readers;
// Fleiss' kappa; the ICC of RAI-CROMRIS totals; Bland-Altman limits of the totals.
//
// The rated items are every site of the atlas on every exam that all chosen readers read
// (a site a reader did not record is graded 0, as the exam format says), so that a
// normal site both readers left normal counts as agreement, as in the CROMRIS reliability
// study. Readings named "consensus" or "consensus-pending" are not readers.
#include <optional>
#include <string>
#include <vector>

#include "core/atlas.hpp"
#include "core/exam.hpp"
#include "core/scheme.hpp"
#include "core/stats/icc.hpp"
#include "core/stats/kappa.hpp"

namespace crmo::readers {

struct AgreementOptions {
  std::vector<std::string> readers;  // empty: every reader in the input
  std::string grade_item = "signal";  // the graded item whose agreement is reported
};

// A kappa, or why there is none (e.g. every rating the same: kappa is undefined).
struct KappaCell {
  std::optional<stats::KappaResult> value;
  std::string note;
};

struct CategoryAgreement {
  std::string category;  // atlas bone ("tibia"), or "all sites"
  std::size_t items = 0;  // exams x sites
  std::size_t abnormal_items = 0;  // items some reader rated abnormal
  KappaCell abnormal, grade;  // free-marginal multirater kappa
};

struct PairAgreement {
  std::string reader_a, reader_b;
  KappaCell abnormal;                            // unweighted, abnormal yes/no
  KappaCell grade_unweighted, grade_linear, grade_quadratic;
};

struct BlandAltman {
  std::string reader_a, reader_b;
  std::vector<double> mean, difference;  // per exam: (a + b) / 2 and b - a
  std::optional<double> bias, sd, lower, upper;  // bias +- 1.96 sd (sd needs 2 exams)
};

struct AgreementReport {
  std::vector<std::string> readers;
  std::string grade_item;
  int grade_categories = 0;                  // k of the grade kappa
  std::size_t exams_in_input = 0;
  std::vector<std::string> exam_ids;         // exams read by every reader, used
  std::vector<std::string> exams_left_out;   // not read by every reader
  std::vector<std::vector<double>> totals;   // [exam][reader]: RAI-CROMRIS totals
  std::vector<CategoryAgreement> categories;  // per atlas bone with sites, then "all sites"
  std::vector<PairAgreement> pairs;
  KappaCell fleiss_abnormal, fleiss_grade;
  std::optional<stats::IccResult> icc;
  std::string icc_note;
  std::vector<BlandAltman> bland_altman;  // one per pair of readers
  std::vector<std::string> notes;
};

// Throws std::invalid_argument when fewer than two readers are chosen or found, a chosen
// reader is not in the input, or no exam was read by every chosen reader.
AgreementReport agreement_report(const std::vector<Exam>& readings, const Atlas& atlas, const Scheme& scheme,
                                 const AgreementOptions& options = {});

// True when some exam has readings by two or more readers (consensus excluded).
bool has_second_readings(const std::vector<Exam>& readings);

}  // namespace crmo::readers
