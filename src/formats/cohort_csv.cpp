#include "formats/cohort_csv.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/validation.hpp"
#include "formats/csv.hpp"
#include "formats/exam_row.hpp"
#include "formats/exam_json.hpp"
#include "formats/file_io.hpp"
#include "formats/input_error.hpp"
#include "formats/table_cells.hpp"

namespace crmo {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kExamColumns = {
    "patient_id", "exam_id", "exam_date", "sex", "birth_date", "age_years", "timepoint", "reader",
    "pga", "pain", "patient_global", "chaq", "esr", "crp", "fever", "normal_blood_count",
    "marginal_sclerosis", "biopsy", "clinical_severity", "symptomatic_sites"};
const std::vector<std::string> kLesionTail = {"physis", "symptomatic", "lesion", "max_diameter_mm",
                                              "volume_ml", "si_ratio"};

std::string join(const std::vector<std::string>& v) { return fmt::format("{}", fmt::join(v, ", ")); }

// Cells of the cohort tables: NA is missing; booleans true/false, yes/no or 1/0.
const CellDialect kCohortCells{};

struct RowReader : TableCells {
  RowReader(const csv::Table& t, const csv::Row& r, const std::string& file, std::vector<InputProblem>& p)
      : TableCells(t, r, file, p, kCohortCells) {}
};

void check_header(const csv::Table& t, const std::string& file, const std::vector<std::string>& allowed,
                  const std::vector<std::string>& required, std::vector<InputProblem>& problems) {
  std::set<std::string> seen;
  for (const auto& h : t.header) {
    if (std::find(allowed.begin(), allowed.end(), h) == allowed.end())
      problems.push_back({fmt::format("{} line 1, column {}", file, h),
                          "unknown column '" + h + "' (expected: " + join(allowed) + ")"});
    if (!seen.insert(h).second)
      problems.push_back({fmt::format("{} line 1, column {}", file, h), "column '" + h + "' appears twice"});
  }
  for (const auto& r : required)
    if (!t.column(r)) problems.push_back({file + " line 1", "required column '" + r + "' is missing"});
}

}  // namespace

bool is_cohort_folder(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir, ec) && fs::exists(dir / "exams.csv", ec);
}

