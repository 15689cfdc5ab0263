#include "formats/exam_json.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "core/validation.hpp"
#include "formats/json_fields.hpp"

namespace crmo {

namespace {

std::optional<Date> date_field(JsonFields& f, const std::string& key, bool required) {
  auto text = f.text(key, required);
  if (!text) return std::nullopt;
  auto d = parse_date(*text);
  if (!d) f.problem(key, "bad date '" + *text + "': expected an ISO 8601 calendar date YYYY-MM-DD");
  return d;
}

void read_clinical(JsonFields& c, ClinicalMeasures& m) {
  m.pga = c.number("pga");
  m.pain = c.number("pain");
  m.patient_global = c.number("patient_global");
  m.chaq = c.number("chaq");
  m.esr = c.number("esr");
  m.crp = c.number("crp");
  m.clinical_severity = c.number("clinical_severity");
  m.fever = c.boolean("fever");
  m.normal_blood_count = c.boolean("normal_blood_count");
  m.marginal_sclerosis = c.boolean("marginal_sclerosis");
  m.biopsy = c.text("biopsy");
  if (const auto* s = c.raw("symptomatic_sites")) {
    if (!s->is_array()) c.problem("symptomatic_sites", "expected a list of sites (unit:side)");
    else
      for (std::size_t i = 0; i < s->size(); ++i) {
        if ((*s)[i].is_string()) m.symptomatic_sites.push_back((*s)[i].get<std::string>());
        else c.problem(fmt::format("symptomatic_sites[{}]", i), "expected a site as text (unit:side), got " + json_type_name((*s)[i]));
      }
  }
  c.reject_unknown("pga, pain, patient_global, chaq, esr, crp, clinical_severity, fever, normal_blood_count, marginal_sclerosis, biopsy, symptomatic_sites");
}

SiteGrading read_lesion(JsonFields& f, const Scheme& scheme, std::vector<InputProblem>& problems,
                        const std::string& where) {
  SiteGrading g;
  g.site = f.text("site", true).value_or("");
  g.physis = f.text("physis");
  g.symptomatic = f.boolean("symptomatic");
  g.lesion = f.text("lesion");
  g.max_diameter_mm = f.number("max_diameter_mm");
  g.volume_ml = f.number("volume_ml");
  g.si_ratio = f.number("si_ratio");
  for (const auto& item : scheme.items)
    if (auto v = f.integer(item.name)) g.grades[item.name] = *v;
  // Remaining fields are unknown: report them with the scheme's grade items listed.
  std::string expected = "site";
  for (const auto& item : scheme.items) expected += ", " + item.name;
  expected += ", physis, symptomatic, lesion, max_diameter_mm, volume_ml, si_ratio";
  f.reject_unknown(expected);
  (void)problems;
  (void)where;
  return g;
}

}  // namespace

Exam read_exam_json(std::string_view text, const std::string& source, const Atlas& atlas,
                    const Scheme& scheme) {
  const auto doc = parse_json_text(text, source);
  std::vector<InputProblem> problems;
  const std::string where = source + ": ";
  JsonFields top(doc, where, "$", problems);
  Exam exam;
  top.expect_format("crmo.exam/1");

  const auto* patient = top.raw("patient");
  if (!patient) top.problem("patient", "required field missing: expected an object with id");
  else {
    JsonFields p(*patient, where, "$.patient", problems);
    exam.patient.id = p.text("id", true).value_or("");
    exam.patient.sex = p.text("sex");
    exam.patient.birth_date = date_field(p, "birth_date", false);
    exam.patient.age_years = p.number("age_years");
    p.reject_unknown("id, sex, birth_date, age_years");
  }
  bool date_ok = false;
  std::set<int> unreadable, no_involvement;  // follow-on problems of these are not reported
  const auto* ex = top.raw("exam");
  if (!ex) top.problem("exam", "required field missing: expected an object with id and date");
  else {
    JsonFields e(*ex, where, "$.exam", problems);
    exam.id = e.text("id", true).value_or("");
    if (auto d = date_field(e, "date", true)) { exam.date = *d; date_ok = true; }
    exam.timepoint = e.text("timepoint").value_or("");
    exam.reader = e.text("reader").value_or("");
    e.reject_unknown("id, date, timepoint, reader");
  }
  if (const auto* c = top.raw("clinical")) {
    JsonFields cf(*c, where, "$.clinical", problems);
    read_clinical(cf, exam.clinical);
  }
  const auto* lesions = top.raw("lesions");
  if (!lesions) top.problem("lesions", "required field missing: expected a list (empty for a normal exam)");
  else if (!lesions->is_array()) top.problem("lesions", "expected a list of site records, got " + json_type_name(*lesions));
  else
    for (std::size_t i = 0; i < lesions->size(); ++i) {
      std::size_t before = problems.size();
      JsonFields f((*lesions)[i], where, fmt::format("$.lesions[{}]", i), problems);
      exam.lesions.push_back(read_lesion(f, scheme, problems, where));
      if (!f.is_object()) unreadable.insert(static_cast<int>(i));
      const std::string involvement_place = f.place(scheme.involvement_item);
      for (std::size_t k = before; k < problems.size(); ++k)
        if (problems[k].place == involvement_place) no_involvement.insert(static_cast<int>(i));
    }
  top.reject_unknown("format, patient, exam, clinical, lesions");

  // Semantic checks once the structure is known.
  for (const Problem& p : validate_exam(exam, atlas, scheme)) {
    if (!date_ok && p.field == "patient.birth_date") continue;
    if (unreadable.count(p.lesion) || (p.needs_involvement && no_involvement.count(p.lesion))) continue;
    std::string path = p.lesion >= 0 ? fmt::format("$.lesions[{}].{}", p.lesion, p.field) : "$." + p.field;
    if (p.field == "exam.id" || p.field == "patient.id") {
      bool already = false;
      for (const auto& q : problems) already |= q.place == where + path;
      if (already) continue;
    }
    problems.push_back({where + path, p.message});
  }
  throw_if_any(std::move(problems));
  return exam;
}

std::vector<std::string> grade_output_order(const std::map<std::string, int>& grades) {
  static const std::vector<std::string> usual = {"signal", "extent", "soft_tissue", "periosteal", "expansion", "collapse"};
  std::vector<std::string> out;
  for (const auto& k : usual)
    if (grades.count(k)) out.push_back(k);
  for (const auto& [k, v] : grades)
    if (std::find(usual.begin(), usual.end(), k) == usual.end()) out.push_back(k);
  return out;
}

nlohmann::ordered_json exam_to_json(const Exam& exam) {
  using J = nlohmann::ordered_json;
  J patient{{"id", exam.patient.id}};
  if (exam.patient.sex) patient["sex"] = *exam.patient.sex;
  if (exam.patient.birth_date) patient["birth_date"] = exam.patient.birth_date->iso();
  if (exam.patient.age_years) patient["age_years"] = *exam.patient.age_years;
  J e{{"id", exam.id}, {"date", exam.date.iso()}};
  if (!exam.timepoint.empty()) e["timepoint"] = exam.timepoint;
  if (!exam.reader.empty()) e["reader"] = exam.reader;
  J doc{{"format", "crmo.exam/1"}, {"patient", patient}, {"exam", e}};
  const ClinicalMeasures& c = exam.clinical;
  J clinical = J::object();
  auto num = [&](const char* k, const std::optional<double>& v) { if (v) clinical[k] = *v; };
  auto flag = [&](const char* k, const std::optional<bool>& v) { if (v) clinical[k] = *v; };
  num("pga", c.pga);
  num("pain", c.pain);
  num("patient_global", c.patient_global);
  num("chaq", c.chaq);
  num("esr", c.esr);
  num("crp", c.crp);
  flag("fever", c.fever);
  flag("normal_blood_count", c.normal_blood_count);
  flag("marginal_sclerosis", c.marginal_sclerosis);
  if (c.biopsy) clinical["biopsy"] = *c.biopsy;
  num("clinical_severity", c.clinical_severity);
  if (!c.symptomatic_sites.empty()) clinical["symptomatic_sites"] = c.symptomatic_sites;
  if (!clinical.empty()) doc["clinical"] = clinical;
  J lesions = J::array();
  for (const SiteGrading& g : exam.lesions) {
    J l{{"site", g.site}};
    for (const auto& k : grade_output_order(g.grades)) l[k] = g.grades.at(k);
    if (g.physis) l["physis"] = *g.physis;
    if (g.symptomatic) l["symptomatic"] = *g.symptomatic;
    if (g.lesion) l["lesion"] = *g.lesion;
    if (g.max_diameter_mm) l["max_diameter_mm"] = *g.max_diameter_mm;
    if (g.volume_ml) l["volume_ml"] = *g.volume_ml;
    if (g.si_ratio) l["si_ratio"] = *g.si_ratio;
    lesions.push_back(l);
  }
  doc["lesions"] = lesions;
  return doc;
}

std::string write_exam_json(const Exam& exam) { return exam_to_json(exam).dump(2) + "\n"; }

}  // namespace crmo
