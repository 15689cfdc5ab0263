#pragma once
// The interface of the dicomweb plugin (libcrmo_dicomweb.so, src/exchange/dicomweb/): the
// DICOMweb client of dicomweb.hpp, over cpp-httplib. It is a plugin because Debian's
// cpp-httplib is built with OpenSSL, and loading it (libssl, libcrypto, brotli) and its
// OpenSSL set-up cost every crmo process ~4.5 ms at start-up, while only `crmo pull` and
// the server's PACS routes talk to a PACS. Like the DCMTK plugin, it takes crmo's C++
// types (built together, ABI checked; dcmtk_plugin.hpp says why exceptions such as
// DicomwebError and InputError cross unchanged).
#include "exchange/dicomweb.hpp"

namespace crmo::exchange {

struct DicomwebApi {
  std::vector<StudyInfo> (*find_studies)(const DicomwebServer& server, const StudyQuery& q);
  std::vector<SeriesInfo> (*find_series)(const DicomwebServer& server, const std::string& study_uid);
  std::vector<RetrievedInstance> (*retrieve)(const DicomwebServer& server, const std::string& study_uid,
                                             const std::optional<std::string>& series_uid,
                                             const std::filesystem::path& out_dir,
                                             const std::function<void(std::size_t, std::size_t)>& progress);
};

// The plugin's one entry point.
extern "C" const DicomwebApi* crmo_dicomweb_api();
using CrmoDicomwebApi = decltype(crmo_dicomweb_api);

}  // namespace crmo::exchange
