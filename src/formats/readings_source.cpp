#include "formats/readings_source.hpp"

#include <algorithm>
#include <map>

#include "core/readers/readings.hpp"
#include "formats/cohort_csv.hpp"
#include "formats/exam_json.hpp"
#include "formats/file_io.hpp"
#include "formats/input_error.hpp"

namespace crmo {

namespace fs = std::filesystem;

namespace {

std::vector<Exam> read_document_folder(const fs::path& dir, const Atlas& atlas, const Scheme& scheme) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file(ec) && entry.path().extension() == ".json") files.push_back(entry.path());
    if (entry.is_directory(ec))
      for (const auto& inner : fs::directory_iterator(entry.path()))
        if (inner.is_regular_file(ec) && inner.path().extension() == ".json") files.push_back(inner.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty())
    throw InputError(dir.string(), "no exam documents (*.json, also one folder down) and no exams.csv");
  std::vector<Exam> exams;
  std::vector<InputProblem> problems;
  std::map<std::pair<std::string, std::string>, std::string> seen;  // (exam, reader) -> file
  for (const auto& f : files) {
    try {
      Exam e = read_exam_json(read_text_file(f), f.string(), atlas, scheme);
      auto [it, fresh] = seen.emplace(std::make_pair(e.id, e.reader), f.string());
      if (!fresh)
        problems.push_back({f.string() + ": $.exam", "exam '" + e.id + "' read by '" + e.reader + "' again; also in " +
                                                         it->second + " (each reader reads an exam once)"});
      exams.push_back(std::move(e));
    } catch (const InputError& e) {
      problems.insert(problems.end(), e.problems().begin(), e.problems().end());
    }
  }
  throw_if_any(std::move(problems));
  return exams;
}

}  // namespace

std::vector<Exam> load_readings(const fs::path& path, const Atlas& atlas, const Scheme& scheme) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw InputError(path.string(), "no such file or folder");
  std::vector<Exam> out;
  if (!fs::is_directory(path, ec)) out = {read_exam_json(read_text_file(path), path.string(), atlas, scheme)};
  else if (is_cohort_folder(path)) out = read_cohort_folder(path, atlas, scheme);  // every reading, one pass
  else out = read_document_folder(path, atlas, scheme);
  std::vector<InputProblem> problems;
  for (const auto& p : readers::check_readings(out)) problems.push_back({path.string(), p});
  throw_if_any(std::move(problems));
  return out;
}

}  // namespace crmo
