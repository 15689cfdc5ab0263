#include "formats/table_cells.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace crmo {

std::optional<std::string> TableCells::cell(const std::string& col) const {
  auto i = table_.column(col);
  if (!i || row_.cells[*i].empty()) return std::nullopt;
  return row_.cells[*i];
}

std::optional<std::string> TableCells::value(const std::string& col) const {
  auto v = cell(col);
  if (v && dialect_.na_is_empty && *v == "NA") return std::nullopt;
  return v;
}

std::string TableCells::place(const std::string& col) const {
  return fmt::format("{} line {}, column {}", file_, row_.line, col);
}

void TableCells::problem(const std::string& col, std::string msg) const {
  problems_.push_back({place(col), std::move(msg)});
}

std::string TableCells::required(const std::string& col) const {
  auto v = cell(col);
  if (!v) problem(col, "required value is empty");
  return v.value_or("");
}

std::optional<double> TableCells::number(const std::string& col) const {
  auto v = value(col);
  if (!v) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  double d = std::strtod(v->c_str(), &end);
  if (end != v->c_str() + v->size() || errno == ERANGE || !std::isfinite(d)) {
    problem(col, "expected a number, got '" + *v + "'");
    return std::nullopt;
  }
  return d;
}

std::optional<int> TableCells::integer(const std::string& col) const {
  auto v = value(col);
  if (!v) return std::nullopt;
  char* end = nullptr;
  long x = std::strtol(v->c_str(), &end, 10);
  if (end != v->c_str() + v->size() || x < -1000000 || x > 1000000) {
    problem(col, "expected " + dialect_.integer_expected + ", got '" + *v + "'");
    return std::nullopt;
  }
  return static_cast<int>(x);
}

std::optional<bool> TableCells::boolean(const std::string& col) const {
  auto v = value(col);
  if (!v) return std::nullopt;
  std::string s = *v;
  if (!dialect_.yes_no_01_only) std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  const bool words = !dialect_.yes_no_01_only;
  if (s == "1" || (words && (s == "true" || s == "yes"))) return true;
  if (s == "0" || (words && (s == "false" || s == "no"))) return false;
  problem(col, "expected " + dialect_.yes_no_expected + ", got '" + *v + "'");
  return std::nullopt;
}

std::optional<Date> TableCells::date(const std::string& col, bool required) const {
  auto v = cell(col);
  if (!v) {
    if (required) problem(col, "required value is empty: expected a date YYYY-MM-DD");
    return std::nullopt;
  }
  auto d = parse_date(*v);
  if (!d) problem(col, "bad date '" + *v + "': expected " + dialect_.date_expected);
  return d;
}

}  // namespace crmo
