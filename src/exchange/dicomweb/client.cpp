// The DICOMweb client (dicomweb.hpp) inside the dicomweb plugin (dicomweb_plugin.hpp says
// why a plugin): HTTP through cpp-httplib.
#include "exchange/dicomweb.hpp"

#include <fstream>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <httplib.h>

#include "exchange/dcmtk_plugin.hpp"
#include "exchange/dicomweb_plugin.hpp"
#include "exchange/multipart.hpp"
#include "formats/input_error.hpp"
#include "plugins/plugin_export.hpp"

namespace crmo::exchange {

namespace fs = std::filesystem;

namespace {

struct Endpoint {
  std::string origin;  // scheme://host[:port]
  std::string prefix;  // path of the service without a trailing '/'
};

Endpoint split_url(const std::string& url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos || (url.compare(0, scheme_end, "http") != 0 && url.compare(0, scheme_end, "https") != 0))
    throw InputError("--server", "expected an http:// or https:// URL, got '" + url + "'");
  auto path_start = url.find('/', scheme_end + 3);
  Endpoint e;
  e.origin = url.substr(0, path_start);
  e.prefix = path_start == std::string::npos ? "" : url.substr(path_start);
  while (!e.prefix.empty() && e.prefix.back() == '/') e.prefix.pop_back();
  if (e.origin.size() <= scheme_end + 3) throw InputError("--server", "no host in '" + url + "'");
  return e;
}

std::string encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '*' || c == '?') out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

bool is_uid(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!(c == '.' || (c >= '0' && c <= '9'))) return false;
  return true;
}

std::unique_ptr<httplib::Client> client_for(const DicomwebServer& server, Endpoint& e) {
  e = split_url(server.url);
  auto cli = std::make_unique<httplib::Client>(e.origin);
  if (!cli->is_valid()) throw std::runtime_error("cannot use the server URL '" + server.url + "'");
  cli->set_connection_timeout(server.timeout_seconds, 0);
  cli->set_read_timeout(server.timeout_seconds, 0);
  cli->set_follow_location(true);
  if (!server.user.empty()) cli->set_basic_auth(server.user, server.password);
  return cli;
}

nlohmann::json qido(const DicomwebServer& server, const std::string& path_and_query) {
  Endpoint e;
  auto cli = client_for(server, e);
  const std::string target = e.prefix + path_and_query;
  auto res = cli->Get(target, httplib::Headers{{"Accept", "application/dicom+json"}});
  if (!res) throw DicomwebError(fmt::format("QIDO-RS {}{}: {}", e.origin, target, httplib::to_string(res.error())), 0);
  if (res->status == 204) return nlohmann::json::array();  // no match
  if (res->status != 200)
    throw DicomwebError(fmt::format("QIDO-RS {}{}: HTTP {} {}", e.origin, target, res->status, res->body.substr(0, 200)),
                        res->status);
  auto j = nlohmann::json::parse(res->body, nullptr, false);
  if (j.is_discarded() || !j.is_array())
    throw std::runtime_error(fmt::format("QIDO-RS {}{}: the answer is not a DICOM JSON array", e.origin, target));
  return j;
}

int json_int(const nlohmann::json& o, const std::string& tag) {
  std::string s = dicom_json_string(o, tag);
  if (s.empty()) return -1;
  try {
    return std::stoi(s);
  } catch (...) {
    return -1;
  }
}

}  // namespace

std::vector<StudyInfo> client_find_studies(const DicomwebServer& server, const StudyQuery& q) {
  std::string query;
  auto add = [&](const std::string& key, const std::string& value) {
    if (value.empty()) return;
    query += (query.empty() ? "?" : "&") + key + "=" + encode(value);
  };
  add("PatientID", q.patient_id);
  add("PatientName", q.patient_name);
  add("StudyDate", q.study_date);
  add("ModalitiesInStudy", q.modality);
  if (q.limit > 0) add("limit", std::to_string(q.limit));
  for (const char* f : {"PatientName", "PatientID", "StudyDate", "StudyDescription", "AccessionNumber",
                        "ModalitiesInStudy", "NumberOfStudyRelatedSeries", "NumberOfStudyRelatedInstances"})
    add("includefield", f);
  std::vector<StudyInfo> out;
  for (const auto& o : qido(server, "/studies" + query)) {
    StudyInfo s;
    s.study_uid = dicom_json_string(o, "0020000D");
    s.patient_name = dicom_json_string(o, "00100010");
    s.patient_id = dicom_json_string(o, "00100020");
    s.study_date = dicom_json_string(o, "00080020");
    s.description = dicom_json_string(o, "00081030");
    s.accession = dicom_json_string(o, "00080050");
    if (auto it = o.find("00080061"); it != o.end() && it->contains("Value") && (*it)["Value"].is_array())
      for (const auto& m : (*it)["Value"])
        if (m.is_string()) s.modalities += (s.modalities.empty() ? "" : "\\") + m.get<std::string>();
    s.series = json_int(o, "00201206");
    s.instances = json_int(o, "00201208");
    if (!s.study_uid.empty()) out.push_back(std::move(s));
  }
  return out;
}

std::vector<SeriesInfo> client_find_series(const DicomwebServer& server, const std::string& study_uid) {
  if (!is_uid(study_uid)) throw InputError("--study", "not a DICOM UID: '" + study_uid + "'");
  std::vector<SeriesInfo> out;
  for (const auto& o : qido(server, "/studies/" + study_uid +
                                        "/series?includefield=SeriesDescription&includefield=NumberOfSeriesRelatedInstances")) {
    SeriesInfo s;
    s.series_uid = dicom_json_string(o, "0020000E");
    s.modality = dicom_json_string(o, "00080060");
    s.description = dicom_json_string(o, "0008103E");
    s.number = json_int(o, "00200011");
    s.instances = json_int(o, "00201209");
    if (!s.series_uid.empty()) out.push_back(std::move(s));
  }
  return out;
}

