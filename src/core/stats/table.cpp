#include "core/stats/table.hpp"

#include <algorithm>
#include <charconv>
#include <map>

#include "core/stats/result.hpp"

namespace crmo::stats {
namespace {

bool as_number(const std::string& s, double& v) {
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, v);
  return ec == std::errc() && ptr == end;
}

}  // namespace

std::vector<std::string> sorted_levels(const std::vector<std::string>& labels) {
  std::vector<std::string> levels;
  for (const auto& l : labels)
    if (!l.empty()) levels.push_back(l);
  std::sort(levels.begin(), levels.end());
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  bool numeric = true;
  double v;
  for (const auto& l : levels) numeric = numeric && as_number(l, v);
  if (numeric)
    std::stable_sort(levels.begin(), levels.end(), [](const std::string& a, const std::string& b) {
      double x, y;
      as_number(a, x);
      as_number(b, y);
      return x < y;
    });
  return levels;
}

LabelledTable cross_table(const std::vector<std::string>& rows, const std::vector<std::string>& columns) {
  if (rows.size() != columns.size()) throw StatsError("'x' and 'y' must have the same length");
  LabelledTable t;
  std::vector<std::string> r, c;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].empty() || columns[i].empty()) {
      ++t.n_missing;
      continue;
    }
    r.push_back(rows[i]);
    c.push_back(columns[i]);
  }
  t.row_levels = sorted_levels(r);
  t.column_levels = sorted_levels(c);
  std::map<std::string, std::size_t> ri, ci;
  for (std::size_t i = 0; i < t.row_levels.size(); ++i) ri[t.row_levels[i]] = i;
  for (std::size_t i = 0; i < t.column_levels.size(); ++i) ci[t.column_levels[i]] = i;
  t.counts.assign(t.row_levels.size(), std::vector<double>(t.column_levels.size(), 0.0));
  for (std::size_t i = 0; i < r.size(); ++i) t.counts[ri[r[i]]][ci[c[i]]] += 1;
  return t;
}

}  // namespace crmo::stats