std::vector<Exam> read_cohort_folder(const fs::path& dir, const Atlas& atlas, const Scheme& scheme,
                                     CohortReadings readings) {
  std::vector<InputProblem> problems;
  const std::string exams_file = (dir / "exams.csv").string();
  const std::string lesions_file = (dir / "lesions.csv").string();
  const csv::Table exams_table = csv::parse(read_text_file(dir / "exams.csv"), exams_file);
  std::error_code ec;
  csv::Table lesions_table;
  bool have_lesions = fs::exists(dir / "lesions.csv", ec);
  if (have_lesions) lesions_table = csv::parse(read_text_file(dir / "lesions.csv"), lesions_file);
  else problems.push_back({lesions_file, "missing: a cohort folder has exams.csv and lesions.csv (header only when no exam has lesions)"});

  check_header(exams_table, exams_file, kExamColumns, {"patient_id", "exam_id", "exam_date"}, problems);
  std::vector<std::string> lesion_columns = {"exam_id", "reader", "site"};  // reader: crmo's extension
  for (const auto& item : scheme.items) lesion_columns.push_back(item.name);
  lesion_columns.insert(lesion_columns.end(), kLesionTail.begin(), kLesionTail.end());
  if (have_lesions) check_header(lesions_table, lesions_file, lesion_columns, {"exam_id", "site"}, problems);
  throw_if_any(problems);  // cells cannot be read against a broken header

  // One reading per row of exams.csv; an exam_id repeats once per reader (docs/readers.md).
  std::vector<Exam> exams;
  std::vector<std::size_t> exam_lines;
  std::vector<bool> exam_date_ok;
  std::unordered_map<std::string, std::vector<std::size_t>> readings_of;  // exam id -> its readings
  std::unordered_map<std::string, std::pair<std::size_t, Patient>> patients;  // first row of each patient
  exams.reserve(exams_table.rows.size());
  for (const csv::Row& row : exams_table.rows) {
    RowReader r(exams_table, row, exams_file, problems);
    const std::string id = r.required("exam_id");
    ExamRow read = read_exam_row(r);
    Exam& e = read.exam;
    e.id = id;
    if (!e.id.empty()) {
      auto& list = readings_of[e.id];
      for (std::size_t k : list) {
        if (exams[k].reader == e.reader)
          r.problem("exam_id", e.reader.empty()
                                   ? fmt::format("duplicate exam id '{}' (first on line {})", e.id, exam_lines[k])
                                   : fmt::format("duplicate exam id '{}' for reader '{}' (first on line {}; each "
                                                 "reader reads an exam once)",
                                                 e.id, e.reader, exam_lines[k]));
        else if (readings == CohortReadings::OnePerExam)
          r.problem("exam_id", fmt::format("duplicate exam id '{}' (first on line {}): a second reading, by '{}'; "
                                           "this command takes one reading per exam",
                                           e.id, exam_lines[k], e.reader));
        else
          continue;
        break;
      }
      list.push_back(exams.size());
    }
    if (!e.patient.id.empty()) {
      auto [it, fresh] = patients.try_emplace(e.patient.id, row.line, e.patient);
      const Patient& first = it->second.second;
      if (!fresh) {
        if (first.sex != e.patient.sex)
          r.problem("sex", fmt::format("patient {} has a different sex on line {}", e.patient.id, it->second.first));
        if (first.birth_date != e.patient.birth_date)
          r.problem("birth_date", fmt::format("patient {} has a different birth date on line {}", e.patient.id, it->second.first));
      }
    }
    exams.push_back(std::move(e));
    exam_lines.push_back(row.line);
    exam_date_ok.push_back(read.date_ok);
  }
  // Lesion rows, kept with their lines to place semantic problems. A row belongs to the
  // reading (exam_id, reader); without a reader (column or cell), to the exam's only reading.
  std::vector<std::vector<std::size_t>> lesion_lines(exams.size());
  std::set<std::size_t> no_involvement;  // lines whose involvement grade was unreadable
  std::set<std::string> ambiguous;       // exams already reported as needing a reader
  const bool reader_column = lesions_table.column("reader").has_value();
  for (const csv::Row& row : lesions_table.rows) {
    RowReader r(lesions_table, row, lesions_file, problems);
    std::string exam_id = r.required("exam_id");
    std::optional<std::string> reader = r.cell("reader");
    SiteGrading g;
    g.site = r.required("site");
    for (const auto& item : scheme.items) {
      std::size_t before = problems.size();
      if (auto v = r.integer(item.name)) g.grades[item.name] = *v;
      if (item.name == scheme.involvement_item && problems.size() > before) no_involvement.insert(row.line);
    }
    g.physis = r.cell("physis");
    g.symptomatic = r.boolean("symptomatic");
    g.lesion = r.cell("lesion");
    g.max_diameter_mm = r.number("max_diameter_mm");
    g.volume_ml = r.number("volume_ml");
    g.si_ratio = r.number("si_ratio");
    if (exam_id.empty()) continue;
    auto it = readings_of.find(exam_id);
    if (it == readings_of.end()) {
      r.problem("exam_id", "lesion row for unknown exam '" + exam_id + "': no such exam_id in exams.csv");
      continue;
    }
    const std::vector<std::size_t>& list = it->second;
    std::optional<std::size_t> target;
    for (std::size_t k : list)
      if (exams[k].reader == reader.value_or("")) target = k;
    if (!target && !reader && list.size() == 1) target = list.front();
    if (!target) {
      std::string names;
      for (std::size_t k : list) names += (names.empty() ? "'" : ", '") + exams[k].reader + "'";
      if (reader)
        r.problem("reader", "no reading of exam '" + exam_id + "' by reader '" + *reader + "' in exams.csv (readers " +
                                names + ")");
      else if (reader_column)
        r.problem("reader", "empty, but exam '" + exam_id + "' has several readings in exams.csv (readers " + names +
                                "): say whose reading this row is");
      else if (ambiguous.insert(exam_id).second)  // once per exam: every row of it has the same problem
        r.problem("exam_id", "exam '" + exam_id + "' has several readings in exams.csv (readers " + names +
                                 "): lesions.csv needs a 'reader' column saying whose reading each lesion row is");
      continue;
    }
    exams[*target].lesions.push_back(std::move(g));
    lesion_lines[*target].push_back(row.line);
  }
  for (std::size_t i = 0; i < exams.size(); ++i) {
    if (exams[i].id.empty()) continue;
    for (const Problem& p : validate_exam(exams[i], atlas, scheme)) {
      if (p.field == "exam.id" || p.field == "patient.id") continue;  // reported as empty cells
      if (p.field == "patient.birth_date" && !exam_date_ok[i]) continue;
      if (p.lesion >= 0 && p.needs_involvement && no_involvement.count(lesion_lines[i][p.lesion])) continue;
      if (p.lesion >= 0)
        problems.push_back({fmt::format("{} line {}, column {}", lesions_file, lesion_lines[i][p.lesion], p.field),
                            p.message});
      else
        problems.push_back({fmt::format("{} line {}, column {}", exams_file, exam_lines[i], exam_row_column(p.field, "exam_id")),
                            p.message});
    }
  }
  throw_if_any(std::move(problems));
  return exams;
}