std::vector<RetrievedInstance> client_retrieve(const DicomwebServer& server, const std::string& study_uid,
                                             const std::optional<std::string>& series_uid, const fs::path& out_dir,
                                             const std::function<void(std::size_t, std::size_t)>& progress) {
  if (!is_uid(study_uid)) throw InputError("--study", "not a DICOM UID: '" + study_uid + "'");
  if (series_uid && !is_uid(*series_uid)) throw InputError("--series", "not a DICOM UID: '" + *series_uid + "'");
  // Each instance's UIDs are checked with DCMTK: its plugin is loaded before anything is
  // asked of the server, so that a missing plugin says so itself and nothing is half-fetched.
  const DcmtkApi& dicom = dcmtk();
  // One request per series keeps each response (and a failed retry) small.
  std::vector<SeriesInfo> series = client_find_series(server, study_uid);
  if (series_uid) {
    std::erase_if(series, [&](const SeriesInfo& s) { return s.series_uid != *series_uid; });
    if (series.empty()) throw std::runtime_error("the server has no series " + *series_uid + " in study " + study_uid);
  }
  if (series.empty()) throw std::runtime_error("the server has no study " + study_uid + " (QIDO-RS found no series)");
  std::size_t total = 0;
  for (const auto& s : series) total += s.instances > 0 ? static_cast<std::size_t>(s.instances) : 0;

  Endpoint e;
  auto cli = client_for(server, e);
  fs::create_directories(out_dir);
  std::vector<RetrievedInstance> out;
  for (const SeriesInfo& s : series) {
    const std::string target = e.prefix + "/studies/" + study_uid + "/series/" + s.series_uid;
    const fs::path dir = out_dir / s.series_uid;
    fs::create_directories(dir);
    std::unique_ptr<MultipartReader> reader;
    std::string failure, error_body;
    int status = 0;
    std::size_t index = 0;
    auto on_part = [&](MultipartPart&& part) {
      auto ct = part.headers.find("content-type");
      if (ct != part.headers.end() && media_type(ct->second) != "application/dicom")
        throw std::runtime_error("a part of type '" + ct->second + "', expected application/dicom");
      if (part.body.size() < 132 || part.body.compare(128, 4, "DICM") != 0)
        throw std::runtime_error("a part that is not a DICOM Part 10 file (no DICM prefix)");
      fs::path tmp = dir / fmt::format(".part-{}", index++);
      {
        std::ofstream f(tmp, std::ios::binary);
        f.write(part.body.data(), static_cast<std::streamsize>(part.body.size()));
        if (!f.flush()) throw std::runtime_error("cannot write " + tmp.string());
      }
      const DcmtkUids u = dicom.read_uids(tmp);
      if (!is_uid(u.sop)) throw std::runtime_error("a part without a valid SOP Instance UID");
      if (u.study != study_uid || u.series != s.series_uid)
        throw std::runtime_error(fmt::format("instance {} belongs to study {} series {}, not the one requested", u.sop,
                                             u.study, u.series));
      fs::path file = dir / (u.sop + ".dcm");
      fs::rename(tmp, file);
      out.push_back({u.study, u.series, u.sop, file, part.body.size()});
      if (progress) progress(out.size(), total);
    };
    auto res = cli->Get(
        target, httplib::Headers{{"Accept", "multipart/related; type=\"application/dicom\"; transfer-syntax=*"}},
        [&](const httplib::Response& r) {
          status = r.status;
          if (r.status != 200) return true;  // keep the body for the message
          const std::string ct = r.get_header_value("Content-Type");
          auto boundary = content_type_parameter(ct, "boundary");
          if (media_type(ct) != "multipart/related" || !boundary) {
            failure = "the answer is '" + ct + "', expected multipart/related with a boundary";
            return false;
          }
          reader = std::make_unique<MultipartReader>(*boundary, on_part);
          return true;
        },
        [&](const char* data, std::size_t n) {
          if (!reader) {
            if (error_body.size() < 400) error_body.append(data, std::min<std::size_t>(n, 400));
            return true;
          }
          try {
            reader->feed(std::string_view(data, n));
          } catch (const std::exception& ex) {
            failure = ex.what();
            return false;
          }
          return true;
        });
    const std::string where = fmt::format("WADO-RS {}{}", e.origin, target);
    if (!failure.empty()) throw std::runtime_error(where + ": " + failure);
    if (!res) throw DicomwebError(where + ": " + httplib::to_string(res.error()), 0);
    if (status != 200) throw DicomwebError(fmt::format("{}: HTTP {} {}", where, status, error_body.substr(0, 200)), status);
    try {
      reader->finish();
    } catch (const std::exception& ex) {
      throw std::runtime_error(where + ": " + ex.what());
    }
    if (s.instances > 0 && reader->parts() != static_cast<std::size_t>(s.instances))
      throw std::runtime_error(fmt::format("{}: {} instance(s) received, QIDO-RS announced {}", where, reader->parts(),
                                           s.instances));
  }
  return out;
}

}  // namespace crmo::exchange

CRMO_PLUGIN_EXPORT const crmo::exchange::DicomwebApi* crmo_dicomweb_api() {
  using namespace crmo::exchange;
  static const DicomwebApi api{client_find_studies, client_find_series, client_retrieve};
  return &api;
}
