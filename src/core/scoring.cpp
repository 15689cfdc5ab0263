#include "core/scoring.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace crmo {

std::optional<double> ExamScore::parameter(const std::string& name) const {
  for (const auto& p : parameters)
    if (p.name == name) return p.value;
  return std::nullopt;
}

int unit_score(const SiteGrading& g, const BoneUnit& unit, const Scheme& scheme) {
  if (g.grade(scheme.involvement_item) <= 0) return 0;
  int score = 0;
  for (const ScoreTerm& term : scheme.unit_score) {
    int best = 0;
    for (const std::string& name : term.items) {
      const GradeItem* item = scheme.item(name);
      if (item && item->applies(unit.kind)) best = std::max(best, g.grade(name));
    }
    score += best;
  }
  return score;
}

namespace {

struct InvolvedSite {
  const SiteGrading* grading;
  Site site;
};

std::vector<InvolvedSite> involved_sites(const Exam& exam, const Atlas& atlas, const Scheme& scheme) {
  std::vector<InvolvedSite> out;
  for (const SiteGrading& g : exam.lesions) {
    if (g.grade(scheme.involvement_item) <= 0) continue;
    auto site = atlas.parse_site(g.site);
    if (!site) throw std::invalid_argument("exam " + exam.id + ": unknown site " + g.site);
    out.push_back({&g, *site});
  }
  return out;
}

std::optional<double> measure(const SiteGrading& g, const std::string& field) {
  if (field == "max_diameter_mm") return g.max_diameter_mm;
  if (field == "volume_ml") return g.volume_ml;
  if (field == "si_ratio") return g.si_ratio;
  throw std::invalid_argument("max_measure: unknown field '" + field + "'");
}

}  // namespace

std::optional<double> evaluate_parameter(const ParameterDef& def, const Exam& exam,
                                         const Atlas& atlas, const Scheme& scheme) {
  const auto sites = involved_sites(exam, atlas, scheme);
  const std::string& f = def.function;
  double value = 0;
  if (f == "lesion_count") {
    // Sites sharing a lesion label are one lesion; an unlabelled site is its own.
    std::set<std::string> labels;
    for (const auto& s : sites)
      if (s.grading->lesion) labels.insert(*s.grading->lesion);
      else value += 1;
    value += static_cast<double>(labels.size());
  } else if (f == "sites_involved") {
    value = static_cast<double>(sites.size());
  } else if (f == "exam_total") {
    for (const auto& s : sites) value += unit_score(*s.grading, *s.site.unit, scheme);
  } else if (f == "max_grade") {
    for (const auto& s : sites)
      for (const auto& item : def.items) value = std::max(value, double(s.grading->grade(item)));
  } else if (f == "count_sites") {
    for (const auto& s : sites)
      if (std::any_of(def.items.begin(), def.items.end(),
                      [&](const std::string& i) { return s.grading->grade(i) >= def.min; }))
        value += 1;
  } else if (f == "count_physis") {
    for (const auto& s : sites)
      if (s.grading->physis && *s.grading->physis == def.value) value += 1;
  } else if (f == "symmetric_units") {
    std::set<std::string> left, right;
    for (const auto& s : sites)
      (s.site.side == Side::L ? left : right).insert(s.site.unit->id);
    for (const auto& id : left)
      if (right.count(id) && id.size()) value += 1;
  } else if (f == "distinct_regions" || f == "distinct_bones") {
    std::set<std::string> seen;
    for (const auto& s : sites) seen.insert(f == "distinct_regions" ? s.site.unit->region : s.site.unit->bone);
    value = static_cast<double>(seen.size());
  } else if (f == "region_involved") {
    value = std::any_of(sites.begin(), sites.end(),
                        [&](const InvolvedSite& s) { return s.site.unit->region == def.value; });
  } else if (f == "max_measure") {
    std::optional<double> best;
    for (const auto& s : sites)
      if (auto m = measure(*s.grading, def.value)) best = best ? std::max(*best, *m) : *m;
    return best;
  } else {
    throw std::invalid_argument("parameter '" + def.name + "': unknown function '" + f + "'");
  }
  if (def.as_flag) value = value > 0 ? 1 : 0;
  return value;
}

ExamScore score_exam(const Exam& exam, const Atlas& atlas, const Scheme& scheme,
                     const std::vector<ParameterDef>& parameters) {
  ExamScore out;
  out.exam_id = exam.id;
  out.patient_id = exam.patient.id;
  for (const auto& s : involved_sites(exam, atlas, scheme)) {
    int score = unit_score(*s.grading, *s.site.unit, scheme);
    out.sites.push_back({s.grading->site, score});
    out.total += score;
  }
  for (const ParameterDef& def : parameters)
    out.parameters.push_back({def.name, evaluate_parameter(def, exam, atlas, scheme)});
  if (!scheme.index.empty()) {
    int total = 0;
    bool known = true;
    for (const IndexInput& input : scheme.index) {
      IndexInputResult r{input.source.name, evaluate_parameter(input.source, exam, atlas, scheme), 0};
      if (!r.value) {
        // No lesion means no measurement is needed; otherwise the index is unknown.
        if (out.sites.empty()) r.value = 0; else known = false;
      }
      if (r.value)
        for (const IndexBin& bin : input.bins)
          if (*r.value >= bin.from && (!bin.to || *r.value < *bin.to)) r.points = bin.points;
      total += r.points;
      out.index.push_back(r);
    }
    if (known) out.index_total = total;
  }
  return out;
}

}  // namespace crmo
