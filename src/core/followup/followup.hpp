#pragma once
// Follow-up of one patient (spec/scoring.md "Change between two exams", spec/clinical.md
// "PedCNO response"): the change table between two exams, the PedCNO response with its
// undetermined case, a patient's timeline, and the cohort's paired comparison of two
// timepoints. Pure computation; the exams are validated.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/atlas.hpp"
#include "core/exam.hpp"
#include "core/scheme.hpp"
#include "core/stats/result.hpp"

namespace crmo::followup {

enum class SiteChange { New, Resolved, Improved, Worsened, Stable };
std::string_view to_string(SiteChange change);

struct SiteChangeRow {
  std::string site;
  SiteChange change = SiteChange::Stable;
  int from_score = 0, to_score = 0;  // unit scores (0 when not involved)
  std::optional<double> from_volume_ml, to_volume_ml;  // 0 on the side where not involved
  std::optional<double> volume_change_ml;               // when both sides are known
};

// --- PedCNO -----------------------------------------------------------------------------
// One core value of the response (esr, lesion_count, pga, patient_global, chaq).
struct CoreValue {
  std::string name;
  std::optional<double> from, to;
  double min = 0;                      // range of the measure
  std::optional<double> max;           // absent: unbounded (esr, lesion count)
  std::optional<double> improvement_pct;  // (from - to) / from x 100, when both known and from > 0
};

enum class ResponseStatus { Met, NotMet, Undetermined };
std::string_view to_string(ResponseStatus status);

struct LevelResult {
  int level = 0;  // 30, 50, 70, 90
  ResponseStatus status = ResponseStatus::Undetermined;
};

struct ResponseRule {
  std::vector<int> levels = {30, 50, 70, 90};
  int min_improved = 3;          // at least this many core values improve by >= level %
  int max_worsened = 1;          // at most this many worsen by more than worsen_pct
  double worsen_pct = 30;
};

struct PedcnoResult {
  ResponseStatus status = ResponseStatus::Undetermined;
  std::optional<int> level;            // highest level met whatever the missing values are
  std::vector<std::string> missing;    // core values missing at either exam
  std::vector<LevelResult> levels;     // each level's own status
  std::vector<CoreValue> values;
};

// What a core value can still do at `level`, given what is known of it.
struct Possible {
  bool improved = false;   // improvement >= level %
  bool worsened = false;   // worsening > worsen_pct %
  bool neither = false;
};
Possible possible_outcomes(const CoreValue& v, int level, double worsen_pct);

// The response from the core values (in any number; PedCNO has five).
PedcnoResult pedcno_response(const std::vector<CoreValue>& values, const ResponseRule& rule = {});

// The five core values of two exams: esr, lesion_count (MRI), pga, patient_global, chaq.
std::vector<CoreValue> pedcno_core_values(const Exam& baseline, const Exam& follow_up,
                                          const Atlas& atlas, const Scheme& scheme);

// --- Change table ----------------------------------------------------------------------
struct ExamChange {
  std::string patient_id, from, to;
  Date from_date, to_date;
  long days = 0;
  int rai_from = 0, rai_to = 0, rai_change = 0;
  int lesion_count_from = 0, lesion_count_to = 0, lesion_count_change = 0;
  int new_sites = 0, resolved_sites = 0, improved_sites = 0, worsened_sites = 0, stable_sites = 0;
  std::optional<double> volume_from_ml, volume_to_ml, volume_change_ml;  // when both exams have volumes
  std::vector<SiteChangeRow> sites;  // atlas order; sites involved in either exam
  PedcnoResult pedcno;
};

// `a` is the earlier exam (by date); the scheme gives unit scores and the total.
ExamChange compare_exams(const Exam& a, const Exam& b, const Atlas& atlas, const Scheme& scheme);

// Total lesion volume: the sum over involved sites when every involved site has a
// volume (0 for an exam without lesions); absent otherwise.
std::optional<double> exam_volume_ml(const Exam& exam, const Scheme& scheme);
int lesion_count(const Exam& exam, const Atlas& atlas, const Scheme& scheme);
int rai_total(const Exam& exam, const Atlas& atlas, const Scheme& scheme);

// --- Timeline --------------------------------------------------------------------------
struct TimelinePoint {
  std::string exam_id, timepoint, reader;
  Date date;
  int rai_total = 0, lesion_count = 0;
  std::optional<double> pga, clinical_severity, volume_ml;
};

struct Timeline {
  std::string patient_id;
  std::vector<TimelinePoint> points;   // by date
  std::vector<ExamChange> steps;       // each exam against the one before
  std::vector<ExamChange> from_first;  // each later exam against the first
};

// One reading per exam: the reading by `reader` when given; otherwise the one by
// "consensus" if any, else the reading whose reader sorts first ("consensus-pending",
// an unfinished consensus, only when it is the exam's only reading).
std::vector<const Exam*> one_reading_per_exam(const std::vector<Exam>& exams, const std::string& reader = "");

// The patient's exams (one reading each) by date. Throws std::invalid_argument when the
// patient has no exam.
Timeline patient_timeline(const std::vector<Exam>& exams, const std::string& patient_id,
                          const Atlas& atlas, const Scheme& scheme, const std::string& reader = "");

std::vector<std::string> patient_ids(const std::vector<Exam>& exams);

// --- Cohort ----------------------------------------------------------------------------
struct PairedComparison {
  std::string measure;  // "rai_total" or "lesion_count"
  std::vector<double> from, to;
  std::optional<stats::TestResult> test;  // paired Wilcoxon signed-rank; absent with a reason
  std::string note;
  std::optional<double> median_from, median_to, median_change;
};

struct CohortFollowup {
  std::string from_timepoint, to_timepoint;  // empty: first and second exam
  std::vector<ExamChange> pairs;             // one per patient with both
  std::vector<std::string> patients_without_pair;
  std::vector<PairedComparison> comparisons;  // rai_total, lesion_count
  int pedcno_met = 0, pedcno_not_met = 0, pedcno_undetermined = 0;
};

// Per patient, the exam at `from_timepoint` against the exam at `to_timepoint` (timepoint
// labels); with empty labels the first exam against the second.
CohortFollowup cohort_followup(const std::vector<Exam>& exams, const Atlas& atlas, const Scheme& scheme,
                               const std::string& from_timepoint = "", const std::string& to_timepoint = "",
                               const std::string& reader = "");

}  // namespace crmo::followup
