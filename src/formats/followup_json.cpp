#include "formats/followup_json.hpp"

namespace crmo {

using J = nlohmann::ordered_json;
using namespace crmo::followup;

namespace {
J opt(const std::optional<double>& v) { return v ? J(*v) : J(nullptr); }
}  // namespace

J pedcno_to_json(const PedcnoResult& r) {
  J j{{"status", to_string(r.status)}, {"level", r.level ? J(*r.level) : J(nullptr)}, {"missing", r.missing}};
  J levels = J::array();
  for (const auto& l : r.levels) levels.push_back({{"level", l.level}, {"status", to_string(l.status)}});
  j["levels"] = levels;
  J values = J::array();
  for (const auto& v : r.values)
    values.push_back({{"name", v.name}, {"from", opt(v.from)}, {"to", opt(v.to)}, {"improvement_pct", opt(v.improvement_pct)}});
  j["values"] = values;
  return j;
}

J change_to_json(const ExamChange& c) {
  J j{{"from", c.from}, {"to", c.to}, {"rai_change", c.rai_change}, {"lesion_count_change", c.lesion_count_change}};
  J sites = J::array();
  for (const auto& s : c.sites) {
    J x{{"site", s.site}, {"change", to_string(s.change)}, {"from_score", s.from_score}, {"to_score", s.to_score}};
    if (s.volume_change_ml) {
      x["from_volume_ml"] = opt(s.from_volume_ml);
      x["to_volume_ml"] = opt(s.to_volume_ml);
      x["volume_change_ml"] = *s.volume_change_ml;
    }
    sites.push_back(x);
  }
  j["sites"] = sites;
  j["pedcno"] = pedcno_to_json(c.pedcno);
  j["patient_id"] = c.patient_id;
  j["from_date"] = c.from_date.iso();
  j["to_date"] = c.to_date.iso();
  j["days"] = c.days;
  j["rai_from"] = c.rai_from;
  j["rai_to"] = c.rai_to;
  j["lesion_count_from"] = c.lesion_count_from;
  j["lesion_count_to"] = c.lesion_count_to;
  j["new_sites"] = c.new_sites;
  j["resolved_sites"] = c.resolved_sites;
  j["improved_sites"] = c.improved_sites;
  j["worsened_sites"] = c.worsened_sites;
  j["stable_sites"] = c.stable_sites;
  j["volume_from_ml"] = opt(c.volume_from_ml);
  j["volume_to_ml"] = opt(c.volume_to_ml);
  j["volume_change_ml"] = opt(c.volume_change_ml);
  return j;
}

J timeline_to_json(const Timeline& t) {
  J points = J::array();
  for (const auto& p : t.points)
    points.push_back({{"exam_id", p.exam_id}, {"date", p.date.iso()}, {"timepoint", p.timepoint}, {"reader", p.reader},
                      {"rai_total", p.rai_total}, {"lesion_count", p.lesion_count}, {"pga", opt(p.pga)},
                      {"clinical_severity", opt(p.clinical_severity)}, {"volume_ml", opt(p.volume_ml)}});
  J steps = J::array(), first = J::array();
  for (const auto& c : t.steps) steps.push_back(change_to_json(c));
  for (const auto& c : t.from_first) first.push_back(change_to_json(c));
  return {{"patient_id", t.patient_id}, {"exams", points}, {"changes", steps}, {"from_first", first}};
}

J test_result_to_json(const stats::TestResult& r) {
  J j{{"test", r.test}, {"method", r.method}, {"exact", r.exact}, {"n", r.n}, {"n_missing", r.n_missing},
      {"alternative", stats::to_string(r.alternative)}, {"estimate", opt(r.estimate)},
      {"statistic", opt(r.statistic)}, {"statistic_name", r.statistic_name}, {"parameter", opt(r.parameter)},
      {"p_value", r.p_value}};
  j["conf_int"] = r.conf_int ? J::array({r.conf_int->lower, r.conf_int->upper}) : J(nullptr);
  j["warnings"] = r.warnings;
  return j;
}

J cohort_followup_to_json(const CohortFollowup& c) {
  J j{{"from_timepoint", c.from_timepoint.empty() ? J("first exam") : J(c.from_timepoint)},
      {"to_timepoint", c.to_timepoint.empty() ? J("second exam") : J(c.to_timepoint)},
      {"patients_paired", c.pairs.size()},
      {"patients_without_pair", c.patients_without_pair}};
  J comps = J::array();
  for (const auto& p : c.comparisons) {
    J x{{"measure", p.measure}, {"n", p.from.size()}, {"median_from", opt(p.median_from)},
        {"median_to", opt(p.median_to)}, {"median_change", opt(p.median_change)}};
    x["wilcoxon"] = p.test ? test_result_to_json(*p.test) : J(nullptr);
    if (!p.note.empty()) x["note"] = p.note;
    comps.push_back(x);
  }
  j["paired_tests"] = comps;
  j["pedcno"] = {{"met", c.pedcno_met}, {"not_met", c.pedcno_not_met}, {"undetermined", c.pedcno_undetermined}};
  J pairs = J::array();
  for (const auto& p : c.pairs) pairs.push_back(change_to_json(p));
  j["pairs"] = pairs;
  return j;
}

}  // namespace crmo
