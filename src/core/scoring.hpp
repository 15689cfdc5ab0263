#pragma once
// Scores an exam with a scheme: unit scores, the exam total, the per-exam parameters
// and, for an index scheme, its points. Assumes a validated exam.
#include <optional>
#include <string>
#include <vector>

#include "core/atlas.hpp"
#include "core/exam.hpp"
#include "core/scheme.hpp"

namespace crmo {

struct SiteScore {
  std::string site;
  int score = 0;
};

struct ParameterValue {
  std::string name;
  std::optional<double> value;  // absent when its inputs were not recorded (max_measure)
};

struct IndexInputResult {
  std::string name;
  std::optional<double> value;
  int points = 0;
};

struct ExamScore {
  std::string exam_id, patient_id;
  int total = 0;  // sum of unit scores
  std::vector<SiteScore> sites;  // involved sites, in exam order
  std::vector<ParameterValue> parameters;
  std::vector<IndexInputResult> index;
  std::optional<int> index_total;  // absent when an index input is unknown

  std::optional<double> parameter(const std::string& name) const;
};

int unit_score(const SiteGrading& grading, const BoneUnit& unit, const Scheme& scheme);

// `parameters` lists the parameter definitions to evaluate (usually scheme.parameters).
ExamScore score_exam(const Exam& exam, const Atlas& atlas, const Scheme& scheme,
                     const std::vector<ParameterDef>& parameters);

std::optional<double> evaluate_parameter(const ParameterDef& def, const Exam& exam,
                                         const Atlas& atlas, const Scheme& scheme);

}  // namespace crmo
