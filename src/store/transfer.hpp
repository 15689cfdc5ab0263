#pragma once
// Moving readings between the store and files (crmo import / crmo export): exam
// documents (one per reading) or a cohort folder, plus the readings manifest
// (store/manifest.hpp). Export then import gives the same data (docs/store.md).
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "core/atlas.hpp"
#include "core/scheme.hpp"
#include "store/store.hpp"

namespace crmo::store {

struct TransferSummary {
  std::size_t readings = 0, exams = 0;
};

// What is at `path`, read and validated (InputError listing every problem, as `crmo
// validate` does), before any database is opened.
struct ImportInput {
  std::vector<Exam> readings;
  ImportExtras extras;  // from the readings manifest, when the folder has one
};
ImportInput read_import(const std::filesystem::path& path, const Atlas& atlas, const Scheme& scheme);
// All in one transaction, or nothing.
TransferSummary import_into(Store& store, const ImportInput& input, const std::string& actor);
// Both.
TransferSummary import_from(Store& store, const std::filesystem::path& path, const Atlas& atlas, const Scheme& scheme,
                            const std::string& actor);

// `format`: "json" (ID.json for the main reading, ID.READER.json for the others) or
// "cohort" (exams.csv and lesions.csv, with a reader column when an exam has several
// readings). `out` must not exist or be empty; it appears complete or not at all.
TransferSummary export_to(Store& store, const std::filesystem::path& out, const std::string& format);

}  // namespace crmo::store
