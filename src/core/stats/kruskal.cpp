#include "core/stats/kruskal.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/stats/distributions.hpp"
#include "core/stats/ranks.hpp"

namespace crmo::stats {

TestResult kruskal(const std::vector<std::vector<double>>& groups_in) {
  TestResult res;
  res.test = "kruskal";
  if (groups_in.size() < 2) throw StatsError("Kruskal-Wallis needs at least 2 groups");
  std::vector<std::vector<double>> groups;
  for (const auto& g : groups_in) groups.push_back(drop_missing(g, res.n_missing));
  for (std::size_t i = 0; i < groups.size(); ++i)
    if (groups[i].empty()) throw StatsError(fmt::format("all groups must contain data: group {} is empty", i + 1));
  std::vector<double> all;
  for (const auto& g : groups) all.insert(all.end(), g.begin(), g.end());
  const double n = static_cast<double>(all.size());
  if (all.size() < 2) throw StatsError("not enough observations for Kruskal-Wallis (needs at least 2)");
  const std::vector<double> r = rank_average(all);
  long double h = 0;
  std::size_t at = 0;
  for (const auto& g : groups) {
    long double s = 0;
    for (std::size_t i = 0; i < g.size(); ++i) s += r[at + i];
    at += g.size();
    h += s * s / static_cast<long double>(g.size());
  }
  const double denom = 1 - tie_term(all) / (n * n * n - n);
  if (!(denom > 0)) throw StatsError("all observations are equal: Kruskal-Wallis is undefined (R gives NaN)");
  const double stat = (12 * static_cast<double>(h) / (n * (n + 1)) - 3 * (n + 1)) / denom;
  const double df = static_cast<double>(groups.size()) - 1;
  res.n = all.size();
  res.method = "Kruskal-Wallis rank sum test: chi-squared approximation";
  res.exact = false;
  res.statistic = stat;
  res.statistic_name = "Kruskal-Wallis chi-squared";
  res.parameter = df;
  res.parameter_name = "df";
  res.p_value = dist::pchisq(stat, df, false);
  return res;
}

}  // namespace crmo::stats
