#include "core/exam.hpp"

namespace crmo {

std::optional<double> Exam::age_at_exam() const {
  if (patient.birth_date) return years_between(*patient.birth_date, date);
  return patient.age_years;
}

namespace {
std::map<std::string, int> nonzero(const std::map<std::string, int>& g) {
  std::map<std::string, int> out;
  for (const auto& [k, v] : g)
    if (v != 0) out.emplace(k, v);
  return out;
}

bool same_grading(const SiteGrading& a, const SiteGrading& b) {
  return a.site == b.site && nonzero(a.grades) == nonzero(b.grades) && a.physis == b.physis &&
         a.symptomatic == b.symptomatic && a.lesion == b.lesion &&
         a.max_diameter_mm == b.max_diameter_mm && a.volume_ml == b.volume_ml &&
         a.si_ratio == b.si_ratio;
}
}  // namespace

bool same_exam(const Exam& a, const Exam& b) {
  if (a.patient.id != b.patient.id || a.patient.sex != b.patient.sex ||
      a.patient.birth_date != b.patient.birth_date || a.patient.age_years != b.patient.age_years)
    return false;
  if (a.id != b.id || a.date != b.date || a.timepoint != b.timepoint || a.reader != b.reader)
    return false;
  if (!(a.clinical == b.clinical)) return false;
  if (a.lesions.size() != b.lesions.size()) return false;
  for (std::size_t i = 0; i < a.lesions.size(); ++i)
    if (!same_grading(a.lesions[i], b.lesions[i])) return false;
  return true;
}

}  // namespace crmo
