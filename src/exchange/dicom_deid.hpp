#pragma once
// DICOM de-identification by the basic profile of PS3.15 (Annex E) with the options
// Retain Longitudinal Temporal Information with Modified Dates, Retain Patient
// Characteristics and Clean Descriptors. The per-attribute actions are data
// (data/exchange/deid-basic-profile.csv); attributes the table does not name follow the
// rules of docs/exchange.md (private and overlay/curve groups removed, other UIDs
// replaced, other dates shifted, other person names emptied, the rest kept). The files are
// read and written by the DCMTK plugin (dcmtk_plugin.hpp), loaded on the first call.
#include <filesystem>
#include <string>
#include <vector>

#include "exchange/pseudonym.hpp"

namespace crmo::exchange {

struct DeidRule {
  unsigned short group = 0, element = 0;
  std::string keyword;
  char action = 'K';  // X remove, Z empty, K keep, U keyed UID, S shift date, P pseudonym
};

// The table compiled into crmo.
const std::vector<DeidRule>& basic_profile_rules();

// De-identifies one file; throws std::runtime_error when it is not DICOM or carries
// burned-in annotation. Returns the new SOP Instance UID.
std::string deidentify_dicom_file(const std::filesystem::path& in, const std::filesystem::path& out,
                                  const Pseudonymizer& p);

struct DeidTreeResult {
  std::size_t written = 0;
  std::vector<std::string> skipped;  // files that are not DICOM (by path)
};

// De-identifies every DICOM file under `in` (a file or a folder, recursively) into the new
// folder `out`, all or nothing; files are named <new SOP Instance UID>.dcm so that no
// original file name (which may hold a name) survives.
DeidTreeResult deidentify_dicom_tree(const std::filesystem::path& in, const std::filesystem::path& out,
                                     const Pseudonymizer& p);

}  // namespace crmo::exchange
