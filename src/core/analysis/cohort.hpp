#pragma once
// The cohort analysis of spec/analysis.md sections 1 to 5 as data: description, where
// disease sits, imaging against clinical outcomes, MRI against the clinic, group
// comparisons. No I/O: the CLI and the report module present it.
//
// Counting rules (analysis.md "Conventions"): a "lesion" in a distribution table is an
// involved site (the scheme's involvement item, signal, >= 1); a patient "has" a region,
// bone or unit when one of their analysed exams has an involved site there; percentages
// of patients use the number of patients analysed.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/atlas.hpp"
#include "core/exam.hpp"
#include "core/scheme.hpp"

namespace crmo::analysis {

enum class ExamSelection { FirstPerPatient, Timepoint, AllExams };

// Clinical outcomes an analysis can relate imaging to.
// clinical_severity: the given value, else crmo's default composite (clinical.md):
// pga + pain + min(symptomatic sites, 10).
const std::vector<std::string>& outcome_names();
bool is_outcome(const std::string& name);

struct Options {
  ExamSelection selection = ExamSelection::FirstPerPatient;
  std::string timepoint;                        // with ExamSelection::Timepoint
  std::string outcome = "clinical_severity";    // the main outcome (plots, terminal)
  bool r_compatible = false;                    // Spearman p exactly as R computes it
  // Several readers may have read an exam (same exam id): the analysis uses one reading
  // per exam, this reader's when given, else "consensus", else the reader sorting first
  // (followup::one_reading_per_exam).
  std::string reader;
};

// Per-exam values the analysis works on (one row of patients.csv).
struct ExamRow {
  std::string patient_id, exam_id, date, timepoint, sex;
  std::optional<double> age;
  std::vector<std::optional<double>> parameters;  // in Analysis::parameter_names order
  std::vector<std::optional<double>> outcomes;    // in Analysis::outcome_names order
  bool severity_composite = false;  // clinical_severity computed by crmo's default
  int sites_involved = 0;
  int lesion_count = 0;
  int symptomatic_sites = 0;        // clinically symptomatic sites (union of both records)
  int silent_sites = 0;             // involved sites recorded as not symptomatic
  int symptom_known_sites = 0;      // involved sites with a known symptom status
  int symptomatic_without_lesion = 0;  // symptomatic sites with no MRI lesion
};

struct Summary {  // of one numeric variable
  std::size_t n = 0;
  double median = 0, q1 = 0, q3 = 0, min = 0, max = 0, mean = 0;
};

struct Description {
  std::size_t patients = 0, exams = 0, exams_in_input = 0;
  std::size_t readings_in_input = 0;          // exam rows/documents, all readers
  std::vector<std::string> readers;           // every reader named in the input, sorted
  std::size_t lesions = 0;          // distinct lesions (lesion_count summed)
  std::size_t sites_involved = 0;   // involved sites summed
  std::optional<Summary> age;       // age at exam, of the exams with a known age
  std::size_t female = 0, male = 0, sex_unknown = 0;
  std::optional<Summary> lesions_per_patient;  // lesion_count per analysed exam
  std::size_t unifocal = 0;         // exams with exactly one lesion
  std::size_t without_lesions = 0;  // normal exams
  std::size_t severity_given = 0, severity_composite = 0, severity_missing = 0;
};

struct CountRow {
  std::string key;  // region, bone or site
  std::size_t lesions = 0;
  double lesions_pct = 0;   // of all involved sites
  std::size_t patients = 0;
  double patients_pct = 0;  // of patients analysed
};

struct BilateralRow {
  std::string bone;
  std::size_t patients_involved = 0;   // with the bone involved on any side
  std::size_t patients_bilateral = 0;  // involved on both L and R
  double pct_of_patients = 0;          // bilateral / patients analysed
  double pct_of_involved = 0;          // bilateral / patients with the bone involved
};

struct ShareRow {
  std::string key;
  std::size_t count = 0;
  double pct = 0;
};

struct Distribution {
  std::vector<CountRow> regions, bones, units;  // atlas order; units: every site
  std::size_t total_lesions = 0;                // involved sites
  std::size_t pelvis_lower_limb_lesions = 0;
  double pelvis_lower_limb_pct = 0;
  std::size_t symmetric_patients = 0;
  double symmetric_pct = 0;
  std::vector<BilateralRow> bilateral;          // paired bones only
  std::vector<ShareRow> segments;               // epiphysis, metaphysis, diaphysis (long-bone sites)
  std::size_t long_bone_lesions = 0;
  std::vector<ShareRow> physis;                 // none, abutting, transphyseal, not_recorded
};

struct Correlation {
  std::string parameter, outcome;
  std::size_t n = 0;
  std::optional<double> rs, ci_lower, ci_upper, p_value, p_holm, statistic;
  bool exact = false;
  std::string method;
  std::string note;  // why a value is missing (a constant column, too few pairs)
};

struct SilentRow {
  std::string region;
  std::size_t lesions_known = 0;  // involved sites with known symptom status
  std::size_t silent = 0;
  double silent_pct = 0;
};

struct MriVsClinic {
  std::size_t lesions_known = 0, silent = 0;  // involved sites
  double silent_pct = 0;
  std::size_t patients_with_silent = 0;
  std::size_t symptomatic_sites = 0;            // clinically symptomatic sites, all patients
  std::size_t symptomatic_without_lesion = 0;   // of those, no MRI lesion at the site
  std::vector<SilentRow> by_region;
};

struct GroupComparison {
  std::string grouping, outcome;     // e.g. "multifocal", "clinical_severity"
  std::string group_yes, group_no;   // labels, e.g. "multifocal", "unifocal"
  std::size_t n_yes = 0, n_no = 0;
  std::optional<double> median_yes, median_no, w, p_value;
  bool exact = false;
  std::string method, note;
};

struct PairedChange {
  std::string parameter;  // rai_total, lesion_count
  std::size_t n = 0;
  std::optional<double> median_first, median_second, v, p_value;
  std::string method, note;
};

struct Analysis {
  Options options;
  std::string scheme, scheme_version, parameter_scheme;
  std::vector<std::string> parameter_names;
  std::vector<std::string> outcome_names;  // outcomes correlated (main first)
  std::string selection_text;              // "first exam per patient by date", ...
  std::vector<ExamRow> rows;
  Description description;
  Distribution distribution;
  std::vector<Correlation> correlations;   // per outcome, one Holm family each
  MriVsClinic mri_vs_clinic;
  std::vector<GroupComparison> groups;
  std::vector<PairedChange> over_time;     // first vs second exam, when follow-ups exist
  std::vector<std::string> notes;          // what a reader must know (composite severity, ...)
};

// Exams must be validated (formats::load_exams does). Throws std::invalid_argument when
// the selection leaves no exam (e.g. an unknown timepoint).
Analysis analyse(const std::vector<Exam>& exams, const Atlas& atlas, const Scheme& scheme,
                 const Scheme& parameter_scheme, const Options& options);

// The value of one outcome for one exam; nullopt when missing. `composite` is set when
// clinical_severity came from crmo's default composite.
std::optional<double> outcome_value(const Exam& exam, const std::string& outcome,
                                    bool* composite = nullptr);

// Which exams the selection keeps (one reading each), ordered by patient then date.
std::vector<const Exam*> select_exams(const std::vector<Exam>& exams, const Options& options);

}  // namespace crmo::analysis
