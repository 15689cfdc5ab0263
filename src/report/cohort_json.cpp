#include "report/cohort_json.hpp"

namespace crmo::report {

namespace {

using json = nlohmann::ordered_json;

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json summary(const std::optional<analysis::Summary>& s) {
  if (!s) return nullptr;
  return json{{"n", s->n}, {"median", s->median}, {"q1", s->q1}, {"q3", s->q3},
              {"min", s->min}, {"max", s->max}, {"mean", s->mean}};
}

json count_rows(const std::vector<analysis::CountRow>& rows, const char* key) {
  json out = json::array();
  for (const auto& r : rows)
    out.push_back(json{{key, r.key}, {"lesions", r.lesions}, {"lesions_pct", r.lesions_pct},
                       {"patients", r.patients}, {"patients_pct", r.patients_pct}});
  return out;
}

json shares(const std::vector<analysis::ShareRow>& rows, const char* key) {
  json out = json::array();
  for (const auto& r : rows) out.push_back(json{{key, r.key}, {"lesions", r.count}, {"lesions_pct", r.pct}});
  return out;
}

}  // namespace

json cohort_to_json(const analysis::Analysis& a, const std::vector<CohortSection>& sections) {
  json j;
  j["format"] = "crmo.cohort/1";
  j["scheme"] = a.scheme;
  j["scheme_version"] = a.scheme_version;
  j["parameter_scheme"] = a.parameter_scheme;
  j["selection"] = a.selection_text;
  j["outcome"] = a.options.outcome;
  j["reader"] = a.options.reader.empty() ? json(nullptr) : json(a.options.reader);
  const auto& d = a.description;
  j["description"] = json{
      {"patients", d.patients},
      {"exams", d.exams},
      {"exams_in_input", d.exams_in_input},
      {"readings_in_input", d.readings_in_input},
      {"readers", d.readers},
      {"lesions", d.lesions},
      {"sites_involved", d.sites_involved},
      {"age", summary(d.age)},
      {"sex", json{{"F", d.female}, {"M", d.male}, {"unknown", d.sex_unknown}}},
      {"female_pct", d.patients ? 100.0 * static_cast<double>(d.female) / static_cast<double>(d.patients) : 0.0},
      {"lesions_per_patient", summary(d.lesions_per_patient)},
      {"unifocal", d.unifocal},
      {"unifocal_pct", d.exams ? 100.0 * static_cast<double>(d.unifocal) / static_cast<double>(d.exams) : 0.0},
      {"without_lesions", d.without_lesions},
      {"clinical_severity_source", json{{"given", d.severity_given}, {"crmo_default_composite", d.severity_composite},
                                        {"missing", d.severity_missing}}}};
  const auto& dist = a.distribution;
  json bil = json::array();
  for (const auto& b : dist.bilateral)
    bil.push_back(json{{"bone", b.bone}, {"patients_involved", b.patients_involved},
                       {"patients_bilateral", b.patients_bilateral}, {"pct_of_patients", b.pct_of_patients},
                       {"pct_of_involved", b.pct_of_involved}});
  j["distribution"] = json{
      {"lesions", dist.total_lesions},
      {"regions", count_rows(dist.regions, "region")},
      {"bones", count_rows(dist.bones, "bone")},
      {"units", count_rows(dist.units, "site")},
      {"pelvis_lower_limb", json{{"lesions", dist.pelvis_lower_limb_lesions}, {"lesions_pct", dist.pelvis_lower_limb_pct}}},
      {"symmetric", json{{"patients", dist.symmetric_patients}, {"patients_pct", dist.symmetric_pct}}},
      {"bilateral_bones", bil},
      {"long_bone_lesions", dist.long_bone_lesions},
      {"segments", shares(dist.segments, "segment")},
      {"physis", shares(dist.physis, "relation")}};
  json corr = json::array();
  for (const auto& c : a.correlations) {
    json cj{{"parameter", c.parameter}, {"outcome", c.outcome}, {"n", c.n}, {"rs", opt(c.rs)},
            {"conf_int", c.ci_lower ? json::array({*c.ci_lower, *c.ci_upper}) : json(nullptr)},
            {"p_value", opt(c.p_value)}, {"p_holm", opt(c.p_holm)}, {"statistic", opt(c.statistic)},
            {"exact", c.exact}, {"method", c.method}};
    if (!c.note.empty()) cj["note"] = c.note;
    corr.push_back(std::move(cj));
  }
  j["correlations"] = corr;
  const auto& m = a.mri_vs_clinic;
  json by_region = json::array();
  for (const auto& r : m.by_region)
    by_region.push_back(json{{"region", r.region}, {"lesions_known", r.lesions_known}, {"silent", r.silent},
                             {"silent_pct", r.silent_pct}});
  j["mri_vs_clinic"] = json{{"lesions_known", m.lesions_known}, {"silent", m.silent}, {"silent_pct", m.silent_pct},
                            {"patients_with_silent", m.patients_with_silent},
                            {"symptomatic_sites", m.symptomatic_sites},
                            {"symptomatic_without_lesion", m.symptomatic_without_lesion},
                            {"by_region", by_region}};
  json groups = json::array();
  for (const auto& g : a.groups) {
    json gj{{"grouping", g.grouping}, {"outcome", g.outcome}, {"group_yes", g.group_yes}, {"group_no", g.group_no},
            {"n_yes", g.n_yes}, {"n_no", g.n_no}, {"median_yes", opt(g.median_yes)}, {"median_no", opt(g.median_no)},
            {"w", opt(g.w)}, {"p_value", opt(g.p_value)}, {"exact", g.exact}, {"method", g.method}};
    if (!g.note.empty()) gj["note"] = g.note;
    groups.push_back(std::move(gj));
  }
  j["groups"] = groups;
  json ot = json::array();
  for (const auto& p : a.over_time) {
    json pj{{"parameter", p.parameter}, {"n", p.n}, {"median_first", opt(p.median_first)},
            {"median_second", opt(p.median_second)}, {"v", opt(p.v)}, {"p_value", opt(p.p_value)},
            {"method", p.method}};
    if (!p.note.empty()) pj["note"] = p.note;
    ot.push_back(std::move(pj));
  }
  j["over_time"] = ot;
  for (const auto& s : sections) j[s.id] = s.json;
  j["notes"] = a.notes;
  return j;
}

}  // namespace crmo::report
