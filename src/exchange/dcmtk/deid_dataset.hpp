#pragma once
// Inside the DCMTK plugin: de-identification of a dataset in memory, shared by the file
// de-identification (deid.cpp) and the SR writer (sr_writer.cpp, `crmo sr --deid`).
#include <vector>

#include "exchange/dicom_deid.hpp"

class DcmDataset;

namespace crmo::exchange {

// The rules of dicom_deid.hpp applied to `ds` (`rules`: basic_profile_rules()). The content
// tree of an SR written by crmo (Modality SR, Manufacturer crmo: codes, numbers, atlas
// sites) is kept and de-identified item by item; in any other object ContentSequence is
// removed. Throws std::runtime_error when Burned In Annotation is YES.
void deidentify_dataset(DcmDataset& ds, const Pseudonymizer& p, const std::vector<DeidRule>& rules);

}  // namespace crmo::exchange
