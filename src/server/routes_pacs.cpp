// The configured PACS (`crmo serve --pacs URL`, docs/exchange.md "PACS from the page"):
// search it with DICOMweb QIDO-RS and pull a study with WADO-RS into the server's image
// folder, ingested as `crmo pull` does. PACS answers carry patient identifiers, so
// researchers may not use these routes, and nothing here is logged (the dispatcher logs
// route patterns only).
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "exchange/dicomweb.hpp"
#include "formats/file_io.hpp"
#include "server/api.hpp"
#ifdef CRMO_SERVER_HAS_IMAGING
#include "imaging/ingest.hpp"
#include "imaging/manifest.hpp"
#endif

namespace crmo::server {

namespace fs = std::filesystem;

namespace {

// Studies being pulled right now, and how far each has got (GET .../pull answers from it
// while the POST that pulls is still running): a second pull of the same study waits for
// none, it is refused.
struct PullProgress {
  std::string phase = "starting";  // retrieving, then ingesting
  std::size_t done = 0, total = 0;  // instances retrieved; ingest's steps (total 0: unknown)
};
struct PullsInFlight {
  std::mutex mutex;
  std::map<std::string, PullProgress> studies;
  void update(const std::string& uid, const std::string& phase, std::size_t done, std::size_t total) {
    std::lock_guard lock(mutex);
    if (auto it = studies.find(uid); it != studies.end()) it->second = {phase, done, total};
  }
};

exchange::DicomwebServer pacs_of(const Services& s) {
  if (s.settings.pacs_url.empty())
    throw HttpError(404, "no PACS is configured on this server: start it with crmo serve --pacs URL "
                         "(the DICOMweb root, e.g. http://pacs:8042/dicom-web; docs/exchange.md)");
  exchange::DicomwebServer d;
  d.url = s.settings.pacs_url;
  d.user = s.settings.pacs_user;
  d.password = s.settings.pacs_password;
  d.timeout_seconds = 60;
  return d;
}

// The DICOMweb client's message without query strings (they hold the patient id searched).
std::string without_queries(const std::string& text) {
  static const std::regex query(R"(\?[^\s:]*)");
  return std::regex_replace(text, query, "");
}

// A PACS failure as the API's answer: 502 with what went wrong, never a 500.
[[noreturn]] void pacs_failed(const std::string& action, const exchange::DicomwebError& e) {
  if (e.http_status == 0)
    throw HttpError(502, fmt::format("the PACS cannot be reached ({}): {}", action, without_queries(e.what())));
  throw HttpError(502, fmt::format("the PACS answered an error ({}): {}", action, without_queries(e.what())));
}

bool is_uid(const std::string& s) {
  static const std::regex uid(R"([0-9]+(\.[0-9]+)*)");
  return !s.empty() && s.size() <= 64 && std::regex_match(s, uid);
}

std::string checked_uid(const Call& c) {
  const std::string& uid = c.param("uid");
  if (!is_uid(uid))
    throw HttpError(400, "bad study UID", {{"uid", "expected a DICOM UID (digits and dots, at most 64 characters)"}});
  return uid;
}

std::optional<std::string> text_param(const Call& c, const std::string& name, std::vector<InputProblem>& problems) {
  auto v = c.query_value(name);
  if (!v || v->empty()) return std::nullopt;
  if (v->size() > 64 || v->find_first_of("\\\r\n") != std::string::npos) {
    problems.push_back({name, "expected at most 64 characters, no backslash or line break (* and ? are wildcards)"});
    return std::nullopt;
  }
  return v;
}

Json count_or_null(int v) { return v < 0 ? Json(nullptr) : Json(v); }

fs::path study_folder(const Services& s, const std::string& uid) { return fs::path(s.settings.images_dir) / uid; }

bool pulled(const Services& s, const std::string& uid) {
  std::error_code ec;
  return fs::exists(study_folder(s, uid) / "manifest.json", ec);
}

Reply status_route(Services& s) {
  const bool on = !s.settings.pacs_url.empty();
  return json_reply({{"configured", on}, {"url", on ? Json(s.settings.pacs_url) : Json(nullptr)}});
}

Reply search(Services& s, Call& c) {
  std::vector<InputProblem> problems;
  exchange::StudyQuery q;
  q.patient_id = text_param(c, "patient", problems).value_or("");
  q.patient_name = text_param(c, "name", problems).value_or("");
  q.modality = text_param(c, "modality", problems).value_or("");
  if (auto d = c.query_value("date"); d && !d->empty()) {
    static const std::regex range(R"((\d{8})?(-(\d{8})?)?)");
    std::smatch m;
    if (!std::regex_match(*d, m, range) || *d == "-")
      problems.push_back({"date", "expected YYYYMMDD or a range YYYYMMDD-YYYYMMDD (either end may be left open), got '" +
                                      *d + "'"});
    else if (m[1].matched && m[3].matched && m[1].str() > m[3].str())
      problems.push_back({"date", "the range ends before it starts: '" + *d + "'"});
    else
      q.study_date = *d;
  }
  q.limit = 100;
  if (auto l = c.query_value("limit")) {
    int v = 0;
    try {
      v = std::stoi(*l);
    } catch (const std::exception&) {
      v = 0;
    }
    if (v < 1 || v > 1000) problems.push_back({"limit", "expected an integer from 1 to 1000, got '" + *l + "'"});
    else q.limit = v;
  }
  if (!problems.empty()) throw HttpError(400, "bad search", problems);
  const auto pacs = pacs_of(s);
  std::vector<exchange::StudyInfo> studies;
  try {
    studies = exchange::qido_find_studies(pacs, q);
  } catch (const exchange::DicomwebError& e) {
    pacs_failed("study search", e);
  }
  Json rows = Json::array();
  for (const auto& st : studies)
    rows.push_back({{"study_uid", st.study_uid}, {"patient_id", st.patient_id}, {"patient_name", st.patient_name},
                    {"study_date", st.study_date}, {"description", st.description}, {"accession", st.accession},
                    {"modalities", st.modalities}, {"series", count_or_null(st.series)},
                    {"instances", count_or_null(st.instances)}, {"pulled", pulled(s, st.study_uid)}});
  return json_reply(rows);
}

std::vector<exchange::SeriesInfo> series_of(const exchange::DicomwebServer& pacs, const std::string& uid) {
  std::vector<exchange::SeriesInfo> series;
  try {
    series = exchange::qido_find_series(pacs, uid);
  } catch (const exchange::DicomwebError& e) {
    if (e.http_status == 404) series.clear();  // some servers answer an unknown study so
    else pacs_failed("series search", e);
  }
  if (series.empty()) throw HttpError(404, "the PACS has no study " + uid + " (QIDO-RS found no series)");
  return series;
}

Reply list_series(Services& s, Call& c) {
  const std::string uid = checked_uid(c);
  Json rows = Json::array();
  for (const auto& se : series_of(pacs_of(s), uid))
    rows.push_back({{"series_uid", se.series_uid}, {"number", count_or_null(se.number)}, {"modality", se.modality},
                    {"description", se.description}, {"instances", count_or_null(se.instances)}});
  return json_reply(rows);
}

#ifdef CRMO_SERVER_HAS_IMAGING
// What the pull brought: the ingest manifest in short (series, station groups, volumes).
Json pull_summary(const std::string& uid, const fs::path& folder, const nlohmann::json& manifest, bool already) {
  Json groups = Json::array();
  for (const auto& st : manifest.value("stations", nlohmann::json::array())) {
    Json g{{"id", st.value("id", "")}, {"description", st.value("description_stem", "")},
           {"stations", st.contains("series") ? st["series"].size() : 0}};
    g["stir"] = st.value("stir", false);
    if (st.contains("error")) g["error"] = st["error"];
    groups.push_back(g);
  }
  std::size_t files = 0;
  for (const auto& se : manifest.value("series", nlohmann::json::array())) files += se.value("files", std::size_t{0});
  return {{"study_uid", uid},
          {"already_pulled", already},
          {"folder", folder.string()},
          {"instances", manifest.value("files_seen", files)},
          {"series", manifest.value("series", nlohmann::json::array()).size()},
          {"station_groups", groups},
          {"volumes_written", manifest.value("volumes_written", 0)},
          {"problems", manifest.value("problems", nlohmann::json::array()).size()}};
}

Reply pull(Services& s, Call& c, PullsInFlight& flight) {
  const std::string uid = checked_uid(c);
  const auto pacs = pacs_of(s);
  const fs::path folder = study_folder(s, uid);
  {
    std::lock_guard lock(flight.mutex);
    if (!flight.studies.emplace(uid, PullProgress{}).second)
      throw HttpError(409, "this study is being pulled right now; try again when that pull has finished");
  }
  struct Release {
    PullsInFlight& f;
    std::string uid;
    ~Release() {
      std::lock_guard lock(f.mutex);
      f.studies.erase(uid);
    }
  } release{flight, uid};

  if (pulled(s, uid)) {  // pulled before: the same answer, nothing fetched again
    auto manifest = nlohmann::json::parse(read_text_file(folder / imaging::kManifestName), nullptr, false);
    if (!manifest.is_discarded()) return json_reply(pull_summary(uid, folder, manifest, true));
  }
  std::error_code ec;
  if (fs::exists(folder, ec)) fs::remove_all(folder, ec);  // left by a pull that failed half way
  series_of(pacs, uid);  // 404 for an unknown study before any folder is made
  try {
    fs::create_directories(folder);
    write_folder_atomically(folder / "dicom", [&](const fs::path& tmp) {
      exchange::wado_retrieve(pacs, uid, std::nullopt, tmp, [&](std::size_t done, std::size_t total) {
        flight.update(uid, "retrieving", done, total);
      });
    });
    flight.update(uid, "ingesting", 0, 0);
    imaging::IngestOptions in;
    in.input = (folder / "dicom").string();
    in.out_dir = folder.string();
    in.threads = 2;  // the server keeps serving meanwhile
    in.progress = [&](const std::string& stage, std::size_t done, std::size_t total) {
      flight.update(uid, "ingesting: " + stage, done, total);
    };
    const auto r = imaging::ingest(in);
    return json_reply(pull_summary(uid, folder, r.manifest, false));
  } catch (const exchange::DicomwebError& e) {
    fs::remove_all(folder, ec);
    pacs_failed("retrieving the study", e);
  } catch (const HttpError&) {
    fs::remove_all(folder, ec);
    throw;
  } catch (const std::exception& e) {
    fs::remove_all(folder, ec);
    // Framing errors of the answer, or files ingest refused: the PACS's data, not ours.
    throw HttpError(502, fmt::format("the study could not be pulled: {}", without_queries(e.what())));
  }
}

Reply pull_progress(Services& s, Call& c, PullsInFlight& flight) {
  const std::string uid = checked_uid(c);
  pacs_of(s);  // 404 without a PACS, as the other routes
  {
    std::lock_guard lock(flight.mutex);
    if (auto it = flight.studies.find(uid); it != flight.studies.end())
      return json_reply({{"study_uid", uid},
                         {"pulling", true},
                         {"phase", it->second.phase},
                         {"done", it->second.done},
                         {"total", it->second.total}});
  }
  return json_reply({{"study_uid", uid}, {"pulling", false}, {"pulled", pulled(s, uid)}});
}
#endif

}  // namespace

void add_pacs_routes(std::vector<Route>& routes, Services& s) {
  auto flight = std::make_shared<PullsInFlight>();
  routes.push_back({"GET", "/api/pacs", kAnyRole, "pacs", "Whether a PACS is configured (crmo serve --pacs URL)", "",
                    "{\"configured\": bool, \"url\": the DICOMweb root or null}", 200, "application/json", {}, {},
                    [&s](Call&) { return status_route(s); }});
  routes.push_back({"GET", "/api/pacs/studies", kEditors, "pacs", "Search the PACS for studies (DICOMweb QIDO-RS)", "",
                    "[{\"study_uid\", \"patient_id\", \"patient_name\", \"study_date\", \"description\", \"accession\", "
                    "\"modalities\", \"series\", \"instances\", \"pulled\"}] (counts null when the PACS does not give them; "
                    "pulled: already in the server's image folder)",
                    200, "application/json",
                    {{"patient", "Patient ID (wildcards * and ?)"},
                     {"name", "patient name (wildcards * and ?)"},
                     {"date", "study date YYYYMMDD or range YYYYMMDD-YYYYMMDD (either end open)"},
                     {"modality", "a modality in the study, e.g. MR"},
                     {"limit", "at most this many studies (default 100, at most 1000)"}},
                    {400, 404, 502}, [&s](Call& c) { return search(s, c); }});
  routes.push_back({"GET", "/api/pacs/studies/{uid}/series", kEditors, "pacs",
                    "The series of a study in the PACS (DICOMweb QIDO-RS)", "",
                    "[{\"series_uid\", \"number\", \"modality\", \"description\", \"instances\"}]", 200, "application/json",
                    {}, {400, 404, 502}, [&s](Call& c) { return list_series(s, c); }});
#ifdef CRMO_SERVER_HAS_IMAGING
  routes.push_back({"POST", "/api/pacs/studies/{uid}/pull", kEditors, "pacs",
                    "Retrieve a study from the PACS (DICOMweb WADO-RS) and ingest it into the server's image folder "
                    "(--images), as crmo pull does; a study pulled before is not fetched again",
                    "", "{\"study_uid\", \"already_pulled\", \"folder\", \"instances\", \"series\", \"station_groups\": "
                        "[{\"id\", \"description\", \"stations\", \"stir\"}], \"volumes_written\", \"problems\"}",
                    200, "application/json", {}, {400, 404, 409, 502},
                    [&s, flight](Call& c) { return pull(s, c, *flight); }});
  routes.push_back({"GET", "/api/pacs/studies/{uid}/pull", kEditors, "pacs",
                    "How far the pull of a study has got, while the POST that pulls it runs", "",
                    "{\"study_uid\", \"pulling\": true, \"phase\": \"retrieving\" | \"ingesting: <stage>\", "
                    "\"done\", \"total\" (instances retrieved, or ingest's steps; total 0 when not known)} or "
                    "{\"study_uid\", \"pulling\": false, \"pulled\": bool}",
                    200, "application/json", {}, {400, 404}, [&s, flight](Call& c) { return pull_progress(s, c, *flight); }});
#endif
}

}  // namespace crmo::server
