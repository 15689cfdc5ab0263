#include "formats/readings_source.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "core/readers/readings.hpp"
#include "formats/cohort_csv.hpp"
#include "formats/csv.hpp"
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

struct TempDir {
  fs::path path;
  TempDir() {
    static std::atomic<unsigned> counter{0};
    std::random_device rd;
    path = fs::temp_directory_path() / fmt::format("crmo-readings-{}-{}", rd(), counter++);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// One reader's rows of both tables, with the original line of each row.
struct Part {
  std::vector<const csv::Row*> exam_rows, lesion_rows;
};

std::string table_text(const std::vector<std::string>& header, const std::vector<const csv::Row*>& rows,
                       std::optional<std::size_t> drop) {
  auto cut = [&](const std::vector<std::string>& cells) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < cells.size(); ++i)
      if (!drop || i != *drop) out.push_back(cells[i]);
    return out;
  };
  std::string text = csv::format_row(cut(header)) + "\n";
  for (const auto* r : rows) text += csv::format_row(cut(r->cells)) + "\n";
  return text;
}

// Maps the places of a part's problems back to the original files and lines.
InputProblem place_back(InputProblem p, const fs::path& tmp, const fs::path& dir,
                        const std::map<std::string, std::vector<std::size_t>>& lines) {
  for (const auto& [name, map] : lines) {
    const std::string from = (tmp / name).string(), to = (dir / name).string();
    if (p.place.rfind(from, 0) != 0) continue;
    std::string rest = p.place.substr(from.size());
    std::smatch m;
    static const std::regex line_re(R"(^ line (\d+))");
    if (std::regex_search(rest, m, line_re)) {
      std::size_t line = std::stoul(m[1].str());
      if (line >= 2 && line - 2 < map.size()) rest = " line " + std::to_string(map[line - 2]) + m.suffix().str();
    }
    p.place = to + rest;
    p.message = std::regex_replace(p.message, std::regex(std::regex_replace(
                                                  tmp.string(), std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)")),
                                   dir.string());
  }
  return p;
}

std::vector<Exam> read_cohort_readings(const fs::path& dir, const Atlas& atlas, const Scheme& scheme) {
  const std::string exams_file = (dir / "exams.csv").string(), lesions_file = (dir / "lesions.csv").string();
  const csv::Table exams = csv::parse(read_text_file(dir / "exams.csv"), exams_file);
  std::error_code ec;
  if (!fs::exists(dir / "lesions.csv", ec)) return read_cohort_folder(dir, atlas, scheme);  // it says what is missing
  const csv::Table lesions = csv::parse(read_text_file(dir / "lesions.csv"), lesions_file);
  const auto exam_col = exams.column("exam_id"), reader_col = exams.column("reader");
  const auto lesion_exam_col = lesions.column("exam_id"), lesion_reader_col = lesions.column("reader");
  // Readings of one exam by several readers?
  std::map<std::string, std::set<std::string>> readers_of;
  auto cell = [](const csv::Row& r, std::optional<std::size_t> c) {
    return c && *c < r.cells.size() ? r.cells[*c] : std::string();
  };
  for (const auto& row : exams.rows) readers_of[cell(row, exam_col)].insert(cell(row, reader_col));
  const bool several = std::any_of(readers_of.begin(), readers_of.end(), [](const auto& kv) { return kv.second.size() > 1; });
  if (!several && !lesion_reader_col) return read_cohort_folder(dir, atlas, scheme);
  if (!exam_col) return read_cohort_folder(dir, atlas, scheme);  // it reports the header

  std::vector<InputProblem> problems;
  if (!lesion_reader_col) {
    for (const auto& [exam, rs] : readers_of)
      if (rs.size() > 1) {
        problems.push_back({lesions_file, "exam '" + exam +
                                              "' has several readings in exams.csv: lesions.csv needs a 'reader' "
                                              "column saying whose reading each lesion row is"});
        break;
      }
    throw_if_any(std::move(problems));
  }
  std::map<std::string, Part> parts;  // by reader
  std::set<std::pair<std::string, std::string>> readings;
  for (const auto& row : exams.rows) {
    parts[cell(row, reader_col)].exam_rows.push_back(&row);
    readings.emplace(cell(row, exam_col), cell(row, reader_col));
  }
  for (const auto& row : lesions.rows) {
    const std::string exam = cell(row, lesion_exam_col), reader = cell(row, lesion_reader_col);
    if (!readings.count({exam, reader})) {
      problems.push_back({fmt::format("{} line {}, column reader", lesions_file, row.line),
                          "no reading of exam '" + exam + "' by reader '" + reader + "' in exams.csv"});
      continue;
    }
    parts[reader].lesion_rows.push_back(&row);
  }
  throw_if_any(problems);

  std::vector<Exam> out;
  for (const auto& [reader, part] : parts) {
    TempDir tmp;
    write_file_atomically(tmp.path / "exams.csv", table_text(exams.header, part.exam_rows, std::nullopt));
    write_file_atomically(tmp.path / "lesions.csv", table_text(lesions.header, part.lesion_rows, lesion_reader_col));
    std::map<std::string, std::vector<std::size_t>> lines;
    for (const auto* r : part.exam_rows) lines["exams.csv"].push_back(r->line);
    for (const auto* r : part.lesion_rows) lines["lesions.csv"].push_back(r->line);
    try {
      auto exams_of_reader = read_cohort_folder(tmp.path, atlas, scheme);
      out.insert(out.end(), exams_of_reader.begin(), exams_of_reader.end());
    } catch (const InputError& e) {
      for (const auto& p : e.problems()) problems.push_back(place_back(p, tmp.path, dir, lines));
    }
  }
  throw_if_any(std::move(problems));
  // Input order of exams.csv.
  std::map<std::pair<std::string, std::string>, std::size_t> order;
  for (std::size_t i = 0; i < exams.rows.size(); ++i)
    order.emplace(std::make_pair(cell(exams.rows[i], exam_col), cell(exams.rows[i], reader_col)), i);
  std::stable_sort(out.begin(), out.end(), [&](const Exam& a, const Exam& b) {
    return order[{a.id, a.reader}] < order[{b.id, b.reader}];
  });
  return out;
}

}  // namespace

std::vector<Exam> load_readings(const fs::path& path, const Atlas& atlas, const Scheme& scheme) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw InputError(path.string(), "no such file or folder");
  std::vector<Exam> out;
  if (!fs::is_directory(path, ec)) out = {read_exam_json(read_text_file(path), path.string(), atlas, scheme)};
  else if (is_cohort_folder(path)) out = read_cohort_readings(path, atlas, scheme);
  else out = read_document_folder(path, atlas, scheme);
  std::vector<InputProblem> problems;
  for (const auto& p : readers::check_readings(out)) problems.push_back({path.string(), p});
  throw_if_any(std::move(problems));
  return out;
}

}  // namespace crmo
