#pragma once
// FHIR R4 JSON (docs/exchange.md, "FHIR"): one Bundle (type collection) holding, per
// scored exam, a pseudonymous Patient, an ImagingStudy, a DiagnosticReport, and its
// Observations: one per graded site (the unit score, with each grade as a component),
// one for the exam total and one per seed-2022 parameter. Codes from LOINC and SNOMED CT
// where one exists; crmo's own CodeSystems (crmo_code_system, atlas_code_system) otherwise.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/atlas.hpp"
#include "core/exam.hpp"
#include "core/scheme.hpp"
#include "core/scoring.hpp"

namespace crmo::exchange {

inline constexpr const char* kCrmoCodeSystem = "urn:crmo:fhir:CodeSystem:crmo";
inline constexpr const char* kAtlasCodeSystem = "urn:crmo:fhir:CodeSystem:atlas-site";

struct FhirInput {
  const Atlas* atlas = nullptr;
  const Scheme* scheme = nullptr;            // grades and unit score
  const Scheme* parameter_scheme = nullptr;  // parameter names and descriptions
  // Optional DICOM Study Instance UID per exam id, for ImagingStudy.identifier.
  std::map<std::string, std::string> study_uids;
};

// exams[i] is scored by scores[i].
nlohmann::ordered_json fhir_bundle(const std::vector<Exam>& exams, const std::vector<ExamScore>& scores,
                                   const FhirInput& in);

// crmo's CodeSystem (grade items, scores, parameters) and the atlas sites' CodeSystem.
nlohmann::ordered_json crmo_code_system(const Scheme& scheme, const Scheme& parameter_scheme);
nlohmann::ordered_json atlas_code_system(const Atlas& atlas);

// A name-based UUID (SHA-256 of the text, version 8 layout), for stable resource ids.
std::string stable_uuid(const std::string& text);

}  // namespace crmo::exchange
