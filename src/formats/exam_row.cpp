#include "formats/exam_row.hpp"

#include <fmt/format.h>

namespace crmo {

void append_site_cells(std::vector<std::string>& row, const SiteGrading& g, const std::vector<std::string>& items,
                       std::string (*boolean)(const std::optional<bool>&)) {
  auto num = [](const std::optional<double>& v) { return v ? fmt::format("{}", *v) : std::string(); };
  for (const auto& item : items) {
    auto it = g.grades.find(item);
    row.push_back(it == g.grades.end() ? "" : std::to_string(it->second));
  }
  row.push_back(g.physis.value_or(""));
  row.push_back(boolean(g.symptomatic));
  row.push_back(g.lesion.value_or(""));
  row.push_back(num(g.max_diameter_mm));
  row.push_back(num(g.volume_ml));
  row.push_back(num(g.si_ratio));
}

ExamRow read_exam_row(const ExamCells& r) {
  ExamRow row;
  Exam& e = row.exam;
  e.patient.id = r.required("patient_id");
  auto d = r.date("exam_date", true);
  if (d) e.date = *d;
  row.date_ok = d.has_value();
  e.patient.sex = r.cell("sex");
  e.patient.birth_date = r.date("birth_date", false);
  e.patient.age_years = r.number("age_years");
  e.timepoint = r.cell("timepoint").value_or("");
  e.reader = r.cell("reader").value_or("");
  auto& c = e.clinical;
  c.pga = r.number("pga");
  c.pain = r.number("pain");
  c.patient_global = r.number("patient_global");
  c.chaq = r.number("chaq");
  c.esr = r.number("esr");
  c.crp = r.number("crp");
  c.fever = r.boolean("fever");
  c.normal_blood_count = r.boolean("normal_blood_count");
  c.marginal_sclerosis = r.boolean("marginal_sclerosis");
  c.biopsy = r.cell("biopsy");
  c.clinical_severity = r.number("clinical_severity");
  if (auto s = r.cell("symptomatic_sites")) c.symptomatic_sites = split_sites(*s);
  return row;
}

std::string exam_row_column(const std::string& field, const std::string& id_column) {
  if (field == "exam.id") return id_column;
  if (field == "exam.date") return "exam_date";
  if (field == "patient.id") return "patient_id";
  if (field.starts_with("patient.")) return field.substr(8);
  if (field.starts_with("clinical.symptomatic_sites")) return "symptomatic_sites";
  if (field.starts_with("clinical.")) return field.substr(9);
  return field;
}

std::vector<std::string> split_sites(const std::string& cell) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= cell.size()) {
    auto end = cell.find(';', start);
    if (end == std::string::npos) end = cell.size();
    std::string s = cell.substr(start, end - start);
    while (!s.empty() && s.front() == ' ') s.erase(s.begin());
    while (!s.empty() && s.back() == ' ') s.pop_back();
    if (!s.empty()) out.push_back(s);
    start = end + 1;
  }
  return out;
}

}  // namespace crmo
