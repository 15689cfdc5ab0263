#pragma once
// The cells of one row of a csv::Table read as values, each problem placed as
// "<file> line N, column C" and collected (readers report every problem in one pass).
// Tables differ in a few conventions (the cohort tables take NA and true/yes/1; REDCap's
// raw export has 1/0 for yes/no), given by a CellDialect.
#include <optional>
#include <string>
#include <vector>

#include "formats/csv.hpp"
#include "formats/exam_row.hpp"
#include "formats/input_error.hpp"

namespace crmo {

struct CellDialect {
  bool na_is_empty = true;     // NA = missing (R's write.csv)
  bool yes_no_01_only = false;  // booleans only as 1/0 (REDCap raw yes/no)
  std::string yes_no_expected = "true/false, yes/no or 1/0";
  std::string integer_expected = "an integer grade";
  std::string date_expected = "an ISO 8601 calendar date YYYY-MM-DD";
};

class TableCells : public ExamCells {
 public:
  TableCells(const csv::Table& t, const csv::Row& r, std::string file, std::vector<InputProblem>& p,
             const CellDialect& d)
      : table_(t), row_(r), file_(std::move(file)), problems_(p), dialect_(d) {}

  std::optional<std::string> cell(const std::string& col) const override;  // empty = nullopt
  std::string required(const std::string& col) const override;
  std::optional<double> number(const std::string& col) const override;
  std::optional<int> integer(const std::string& col) const;
  std::optional<bool> boolean(const std::string& col) const override;
  std::optional<Date> date(const std::string& col, bool required) const override;

  std::string place(const std::string& col) const;
  void problem(const std::string& col, std::string msg) const;
  std::size_t line() const { return row_.line; }

 private:
  std::optional<std::string> value(const std::string& col) const;  // cell, NA as missing per dialect
  const csv::Table& table_;
  const csv::Row& row_;
  std::string file_;
  std::vector<InputProblem>& problems_;
  const CellDialect& dialect_;
};

}  // namespace crmo
