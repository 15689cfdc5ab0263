#pragma once
// A DICOMweb client (docs/exchange.md, "PACS"): QIDO-RS searches for studies (by patient
// id, name or study date) and series, and WADO-RS retrieval of a study or a series as
// DICOM Part 10 files, read from the multipart/related response as it streams in.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace crmo::exchange {

struct DicomwebServer {
  std::string url;                // base URL of the DICOMweb service, e.g. http://pacs:8042/dicom-web
  std::string user, password;     // HTTP basic authentication when user is not empty
  int timeout_seconds = 120;      // connection and read timeouts
};

// A failed exchange with the server: `http_status` is its HTTP status when it answered
// with an error, 0 when it could not be reached (or broke off).
class DicomwebError : public std::runtime_error {
 public:
  DicomwebError(const std::string& message, int http_status) : std::runtime_error(message), http_status(http_status) {}
  int http_status;
};

struct StudyQuery {
  std::string patient_id;    // PatientID (exact, or with * and ? wildcards)
  std::string patient_name;  // PatientName (wildcards allowed)
  std::string study_date;    // YYYYMMDD or a range YYYYMMDD-YYYYMMDD (either end may be open)
  std::string modality;      // ModalitiesInStudy, e.g. MR
  int limit = 0;             // 0: the server's default
};

struct StudyInfo {
  std::string study_uid, patient_id, patient_name, study_date, description, accession, modalities;
  int series = -1, instances = -1;  // -1 when the server does not say
};

struct SeriesInfo {
  std::string series_uid, modality, description;
  int number = -1, instances = -1;
};

std::vector<StudyInfo> qido_find_studies(const DicomwebServer& server, const StudyQuery& q);
std::vector<SeriesInfo> qido_find_series(const DicomwebServer& server, const std::string& study_uid);

struct RetrievedInstance {
  std::string study_uid, series_uid, sop_instance_uid;
  std::filesystem::path file;
  std::uint64_t bytes = 0;
};

// Retrieves every series of the study (or only `series_uid`) into `out_dir` as
// <series uid>/<sop instance uid>.dcm, one series per request. `progress(done, total)`
// counts instances (total from QIDO-RS, 0 when unknown). Throws DicomwebError on HTTP
// errors, std::runtime_error on framing errors, and when a part is not a DICOM file of the requested study.
std::vector<RetrievedInstance> wado_retrieve(const DicomwebServer& server, const std::string& study_uid,
                                             const std::optional<std::string>& series_uid,
                                             const std::filesystem::path& out_dir,
                                             const std::function<void(std::size_t, std::size_t)>& progress = {});

// The first value of a tag (8 hex digits) of a DICOM JSON object (PS3.18 F.2) as text;
// person names give their Alphabetic form. Empty when absent.
std::string dicom_json_string(const nlohmann::json& object, const std::string& tag);

}  // namespace crmo::exchange
