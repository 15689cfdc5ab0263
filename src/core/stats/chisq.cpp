#include "core/stats/chisq.hpp"

#include <algorithm>
#include <cmath>

#include "core/stats/distributions.hpp"

namespace crmo::stats {

TestResult chisq(const CountTable& t, const ChisqOptions& options) {
  if (t.size() < 2 || t[0].size() < 2) throw StatsError("the table must have at least 2 rows and 2 columns");
  const std::size_t nr = t.size(), nc = t[0].size();
  std::vector<double> sr(nr, 0), sc(nc, 0);
  double n = 0;
  for (std::size_t i = 0; i < nr; ++i) {
    if (t[i].size() != nc) throw StatsError("ragged table");
    for (std::size_t j = 0; j < nc; ++j) {
      if (!(t[i][j] >= 0) || std::isinf(t[i][j])) throw StatsError("all entries of the table must be nonnegative and finite");
      sr[i] += t[i][j];
      sc[j] += t[i][j];
      n += t[i][j];
    }
  }
  if (n == 0) throw StatsError("at least one entry of the table must be positive");
  for (double s : sr)
    if (s == 0) throw StatsError("a row of the table has no observations: expected counts of 0 (R gives NaN)");
  for (double s : sc)
    if (s == 0) throw StatsError("a column of the table has no observations: expected counts of 0 (R gives NaN)");
  TestResult res;
  res.test = "chisq";
  res.n = static_cast<std::size_t>(n);
  res.exact = false;
  double yates = 0;
  bool small = false;
  std::vector<std::vector<double>> e(nr, std::vector<double>(nc));
  for (std::size_t i = 0; i < nr; ++i)
    for (std::size_t j = 0; j < nc; ++j) {
      e[i][j] = sr[i] * sc[j] / n;
      small = small || e[i][j] < 5;
    }
  res.method = "Pearson's Chi-squared test";
  if (options.correct && nr == 2 && nc == 2) {
    yates = 0.5;
    for (std::size_t i = 0; i < 2; ++i)
      for (std::size_t j = 0; j < 2; ++j) yates = std::min(yates, std::fabs(t[i][j] - e[i][j]));
    if (yates > 0) res.method += " with Yates' continuity correction";
  }
  res.method += ": chi-squared approximation";
  long double stat = 0;
  for (std::size_t i = 0; i < nr; ++i)
    for (std::size_t j = 0; j < nc; ++j) {
      const double d = std::fabs(t[i][j] - e[i][j]) - yates;
      stat += d * d / e[i][j];
    }
  const double df = static_cast<double>((nr - 1) * (nc - 1));
  res.statistic = static_cast<double>(stat);
  res.statistic_name = "X-squared";
  res.parameter = df;
  res.parameter_name = "df";
  res.p_value = dist::pchisq(static_cast<double>(stat), df, false);
  if (small) res.warnings.push_back("Chi-squared approximation may be incorrect");
  return res;
}

}  // namespace crmo::stats
