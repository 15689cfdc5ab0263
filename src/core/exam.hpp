#pragma once
// One scored WB-MRI exam of one patient (spec/formats.md, spec/scoring.md).
// Grades are kept by item name so that a user-defined scheme can add items.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/date.hpp"

namespace crmo {

struct Patient {
  std::string id;
  std::optional<std::string> sex;  // "F" or "M"
  std::optional<Date> birth_date;
  std::optional<double> age_years;  // stands in for birth_date when that is not known
};

struct ClinicalMeasures {
  std::optional<double> pga, pain, patient_global, chaq, esr, crp, clinical_severity;
  std::optional<bool> fever, normal_blood_count, marginal_sclerosis;
  std::optional<std::string> biopsy;  // not_done, inflammatory_sterile, other
  std::vector<std::string> symptomatic_sites;
  bool operator==(const ClinicalMeasures&) const = default;
};

// What a reader grades on one site. A grade left out is 0.
struct SiteGrading {
  std::string site;                   // "unit:side"
  std::map<std::string, int> grades;  // signal, extent, soft_tissue, ... as given
  std::optional<std::string> physis;  // none, abutting, transphyseal
  std::optional<bool> symptomatic;    // absent = unknown
  std::optional<std::string> lesion;  // shared label = one lesion across sites
  std::optional<double> max_diameter_mm, volume_ml, si_ratio;

  int grade(const std::string& item) const {
    auto it = grades.find(item);
    return it == grades.end() ? 0 : it->second;
  }
};

struct Exam {
  Patient patient;
  std::string id;
  Date date;
  std::string timepoint;  // free text; empty when not given
  std::string reader;
  ClinicalMeasures clinical;
  std::vector<SiteGrading> lesions;

  // Age at this exam from birth date, else the recorded age.
  std::optional<double> age_at_exam() const;
};

// Equality that treats an omitted grade and an explicit 0 as the same (spec: grades
// left out are 0), used to check that conversions lose nothing.
bool same_exam(const Exam& a, const Exam& b);

}  // namespace crmo
