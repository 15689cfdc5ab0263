#pragma once
// The readings manifest an export writes beside the exam documents or cohort tables
// (`crmo-readings.manifest`, JSON): which reading is each exam's main one and which
// readings each consensus reconciles, the two things neither exchange format carries.
// `crmo import` reads it back when present, so export then import loses nothing.
#include <string>
#include <vector>

#include "store/store.hpp"

namespace crmo::store {

constexpr const char* kManifestName = "crmo-readings.manifest";

// From the stored readings (`readings`: Store::readings of every exam).
std::string manifest_text(const std::vector<Reading>& readings);
// Throws InputError naming `source` and the JSON path of every problem.
ImportExtras read_manifest(const std::string& text, const std::string& source);

}  // namespace crmo::store
