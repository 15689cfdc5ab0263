#pragma once
// DICOM Structured Report (docs/exchange.md, "DICOM SR"): an exam's graded sites as a
// TID 1500 Measurement Report (DCMTK dcmsr/cmr). One TID 1501 measurement group per graded
// site (tracking identifier = the atlas site, finding site = the atlas code with SNOMED CT
// laterality; measurements: grades, unit score, volume, maximum diameter, lesion to muscle
// signal ratio; qualitative: physis, symptomatic) and one group for the exam total; the
// source series are the TID 1600 image library and the evidence of the document, and the
// report is a new series in the source study.
#include <array>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/atlas.hpp"
#include "core/exam.hpp"
#include "core/scheme.hpp"
#include "core/scoring.hpp"
#include "exchange/pseudonym.hpp"

namespace crmo::exchange {

inline constexpr const char* kCrmoSchemeDesignator = "99CRMO";

struct SrInput {
  const Exam* exam = nullptr;
  const ExamScore* score = nullptr;
  const Atlas* atlas = nullptr;
  const Scheme* scheme = nullptr;
  std::filesystem::path dicom;             // folder (recursively) or file with the source images
  std::vector<std::string> series_uids;    // the source series to reference (at least one)
  const Pseudonymizer* deid = nullptr;     // de-identify the report when set
  // A point on a site's lesion (patient LPS, mm; e.g. the seed given to `crmo measure`):
  // the source image whose plane holds it is referenced by that site's image-derived
  // measurements (TID 320 "Source of Measurement").
  std::map<std::string, std::array<double, 3>> seeds;
};

struct SrResult {
  std::string sop_instance_uid, series_instance_uid, study_instance_uid;
  std::size_t measurement_groups = 0, referenced_images = 0;
  std::map<std::string, std::string> seed_images;  // site -> SOP Instance UID of its source image
};

// Writes the report to `out` (all or nothing). Throws InputError when a series is not in
// the folder, the series belong to different studies, or a seed names a site the exam does
// not grade or lies in no source image; std::runtime_error when DCMTK refuses the document.
SrResult write_measurement_report(const SrInput& in, const std::filesystem::path& out);

}  // namespace crmo::exchange
