#pragma once
// The interface of the DCMTK plugin (libcrmo_dcmtk.so, src/exchange/dcmtk/): everything of
// src/exchange that reads or writes DICOM through DCMTK (the SR writer, de-identification,
// the UIDs of a retrieved instance). It is a plugin because DCMTK and what it pulls in
// (libxml2, ICU, libtiff, ...) cost every crmo process ~6 ms of dynamic linking at start-up,
// while only `crmo sr`, `crmo deid dicom` and `crmo pull` need it.
//
// Unlike the GDCM plugin's C interface, these entries take and return crmo's C++ types:
// plugin and host are built together from one tree and the loader checks the ABI string
// (compiler and crmo version). Exceptions thrown in the plugin (crmo::InputError,
// std::runtime_error) reach the host's catch clauses unchanged: libstdc++ matches
// exception types across shared objects by type name (type_info::operator== falls back to
// comparing the mangled names), so the plugin's hidden copy of InputError's type_info
// still matches the host's. tests/exchange/dcmtk_plugin.sh checks both error kinds.
#include <filesystem>
#include <string>
#include <vector>

#include "exchange/dicom_deid.hpp"
#include "exchange/sr.hpp"

namespace crmo::exchange {

struct DcmtkUids {
  std::string study, series, sop;
};

struct DcmtkApi {
  // write_measurement_report (sr.hpp); `rules` are basic_profile_rules(), used with in.deid.
  SrResult (*write_sr)(const SrInput& in, const std::filesystem::path& out, const std::vector<DeidRule>& rules);
  // deidentify_dicom_file and deidentify_dicom_tree (dicom_deid.hpp).
  std::string (*deid_file)(const std::filesystem::path& in, const std::filesystem::path& out, const Pseudonymizer& p,
                           const std::vector<DeidRule>& rules);
  DeidTreeResult (*deid_tree)(const std::filesystem::path& in, const std::filesystem::path& out,
                              const Pseudonymizer& p, const std::vector<DeidRule>& rules);
  // The study, series and SOP instance UIDs of a DICOM file's header (empty when not DICOM).
  DcmtkUids (*read_uids)(const std::filesystem::path& file);
};

// The plugin's one entry point.
extern "C" const DcmtkApi* crmo_dcmtk_api();
using CrmoDcmtkApi = decltype(crmo_dcmtk_api);

// The table, loading the plugin on first use; throws std::runtime_error (the loader's
// message: the plugin, what it is for, every path tried) when it cannot be loaded.
const DcmtkApi& dcmtk();

}  // namespace crmo::exchange
