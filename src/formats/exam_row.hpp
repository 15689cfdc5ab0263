#pragma once
// One exam row of a table (the cohort tables' exams.csv, a REDCap record's exam row) read
// into an Exam: the one mapping of columns to exam fields, shared by every tabular reader.
// The tables differ in how a cell is read (REDCap's yes/no is 1/0, the cohort tables also
// take true/false and yes/no) and where the exam id comes from, so they supply the cells.
#include <optional>
#include <string>
#include <vector>

#include "core/exam.hpp"

namespace crmo {

// A row's cells by column name; each reader records its problems with file, line and column.
class ExamCells {
 public:
  virtual ~ExamCells() = default;
  virtual std::optional<std::string> cell(const std::string& col) const = 0;  // empty = nullopt
  virtual std::string required(const std::string& col) const = 0;
  virtual std::optional<double> number(const std::string& col) const = 0;
  virtual std::optional<bool> boolean(const std::string& col) const = 0;
  virtual std::optional<Date> date(const std::string& col, bool required) const = 0;
};

// Patient, date, timepoint, reader and clinical fields (the exam id is the caller's: its
// column differs). `date_ok` is false when the exam date was missing or unreadable.
struct ExamRow {
  Exam exam;
  bool date_ok = false;
};
ExamRow read_exam_row(const ExamCells& cells);

// The exam row's column of a validator field (core/validation.hpp), the exam id's being
// `id_column`.
std::string exam_row_column(const std::string& field, const std::string& id_column);

// One site grading as table cells, appended to `row`: each grade item's value (empty when
// not graded), physis, symptomatic (written by `boolean`: the tables differ there), lesion,
// max_diameter_mm, volume_ml, si_ratio. The other direction of the lesion tables' columns.
void append_site_cells(std::vector<std::string>& row, const SiteGrading& g, const std::vector<std::string>& items,
                       std::string (*boolean)(const std::optional<bool>&));

// `a;b; c` -> {a, b, c} (symptomatic_sites).
std::vector<std::string> split_sites(const std::string& cell);

}  // namespace crmo
