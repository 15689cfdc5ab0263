// The DICOMweb client's calls, forwarded to the dicomweb plugin (dicomweb_plugin.hpp).
#include "exchange/dicomweb.hpp"

#include "exchange/dicomweb_plugin.hpp"
#include "plugins/loader.hpp"

namespace crmo::exchange {

namespace {

const DicomwebApi& client() {
  // Loaded once; when loading fails the loader's error is thrown again on every call.
  static const DicomwebApi* api =
      plugins::function<CrmoDicomwebApi>("dicomweb", "crmo_dicomweb_api", "the DICOMweb client (QIDO-RS, WADO-RS)")();
  return *api;
}

}  // namespace

std::vector<StudyInfo> qido_find_studies(const DicomwebServer& server, const StudyQuery& q) {
  return client().find_studies(server, q);
}

std::vector<SeriesInfo> qido_find_series(const DicomwebServer& server, const std::string& study_uid) {
  return client().find_series(server, study_uid);
}

std::vector<RetrievedInstance> wado_retrieve(const DicomwebServer& server, const std::string& study_uid,
                                             const std::optional<std::string>& series_uid,
                                             const std::filesystem::path& out_dir,
                                             const std::function<void(std::size_t, std::size_t)>& progress) {
  return client().retrieve(server, study_uid, series_uid, out_dir, progress);
}

}  // namespace crmo::exchange
