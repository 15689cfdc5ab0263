#include "formats/exam_source.hpp"

#include <algorithm>
#include <map>

#include "formats/cohort_csv.hpp"
#include "formats/exam_json.hpp"
#include "formats/file_io.hpp"
#include "formats/input_error.hpp"

namespace crmo {

namespace fs = std::filesystem;

ExamSourceKind exam_source_kind(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw InputError(path.string(), "no such file or folder");
  if (fs::is_directory(path, ec))
    return is_cohort_folder(path) ? ExamSourceKind::CohortFolder : ExamSourceKind::ExamFolder;
  return ExamSourceKind::ExamDocument;
}

std::vector<Exam> load_exams(const fs::path& path, const Atlas& atlas, const Scheme& scheme) {
  switch (exam_source_kind(path)) {
    case ExamSourceKind::CohortFolder:
      return read_cohort_folder(path, atlas, scheme, CohortReadings::OnePerExam);
    case ExamSourceKind::ExamDocument:
      return {read_exam_json(read_text_file(path), path.string(), atlas, scheme)};
    case ExamSourceKind::ExamFolder: break;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(path))
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  if (files.empty())
    throw InputError(path.string(), "no exam documents (*.json) and no exams.csv: expected exam documents or a cohort folder");
  std::vector<Exam> exams;
  std::vector<InputProblem> problems;
  std::map<std::string, std::string> seen;  // exam id -> file
  for (const auto& f : files) {
    try {
      Exam e = read_exam_json(read_text_file(f), f.string(), atlas, scheme);
      auto [it, fresh] = seen.emplace(e.id, f.string());
      if (!fresh) problems.push_back({f.string() + ": $.exam.id", "duplicate exam id '" + e.id + "', also in " + it->second});
      exams.push_back(std::move(e));
    } catch (const InputError& e) {
      problems.insert(problems.end(), e.problems().begin(), e.problems().end());
    }
  }
  throw_if_any(std::move(problems));
  return exams;
}

}  // namespace crmo
