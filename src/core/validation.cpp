#include "core/validation.hpp"

#include <cmath>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace crmo {

const std::vector<std::string>& lesion_record_fields() {
  static const std::vector<std::string> f = {"site",   "physis",          "symptomatic", "lesion",
                                             "max_diameter_mm", "volume_ml", "si_ratio"};
  return f;
}

namespace {

void check_range(std::vector<Problem>& out, const std::optional<double>& v, const char* field,
                 double lo, double hi, double step = 0) {
  if (!v) return;
  if (!std::isfinite(*v) || *v < lo || *v > hi) {
    out.push_back({-1, field, fmt::format("expected a number from {} to {}, got {}", lo, hi, *v)});
  } else if (step > 0 && std::fabs(std::round(*v / step) * step - *v) > 1e-9) {
    out.push_back({-1, field, fmt::format("expected steps of {}, got {}", step, *v)});
  }
}

void check_nonnegative(std::vector<Problem>& out, const std::optional<double>& v, const char* field) {
  if (v && (!std::isfinite(*v) || *v < 0))
    out.push_back({-1, field, fmt::format("expected a number >= 0, got {}", *v)});
}

void check_clinical(std::vector<Problem>& out, const Exam& exam, const Atlas& atlas) {
  const ClinicalMeasures& c = exam.clinical;
  check_range(out, c.pga, "clinical.pga", 0, 10, 0.5);
  check_range(out, c.pain, "clinical.pain", 0, 10);
  check_range(out, c.patient_global, "clinical.patient_global", 0, 10);
  check_range(out, c.chaq, "clinical.chaq", 0, 3);
  check_nonnegative(out, c.esr, "clinical.esr");
  check_nonnegative(out, c.crp, "clinical.crp");
  check_nonnegative(out, c.clinical_severity, "clinical.clinical_severity");
  if (c.biopsy && *c.biopsy != "not_done" && *c.biopsy != "inflammatory_sterile" && *c.biopsy != "other")
    out.push_back({-1, "clinical.biopsy",
                   "expected not_done, inflammatory_sterile or other, got '" + *c.biopsy + "'"});
  std::set<std::string> seen;
  for (std::size_t i = 0; i < c.symptomatic_sites.size(); ++i) {
    std::string err;
    const std::string field = fmt::format("clinical.symptomatic_sites[{}]", i);
    if (!atlas.parse_site(c.symptomatic_sites[i], &err)) out.push_back({-1, field, err});
    else if (!seen.insert(c.symptomatic_sites[i]).second)
      out.push_back({-1, field, "site '" + c.symptomatic_sites[i] + "' is listed twice"});
  }
}

void check_lesion(std::vector<Problem>& out, int index, const SiteGrading& g, const Atlas& atlas,
                  const Scheme& scheme) {
  std::string err;
  auto site = atlas.parse_site(g.site, &err);
  if (!site) out.push_back({index, "site", err});
  const int involvement = g.grade(scheme.involvement_item);
  for (const auto& [name, value] : g.grades) {
    const GradeItem* item = scheme.item(name);
    if (!item) {
      std::vector<std::string> known;
      for (const auto& i : scheme.items) known.push_back(i.name);
      out.push_back({index, name, fmt::format("unknown field '{}' (scheme '{}' grades: {})", name, scheme.name,
                                              fmt::join(known, ", "))});
      continue;
    }
    if (value < item->min || value > item->max) {
      out.push_back({index, name, fmt::format("grade out of range: expected {} to {}, got {}", item->min,
                                              item->max, value)});
      continue;
    }
    if (site && value != 0 && !item->applies(site->unit->kind))
      out.push_back({index, name, fmt::format("'{}' does not apply to {} unit '{}' ({} units only)", name,
                                              to_string(site->unit->kind), site->unit->id,
                                              fmt::join(kind_names(item->applies_to), ", "))});
    else if (name != scheme.involvement_item && value != 0 && involvement == 0)
      out.push_back({index, name,
                     fmt::format("non-zero grade on a site with {} 0 (no lesion): expected 0, got {}",
                                 scheme.involvement_item, value),
                     true});
  }
  if (g.physis) {
    if (*g.physis != "none" && *g.physis != "abutting" && *g.physis != "transphyseal")
      out.push_back({index, "physis", "expected none, abutting or transphyseal, got '" + *g.physis + "'"});
    else if (site && site->unit->kind != UnitKind::Long)
      out.push_back({index, "physis", "physis relation applies to long-bone units only, not '" + site->unit->id + "'"});
  }
  auto positive = [&](const std::optional<double>& v, const char* field) {
    if (v && (!std::isfinite(*v) || *v <= 0))
      out.push_back({index, field, fmt::format("expected a number > 0, got {}", *v)});
  };
  positive(g.max_diameter_mm, "max_diameter_mm");
  positive(g.volume_ml, "volume_ml");
  positive(g.si_ratio, "si_ratio");
}

}  // namespace

std::vector<Problem> validate_exam(const Exam& exam, const Atlas& atlas, const Scheme& scheme) {
  std::vector<Problem> out;
  if (exam.patient.id.empty()) out.push_back({-1, "patient.id", "required: a non-empty patient id"});
  if (exam.id.empty()) out.push_back({-1, "exam.id", "required: a non-empty exam id"});
  if (exam.patient.sex && *exam.patient.sex != "F" && *exam.patient.sex != "M")
    out.push_back({-1, "patient.sex", "expected F or M, got '" + *exam.patient.sex + "'"});
  if (exam.patient.birth_date && *exam.patient.birth_date > exam.date)
    out.push_back({-1, "patient.birth_date", "birth date " + exam.patient.birth_date->iso() +
                                                 " is after the exam date " + exam.date.iso()});
  if (exam.patient.age_years && (*exam.patient.age_years < 0 || *exam.patient.age_years > 30))
    out.push_back({-1, "patient.age_years", fmt::format("expected an age from 0 to 30 years, got {}", *exam.patient.age_years)});
  check_clinical(out, exam, atlas);
  std::set<std::string> sites;
  for (std::size_t i = 0; i < exam.lesions.size(); ++i) {
    const SiteGrading& g = exam.lesions[i];
    check_lesion(out, static_cast<int>(i), g, atlas, scheme);
    if (!sites.insert(g.site).second)
      out.push_back({static_cast<int>(i), "site", "duplicate site '" + g.site + "' in exam " + exam.id +
                                                      ": a site appears at most once per exam"});
  }
  return out;
}

std::vector<std::string> duplicate_exam_ids(const std::vector<Exam>& exams) {
  std::set<std::string> seen, dup;
  for (const Exam& e : exams)
    if (!seen.insert(e.id).second) dup.insert(e.id);
  return {dup.begin(), dup.end()};
}

}  // namespace crmo