namespace {
std::string num(const std::optional<double>& v) { return v ? fmt::format("{}", *v) : ""; }
std::string flag(const std::optional<bool>& v) { return v ? (*v ? "true" : "false") : ""; }
}  // namespace

std::string exams_csv_text(const std::vector<Exam>& exams) {
  std::string out = csv::format_row(kExamColumns);
  for (const Exam& e : exams) {
    const auto& c = e.clinical;
    std::string sites;
    for (const auto& s : c.symptomatic_sites) sites += (sites.empty() ? "" : ";") + s;
    out += csv::format_row({e.patient.id, e.id, e.date.iso(), e.patient.sex.value_or(""),
                            e.patient.birth_date ? e.patient.birth_date->iso() : "", num(e.patient.age_years),
                            e.timepoint, e.reader, num(c.pga), num(c.pain), num(c.patient_global), num(c.chaq),
                            num(c.esr), num(c.crp), flag(c.fever), flag(c.normal_blood_count),
                            flag(c.marginal_sclerosis), c.biopsy.value_or(""), num(c.clinical_severity), sites});
  }
  return out;
}

std::string lesions_csv_text(const std::vector<Exam>& exams) {
  std::map<std::string, int> all_items;
  for (const Exam& e : exams)
    for (const auto& g : e.lesions)
      for (const auto& [k, v] : g.grades) all_items[k] = 0;
  for (const char* usual : {"signal", "extent", "soft_tissue", "periosteal", "expansion", "collapse"})
    all_items[usual] = 0;
  std::vector<std::string> items = grade_output_order(all_items);
  // A reader column only when some exam has several readings: then it says whose reading
  // each row is; otherwise the exam_id does, and the table is exactly the spec's.
  std::unordered_map<std::string, int> readings_of;
  bool several = false;
  for (const Exam& e : exams) several |= ++readings_of[e.id] > 1;
  std::vector<std::string> header = {"exam_id"};
  if (several) header.push_back("reader");
  header.push_back("site");
  header.insert(header.end(), items.begin(), items.end());
  header.insert(header.end(), kLesionTail.begin(), kLesionTail.end());
  std::string out = csv::format_row(header);
  for (const Exam& e : exams)
    for (const SiteGrading& g : e.lesions) {
      std::vector<std::string> row = {e.id};
      if (several) row.push_back(e.reader);
      row.push_back(g.site);
      append_site_cells(row, g, items, flag);
      out += csv::format_row(row);
    }
  return out;
}

void write_cohort_folder(const fs::path& dir, const std::vector<Exam>& exams) {
  const std::string exams_text = exams_csv_text(exams);
  const std::string lesions_text = lesions_csv_text(exams);
  write_folder_atomically(dir, [&](const fs::path& tmp) {
    write_file_atomically(tmp / "exams.csv", exams_text);
    write_file_atomically(tmp / "lesions.csv", lesions_text);
  });
}

}  // namespace crmo
