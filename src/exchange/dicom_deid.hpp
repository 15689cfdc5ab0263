#pragma once
// DICOM de-identification by the basic profile of PS3.15 (Annex E) with the options
// Retain Longitudinal Temporal Information with Modified Dates, Retain Patient
// Characteristics and Clean Descriptors. The per-attribute actions are data
// (data/exchange/deid-basic-profile.csv); attributes the table does not name follow the
// rules of docs/exchange.md (private and overlay/curve groups removed, other UIDs
// replaced, other dates shifted, other person names emptied, the rest kept).
#include <filesystem>
#include <string>
#include <vector>

#include "exchange/pseudonym.hpp"

class DcmDataset;

namespace crmo::exchange {

struct DeidRule {
  unsigned short group = 0, element = 0;
  std::string keyword;
  char action = 'K';  // X remove, Z empty, K keep, U keyed UID, S shift date, P pseudonym
};

// The table compiled into crmo.
const std::vector<DeidRule>& basic_profile_rules();

// De-identifies a dataset in memory (the same rules as a file). The content tree of an SR
// written by crmo (Modality SR, Manufacturer crmo: codes, numbers, atlas sites) is kept
// and de-identified item by item; in any other object ContentSequence is removed.
// Throws std::runtime_error when Burned In Annotation is YES.
void deidentify_dataset(DcmDataset& ds, const Pseudonymizer& p);

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
