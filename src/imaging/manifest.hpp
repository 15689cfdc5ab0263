#pragma once
// The ingest manifest (crmo.imaging-manifest/1): series, stations, geometry, outputs and
// problems of one ingested exam, so that lists and pages never re-read DICOM.
#include <string>

#include <nlohmann/json.hpp>

#include "imaging/dicom_series.hpp"
#include "imaging/volume.hpp"

namespace crmo::imaging {

inline constexpr const char* kManifestFormat = "crmo.imaging-manifest/1";
inline constexpr const char* kManifestName = "manifest.json";

nlohmann::json geometry_json(const Geometry& g, const Dims& d, std::size_t nt = 1);
// With `headers` (those given to plan_series), also "slice_instances": per slice, in slice
// order, the SOP Instance UID of its file (and the 1-based frame of multi-frame files), so
// that reports can reference the images (DICOM SR) without re-reading DICOM.
nlohmann::json series_json(const SeriesPlan& s, const std::vector<DicomHeader>* headers = nullptr);
nlohmann::json problem_json(const Problem& p);

// Writes `dir`/manifest.json all or nothing (beside it, then renamed).
void write_manifest(const std::string& dir, const nlohmann::json& m);

// Reads `dir`/manifest.json (or the file itself); throws std::runtime_error when absent
// or not a crmo imaging manifest.
nlohmann::json read_manifest(const std::string& dir_or_file);

}  // namespace crmo::imaging
