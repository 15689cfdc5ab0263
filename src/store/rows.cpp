#include "store/rows.hpp"

#include <nlohmann/json.hpp>

#include "formats/exam_json.hpp"

namespace crmo::store::detail {

using json = nlohmann::json;

Cols::Cols(const std::vector<std::string>& names) {
  for (std::size_t i = 0; i < names.size(); ++i) index[names[i]] = i;
}

std::optional<double> Cols::number(const Row& r, const std::string& name) const {
  const auto& v = at(r, name);
  if (!v) return std::nullopt;
  return std::stod(*v);
}

std::optional<bool> Cols::flag(const Row& r, const std::string& name) const {
  const auto& v = at(r, name);
  if (!v) return std::nullopt;
  return *v != "0" && *v != "f" && *v != "false";
}

std::int64_t Cols::integer(const Row& r, const std::string& name) const { return std::stoll(at(r, name).value()); }

const char* const kGradingColumns =
    "g.site, g.grades, g.physis, g.symptomatic, g.lesion, g.max_diameter_mm, g.volume_ml, g.si_ratio";

const char* const kInsertGrading =
    "INSERT INTO site_gradings (exam_id, reader, site, position, grades, physis, symptomatic, lesion, "
    "max_diameter_mm, volume_ml, si_ratio) VALUES (:exam_id, :reader, :site, :position, :grades, :physis, "
    ":symptomatic, :lesion, :max_diameter_mm, :volume_ml, :si_ratio)";

Params clinical_params(const ClinicalMeasures& c) {
  return {{"pga", opt(c.pga)},
          {"pain", opt(c.pain)},
          {"patient_global", opt(c.patient_global)},
          {"chaq", opt(c.chaq)},
          {"esr", opt(c.esr)},
          {"crp", opt(c.crp)},
          {"clinical_severity", opt(c.clinical_severity)},
          {"fever", opt(c.fever)},
          {"normal_blood_count", opt(c.normal_blood_count)},
          {"marginal_sclerosis", opt(c.marginal_sclerosis)},
          {"biopsy", opt(c.biopsy)},
          {"symptomatic_sites", json(c.symptomatic_sites).dump()}};
}

ClinicalMeasures read_clinical(const Cols& c, const Row& r) {
  ClinicalMeasures m;
  m.pga = c.number(r, "pga");
  m.pain = c.number(r, "pain");
  m.patient_global = c.number(r, "patient_global");
  m.chaq = c.number(r, "chaq");
  m.esr = c.number(r, "esr");
  m.crp = c.number(r, "crp");
  m.clinical_severity = c.number(r, "clinical_severity");
  m.fever = c.flag(r, "fever");
  m.normal_blood_count = c.flag(r, "normal_blood_count");
  m.marginal_sclerosis = c.flag(r, "marginal_sclerosis");
  m.biopsy = c.at(r, "biopsy");
  m.symptomatic_sites = json::parse(c.text(r, "symptomatic_sites")).get<std::vector<std::string>>();
  return m;
}

SiteGrading read_grading(const Cols& c, const Row& r) {
  SiteGrading g;
  g.site = c.text(r, "site");
  g.grades = json::parse(c.text(r, "grades")).get<std::map<std::string, int>>();
  g.physis = c.at(r, "physis");
  g.symptomatic = c.flag(r, "symptomatic");
  g.lesion = c.at(r, "lesion");
  g.max_diameter_mm = c.number(r, "max_diameter_mm");
  g.volume_ml = c.number(r, "volume_ml");
  g.si_ratio = c.number(r, "si_ratio");
  return g;
}

Params grading_params(const std::string& exam_id, const std::string& reader, const SiteGrading& g,
                      std::int64_t position) {
  return {{"exam_id", exam_id},
          {"reader", reader},
          {"site", g.site},
          {"position", position},
          {"grades", json(g.grades).dump()},
          {"physis", opt(g.physis)},
          {"symptomatic", opt(g.symptomatic)},
          {"lesion", opt(g.lesion)},
          {"max_diameter_mm", opt(g.max_diameter_mm)},
          {"volume_ml", opt(g.volume_ml)},
          {"si_ratio", opt(g.si_ratio)}};
}

std::string grading_json(const SiteGrading& g) {
  Exam e;
  e.lesions.push_back(g);
  return exam_to_json(e)["lesions"][0].dump();
}

std::string gradings_json(const std::vector<SiteGrading>& gs) {
  Exam e;
  e.lesions = gs;
  return exam_to_json(e)["lesions"].dump();
}

std::string clinical_json(const ClinicalMeasures& c) {
  Exam e;
  e.clinical = c;
  auto doc = exam_to_json(e);
  return doc.contains("clinical") ? doc["clinical"].dump() : "{}";
}

ClinicalMeasures clinical_from_json(const std::string& text) {
  const json j = json::parse(text);
  ClinicalMeasures m;
  auto num = [&](const char* k, std::optional<double>& v) {
    if (j.contains(k)) v = j.at(k).get<double>();
  };
  auto flag = [&](const char* k, std::optional<bool>& v) {
    if (j.contains(k)) v = j.at(k).get<bool>();
  };
  num("pga", m.pga);
  num("pain", m.pain);
  num("patient_global", m.patient_global);
  num("chaq", m.chaq);
  num("esr", m.esr);
  num("crp", m.crp);
  num("clinical_severity", m.clinical_severity);
  flag("fever", m.fever);
  flag("normal_blood_count", m.normal_blood_count);
  flag("marginal_sclerosis", m.marginal_sclerosis);
  if (j.contains("biopsy")) m.biopsy = j.at("biopsy").get<std::string>();
  if (j.contains("symptomatic_sites")) m.symptomatic_sites = j.at("symptomatic_sites").get<std::vector<std::string>>();
  return m;
}

std::int64_t first_integer(const Rows& r, std::int64_t otherwise) {
  if (r.empty() || r.rows[0].empty() || !r.rows[0][0]) return otherwise;
  return std::stoll(*r.rows[0][0]);
}

}  // namespace crmo::store::detail
