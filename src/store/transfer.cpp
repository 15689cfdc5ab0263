#include "store/transfer.hpp"

#include <map>
#include <set>
#include <stdexcept>

#include "formats/cohort_csv.hpp"
#include "formats/exam_json.hpp"
#include "formats/file_io.hpp"
#include "formats/readings_source.hpp"
#include "store/manifest.hpp"

namespace crmo::store {

namespace fs = std::filesystem;

namespace {

std::string file_part(const std::string& text) {
  std::string out;
  for (char c : text) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  return out;
}

std::string document_name(const Exam& e, bool main) {
  std::string name = file_part(e.id);
  if (!main) {
    name += '.';
    name += file_part(e.reader);
  }
  name += ".json";
  return name;
}

}  // namespace

ImportInput read_import(const fs::path& path, const Atlas& atlas, const Scheme& scheme) {
  ImportInput in;
  in.readings = load_readings(path, atlas, scheme);
  const auto manifest = path / kManifestName;
  std::error_code ec;
  if (fs::is_directory(path, ec) && fs::is_regular_file(manifest, ec))
    in.extras = read_manifest(read_text_file(manifest), manifest.string());
  return in;
}

TransferSummary import_into(Store& store, const ImportInput& input, const std::string& actor) {
  store.import_exams(input.readings, actor, input.extras);
  std::set<std::string> exams;
  for (const auto& e : input.readings) exams.insert(e.id);
  return {input.readings.size(), exams.size()};
}

TransferSummary import_from(Store& store, const fs::path& path, const Atlas& atlas, const Scheme& scheme,
                            const std::string& actor) {
  return import_into(store, read_import(path, atlas, scheme), actor);
}

TransferSummary export_to(Store& store, const fs::path& out, const std::string& format) {
  if (format != "json" && format != "cohort")
    throw std::invalid_argument("unknown export format '" + format + "': expected json or cohort");
  std::vector<Exam> readings;
  std::vector<Reading> records;
  {
    auto l = store.lock();  // one consistent picture
    readings = store.all_readings();
    records = store.readings();
  }
  const std::string manifest = manifest_text(records);
  std::set<std::pair<std::string, std::string>> main;
  std::map<std::string, int> readings_of;
  for (const auto& r : records) {
    if (r.main) main.insert({r.exam_id, r.reader});
    ++readings_of[r.exam_id];
  }
  if (format == "cohort") {
    const std::string exams_text = exams_csv_text(readings);
    const std::string lesions_text = lesions_csv_text(readings);  // with a reader column when read twice
    write_folder_atomically(out, [&](const fs::path& tmp) {
      write_file_atomically(tmp / "exams.csv", exams_text);
      write_file_atomically(tmp / "lesions.csv", lesions_text);
      write_file_atomically(tmp / kManifestName, manifest);
    });
  } else {
    std::map<std::string, std::string> names;  // file name -> which reading
    for (const auto& e : readings) {
      auto name = document_name(e, main.count({e.id, e.reader}) > 0);
      auto [it, fresh] = names.emplace(name, e.id + " by " + e.reader);
      if (!fresh)
        throw std::runtime_error("the readings " + it->second + " and " + e.id + " by " + e.reader +
                                 " would both be " + name + ": export with --format cohort");
    }
    write_folder_atomically(out, [&](const fs::path& tmp) {
      for (const auto& e : readings)
        write_file_atomically(tmp / document_name(e, main.count({e.id, e.reader}) > 0), write_exam_json(e));
      write_file_atomically(tmp / kManifestName, manifest);
    });
  }
  return {readings.size(), readings_of.size()};
}

}  // namespace crmo::store
