// crmo pull --server URL: search a PACS by DICOMweb QIDO-RS (--patient, --name, --date),
// or retrieve a study or series by WADO-RS (--study UID [--series UID] --out DIR) and
// ingest it (docs/exchange.md, "PACS").
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "cli/imaging_cli.hpp"
#include "exchange/dicomweb.hpp"
#include "formats/file_io.hpp"
#include "imaging/ingest.hpp"
#include "imaging/manifest.hpp"

namespace crmo::cli {

namespace {

nlohmann::ordered_json study_json(const exchange::StudyInfo& s) {
  auto count = [](int v) { return v < 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v); };
  return {{"study_uid", s.study_uid}, {"patient_id", s.patient_id}, {"patient_name", s.patient_name},
          {"study_date", s.study_date}, {"description", s.description}, {"accession", s.accession},
          {"modalities", s.modalities}, {"series", count(s.series)}, {"instances", count(s.instances)}};
}

}  // namespace

void register_pull(CLI::App& app, Action& action) {
  struct Opts {
    exchange::DicomwebServer server;
    exchange::StudyQuery query;
    std::string study, series, out, exam;
    bool no_ingest = false, json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand(
      "pull", "PACS by DICOMweb: search studies (QIDO-RS: --patient, --name, --date) or retrieve one "
              "(WADO-RS: --study UID --out DIR) and ingest it");
  sub->add_option("--server", o->server.url, "DICOMweb base URL, e.g. http://pacs:8042/dicom-web")->required();
  sub->add_option("--user", o->server.user, "HTTP basic authentication user (password from CRMO_PACS_PASSWORD)");
  sub->add_option("--timeout", o->server.timeout_seconds, "Connection and read timeout, seconds")->check(CLI::Range(1, 3600));
  sub->add_option("--patient", o->query.patient_id, "Search: Patient ID (wildcards * and ? allowed)");
  sub->add_option("--name", o->query.patient_name, "Search: patient name (wildcards allowed)");
  sub->add_option("--date", o->query.study_date, "Search: study date YYYYMMDD or range YYYYMMDD-YYYYMMDD");
  sub->add_option("--modality", o->query.modality, "Search: modality in study, e.g. MR");
  sub->add_option("--limit", o->query.limit, "Search: at most this many studies")->check(CLI::NonNegativeNumber);
  sub->add_option("--study", o->study, "Retrieve: Study Instance UID");
  sub->add_option("--series", o->series, "Retrieve: only this Series Instance UID");
  sub->add_option("--out", o->out, "Retrieve: new folder (DICOM under dicom/, then the ingest outputs)");
  sub->add_option("--exam", o->exam, "Retrieve: exam id recorded in the ingest manifest");
  sub->add_flag("--no-ingest", o->no_ingest, "Retrieve: only store the DICOM files");
  sub->add_flag("--json", o->json, "Print the search result or the retrieval summary as JSON");
  sub->callback([o, &action] {
    action = [o] {
      if (const char* pw = std::getenv("CRMO_PACS_PASSWORD")) o->server.password = pw;
      if (o->study.empty()) {
        if (!o->series.empty() || !o->out.empty())
          throw InputError("--study", "a retrieval needs --study UID (and --out DIR)");
        auto studies = exchange::qido_find_studies(o->server, o->query);
        if (o->json) {
          nlohmann::ordered_json list = nlohmann::ordered_json::array();
          for (const auto& s : studies) list.push_back(study_json(s));
          print_json({{"server", o->server.url}, {"studies", list}});
        } else {
          for (const auto& s : studies)
            std::cout << fmt::format("{}  {}  {}  {}  {}  {} series\n", s.study_uid, s.study_date, s.patient_id,
                                     s.patient_name, s.description, s.series < 0 ? std::string("?") : std::to_string(s.series));
          std::cerr << fmt::format("crmo: {} stud{} found\n", studies.size(), studies.size() == 1 ? "y" : "ies");
        }
        return 0;
      }
      if (o->out.empty()) throw InputError("--out", "a retrieval needs --out DIR (a new folder)");
      const std::filesystem::path out = o->out, dicom = out / "dicom";
      if (std::filesystem::exists(out) && !std::filesystem::is_empty(out))
        throw InputError(o->out, "exists and is not empty; choose a new folder");
      std::vector<exchange::RetrievedInstance> got;
      {
        ProgressBar bar;
        write_folder_atomically(dicom, [&](const std::filesystem::path& tmp) {
          got = exchange::wado_retrieve(o->server, o->study,
                                        o->series.empty() ? std::nullopt : std::optional<std::string>(o->series), tmp,
                                        [&](std::size_t d, std::size_t t) { bar.update("retrieve", d, t); });
        });
      }
      std::uint64_t bytes = 0;
      for (const auto& i : got) bytes += i.bytes;
      std::cerr << fmt::format("crmo: retrieved {} instance(s), {:.1f} MB, into {}\n", got.size(), bytes / 1e6,
                               dicom.string());
      nlohmann::ordered_json summary{{"study_uid", o->study}, {"instances", got.size()}, {"bytes", bytes},
                                     {"dicom", dicom.string()}};
      if (!o->no_ingest) {
        imaging::IngestOptions in;
        in.input = dicom.string();
        in.out_dir = o->out;
        in.exam_id = o->exam;
        ProgressBar bar;
        in.progress = [&bar](const std::string& stage, std::size_t d, std::size_t t) { bar.update(stage, d, t); };
        const auto r = imaging::ingest(in);
        std::cerr << fmt::format("crmo: ingested {} series, {} volume(s) written to {}\n", r.manifest["series"].size(),
                                 r.volumes_written, o->out);
        summary["series"] = r.manifest["series"].size();
        summary["volumes_written"] = r.volumes_written;
        summary["manifest"] = (out / imaging::kManifestName).string();
      }
      if (o->json) print_json(summary);
      return 0;
    };
  });
}

}  // namespace crmo::cli
