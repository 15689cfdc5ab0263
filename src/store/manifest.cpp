#include "store/manifest.hpp"

#include <nlohmann/json.hpp>

#include "formats/input_error.hpp"

namespace crmo::store {

using json = nlohmann::ordered_json;

std::string manifest_text(const std::vector<Reading>& readings) {
  json exams = json::array();
  std::string last;
  for (const auto& r : readings) {
    if (r.exam_id != last) {
      exams.push_back({{"exam_id", r.exam_id}, {"main_reader", ""}, {"consensus", json::array()}});
      last = r.exam_id;
    }
    auto& e = exams.back();
    if (r.main) e["main_reader"] = r.reader;
    if (r.kind == "consensus") e["consensus"].push_back({{"reader", r.reader}, {"sources", r.sources}});
  }
  json doc = {{"format", "crmo.readings-manifest/1"}, {"exams", exams}};
  return doc.dump(1) + "\n";
}

ImportExtras read_manifest(const std::string& text, const std::string& source) {
  std::vector<InputProblem> problems;
  ImportExtras out;
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    throw InputError(source, std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object() || doc.value("format", "") != "crmo.readings-manifest/1")
    throw InputError(source + ": $.format", "expected \"crmo.readings-manifest/1\"");
  if (!doc.contains("exams") || !doc["exams"].is_array()) throw InputError(source + ": $.exams", "expected a list");
  const auto& exams = doc["exams"];
  for (std::size_t i = 0; i < exams.size(); ++i) {
    const std::string at = source + ": $.exams[" + std::to_string(i) + "]";
    const auto& e = exams[i];
    if (!e.is_object() || !e.contains("exam_id") || !e["exam_id"].is_string() || !e.contains("main_reader") ||
        !e["main_reader"].is_string() || !e.contains("consensus") || !e["consensus"].is_array()) {
      problems.push_back({at, "expected {\"exam_id\": text, \"main_reader\": text, \"consensus\": [...]}"});
      continue;
    }
    const std::string id = e["exam_id"];
    out.main_reader[id] = e["main_reader"];
    for (std::size_t k = 0; k < e["consensus"].size(); ++k) {
      const auto& c = e["consensus"][k];
      bool ok = c.is_object() && c.contains("reader") && c["reader"].is_string() && c.contains("sources") &&
                c["sources"].is_array();
      if (ok)
        for (const auto& s : c["sources"]) ok = ok && s.is_string();
      if (!ok) {
        problems.push_back({at + ".consensus[" + std::to_string(k) + "]",
                            "expected {\"reader\": text, \"sources\": [text, ...]}"});
        continue;
      }
      out.consensus_sources[{id, c["reader"].get<std::string>()}] = c["sources"].get<std::vector<std::string>>();
    }
  }
  throw_if_any(std::move(problems));
  return out;
}

}  // namespace crmo::store
