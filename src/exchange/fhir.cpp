#include "exchange/fhir.hpp"

#include <cmath>

#include <fmt/format.h>
#include <sodium.h>

namespace crmo::exchange {

namespace {

using J = nlohmann::ordered_json;

constexpr const char* kLoinc = "http://loinc.org";
constexpr const char* kSnomed = "http://snomed.info/sct";
constexpr const char* kUcum = "http://unitsofmeasure.org";
constexpr const char* kDicom = "http://dicom.nema.org/resources/ontology/DCM";

J coding(const std::string& system, const std::string& code, const std::string& display) {
  J c{{"system", system}, {"code", code}};
  if (!display.empty()) c["display"] = display;
  return c;
}
J concept_of(const std::string& system, const std::string& code, const std::string& display) {
  return J{{"coding", J::array({coding(system, code, display)})}, {"text", display.empty() ? code : display}};
}
J crmo_concept(const std::string& code, const std::string& display) { return concept_of(kCrmoCodeSystem, code, display); }
J quantity(double v, const std::string& unit, const std::string& ucum) {
  return J{{"value", v}, {"unit", unit}, {"system", kUcum}, {"code", ucum}};
}
J reference(const std::string& uuid) { return J{{"reference", "urn:uuid:" + uuid}}; }
J imaging_category() {
  return J::array({J{{"coding", J::array({coding("http://terminology.hl7.org/CodeSystem/observation-category",
                                                 "imaging", "Imaging")})}}});
}

bool whole(double v) { return std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 2e9; }

std::string display_of(const GradeItem& item) {
  return item.name;
}

}  // namespace

std::string stable_uuid(const std::string& text) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  h[6] = static_cast<unsigned char>((h[6] & 0x0f) | 0x80);  // version 8 (custom)
  h[8] = static_cast<unsigned char>((h[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string s;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    s += fmt::format("{:02x}", h[i]);
  }
  return s;
}

J crmo_code_system(const Scheme& scheme, const Scheme& parameter_scheme) {
  J concepts = J::array();
  concepts.push_back({{"code", "cromris-unit-score"}, {"display", "CROMRIS unit score"},
                      {"definition", "Score of one bone unit on one side, 0-7: signal + extent + max(soft tissue, "
                                     "periosteal) + expansion or collapse (crmo scheme " + scheme.name + " " +
                                         scheme.version + ")"}});
  concepts.push_back({{"code", "rai-cromris-total"}, {"display", "RAI-CROMRIS total"},
                      {"definition", "Sum of the CROMRIS unit scores over all sites of a whole-body MRI exam"}});
  for (const GradeItem& item : scheme.items)
    concepts.push_back({{"code", "grade." + item.name}, {"display", item.name + " grade"},
                        {"definition", item.description.empty() ? item.name : item.description}});
  concepts.push_back({{"code", "physis"}, {"display", "Relation to the growth plate"},
                      {"definition", "none, abutting or transphyseal (long bone units)"}});
  for (const char* v : {"none", "abutting", "transphyseal"})
    concepts.push_back({{"code", std::string("physis.") + v}, {"display", v}, {"definition", std::string("Physis: ") + v}});
  concepts.push_back({{"code", "symptomatic"}, {"display", "Site is clinically symptomatic"},
                      {"definition", "From chart review; absent means unknown"}});
  concepts.push_back({{"code", "lesion-label"}, {"display", "Lesion label"},
                      {"definition", "Sites sharing a label within one exam are one lesion"}});
  concepts.push_back({{"code", "si-ratio-muscle"}, {"display", "Lesion to muscle signal ratio (STIR)"},
                      {"definition", "Mean STIR signal in the lesion over mean signal of normal skeletal muscle "
                                     "in the same station"}});
  for (const ParameterDef& p : parameter_scheme.parameters)
    concepts.push_back({{"code", "param." + p.name}, {"display", p.name},
                        {"definition", p.description.empty() ? p.name : p.description}});
  return J{{"resourceType", "CodeSystem"},
           {"id", "crmo"},
           {"url", kCrmoCodeSystem},
           {"version", scheme.version},
           {"name", "CrmoCodes"},
           {"title", "crmo: CRMO whole-body MRI scoring codes"},
           {"status", "active"},
           {"experimental", false},
           {"description", "Codes for CROMRIS grades, unit scores, the RAI-CROMRIS total and the seed-2022 "
                           "parameters, where LOINC, SNOMED CT and RadLex have none (docs/exchange.md)."},
           {"caseSensitive", true},
           {"content", "complete"},
           {"concept", concepts}};
}

J atlas_code_system(const Atlas& atlas) {
  J concepts = J::array();
  for (const Site& s : atlas.sites())
    concepts.push_back({{"code", s.key()},
                        {"display", fmt::format("{} ({}), {}", s.unit->id, s.unit->bone, to_string(s.side))}});
  return J{{"resourceType", "CodeSystem"},
           {"id", "crmo-atlas-site"},
           {"url", kAtlasCodeSystem},
           {"version", atlas.version()},
           {"name", "CrmoAtlasSite"},
           {"title", "crmo atlas: bone units by side"},
           {"status", "active"},
           {"description", "The bone units of crmo's skeletal atlas '" + atlas.name() + "' on each side (unit:side)."},
           {"caseSensitive", true},
           {"content", "complete"},
           {"concept", concepts}};
}

J fhir_bundle(const std::vector<Exam>& exams, const std::vector<ExamScore>& scores, const FhirInput& in) {
  J entries = J::array();
  auto add = [&](const std::string& uuid, J resource) {
    entries.push_back(J{{"fullUrl", "urn:uuid:" + uuid}, {"resource", std::move(resource)}});
  };
  std::map<std::string, std::string> patients;  // patient id -> uuid
  for (std::size_t i = 0; i < exams.size(); ++i) {
    const Exam& e = exams[i];
    const ExamScore& s = scores.at(i);
    const std::string date = e.date.iso();
    // Patient, once per patient.
    std::string patient_uuid = stable_uuid("Patient/" + e.patient.id);
    if (!patients.count(e.patient.id)) {
      patients[e.patient.id] = patient_uuid;
      J p{{"resourceType", "Patient"},
          {"id", patient_uuid},
          {"identifier", J::array({J{{"system", "urn:crmo:patient-id"}, {"value", e.patient.id}}})}};
      if (e.patient.sex) p["gender"] = *e.patient.sex == "F" ? "female" : *e.patient.sex == "M" ? "male" : "unknown";
      if (e.patient.birth_date) p["birthDate"] = e.patient.birth_date->iso();
      add(patient_uuid, p);
    }
    J subject = reference(patient_uuid);
    // ImagingStudy.
    std::string study_uuid = stable_uuid("ImagingStudy/" + e.id);
    J study{{"resourceType", "ImagingStudy"},
            {"id", study_uuid},
            {"identifier", J::array({J{{"system", "urn:crmo:exam-id"}, {"value", e.id}}})},
            {"status", "available"},
            {"modality", J::array({coding(kDicom, "MR", "Magnetic Resonance")})},
            {"subject", subject},
            {"started", date},
            {"description", "Whole-body MRI (coronal STIR)"}};
    if (auto it = in.study_uids.find(e.id); it != in.study_uids.end())
      study["identifier"].push_back(J{{"system", "urn:dicom:uid"}, {"value", "urn:oid:" + it->second}});
    add(study_uuid, study);
    J derived = J::array({reference(study_uuid)});

    auto observation = [&](const std::string& key, J code) {
      return J{{"resourceType", "Observation"},
               {"id", stable_uuid("Observation/" + e.id + "/" + key)},
               {"status", "final"},
               {"category", imaging_category()},
               {"code", std::move(code)},
               {"subject", subject},
               {"effectiveDateTime", date},
               {"derivedFrom", derived}};
    };
    J results = J::array();
    // One Observation per graded site.
    std::map<std::string, int> site_scores;
    for (const auto& ss : s.sites) site_scores[ss.site] = ss.score;
    for (const SiteGrading& g : e.lesions) {
      J o = observation("site/" + g.site, crmo_concept("cromris-unit-score", "CROMRIS unit score"));
      o["valueInteger"] = site_scores.count(g.site) ? site_scores[g.site] : 0;
      std::string err;
      auto site = in.atlas->parse_site(g.site, &err);
      std::string display = g.site;
      if (site) display = fmt::format("{} ({}), {}", site->unit->id, site->unit->bone, to_string(site->side));
      o["bodySite"] = concept_of(kAtlasCodeSystem, g.site, display);
      J comps = J::array();
      if (site && site->side != Side::M) {
        bool left = site->side == Side::L;
        comps.push_back({{"code", concept_of(kSnomed, "272741003", "Laterality")},
                         {"valueCodeableConcept", concept_of(kSnomed, left ? "7771000" : "24028007",
                                                             left ? "Left" : "Right")}});
      }
      for (const GradeItem& item : in.scheme->items) {
        auto it = g.grades.find(item.name);
        if (it == g.grades.end()) continue;
        comps.push_back({{"code", crmo_concept("grade." + item.name, display_of(item) + " grade")},
                         {"valueInteger", it->second}});
      }
      if (g.physis)
        comps.push_back({{"code", crmo_concept("physis", "Relation to the growth plate")},
                         {"valueCodeableConcept", crmo_concept("physis." + *g.physis, *g.physis)}});
      if (g.symptomatic)
        comps.push_back({{"code", crmo_concept("symptomatic", "Site is clinically symptomatic")},
                         {"valueBoolean", *g.symptomatic}});
      if (g.lesion)
        comps.push_back({{"code", crmo_concept("lesion-label", "Lesion label")}, {"valueString", *g.lesion}});
      if (g.max_diameter_mm)
        comps.push_back({{"code", concept_of(kSnomed, "81827009", "Diameter")},
                         {"valueQuantity", quantity(*g.max_diameter_mm, "mm", "mm")}});
      if (g.volume_ml)
        comps.push_back({{"code", concept_of(kSnomed, "118565006", "Volume")},
                         {"valueQuantity", quantity(*g.volume_ml, "mL", "mL")}});
      if (g.si_ratio)
        comps.push_back({{"code", crmo_concept("si-ratio-muscle", "Lesion to muscle signal ratio (STIR)")},
                         {"valueQuantity", quantity(*g.si_ratio, "ratio", "1")}});
      if (!comps.empty()) o["component"] = comps;
      results.push_back(reference(o["id"].get<std::string>()));
      add(o["id"].get<std::string>(), o);
    }
    // The exam total.
    {
      J o = observation("total", crmo_concept("rai-cromris-total", "RAI-CROMRIS total"));
      o["valueInteger"] = s.total;
      results.push_back(reference(o["id"].get<std::string>()));
      add(o["id"].get<std::string>(), o);
    }
    // The parameters.
    for (const ParameterValue& p : s.parameters) {
      J o = observation("param/" + p.name, crmo_concept("param." + p.name, p.name));
      if (!p.value)
        o["dataAbsentReason"] = concept_of("http://terminology.hl7.org/CodeSystem/data-absent-reason", "unknown",
                                           "Unknown");
      else if (whole(*p.value))
        o["valueInteger"] = static_cast<long long>(*p.value);
      else
        o["valueQuantity"] = J{{"value", *p.value}};
      results.push_back(reference(o["id"].get<std::string>()));
      add(o["id"].get<std::string>(), o);
    }
    // The report.
    std::string report_uuid = stable_uuid("DiagnosticReport/" + e.id);
    std::string conclusion = fmt::format("RAI-CROMRIS total {} over {} graded site(s) (scheme {} {}).", s.total,
                                         e.lesions.size(), in.scheme->name, in.scheme->version);
    J report{{"resourceType", "DiagnosticReport"},
             {"id", report_uuid},
             {"identifier", J::array({J{{"system", "urn:crmo:exam-id"}, {"value", e.id}}})},
             {"status", "final"},
             {"category", J::array({concept_of("http://terminology.hl7.org/CodeSystem/v2-0074", "RAD", "Radiology")})},
             {"code", J{{"coding", J::array({coding(kLoinc, "18748-4", "Diagnostic imaging study")})},
                        {"text", "Whole-body MRI scored for CRMO"}}},
             {"subject", subject},
             {"effectiveDateTime", date},
             {"result", results},
             {"imagingStudy", J::array({reference(study_uuid)})},
             {"conclusion", conclusion}};
    add(report_uuid, report);
  }
  std::string ids;
  for (const auto& e : exams) ids += e.id + "\n";
  return J{{"resourceType", "Bundle"},
           {"id", stable_uuid("Bundle/" + ids)},
           {"type", "collection"},
           {"entry", entries}};
}

}  // namespace crmo::exchange
