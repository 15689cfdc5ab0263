#include "core/stats/ranks.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace crmo::stats {

std::vector<double> rank_average(const std::vector<double>& values) {
  const std::size_t n = values.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(n);
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && values[order[j]] == values[order[i]]) ++j;
    const double r = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t k = i; k < j; ++k) ranks[order[k]] = r;
    i = j;
  }
  return ranks;
}

std::vector<std::size_t> tie_groups(const std::vector<double>& values) {
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::size_t> groups;
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i + 1;
    while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
    groups.push_back(j - i);
    i = j;
  }
  return groups;
}

double tie_term(const std::vector<double>& values) {
  double s = 0;
  for (std::size_t t : tie_groups(values)) {
    const double d = static_cast<double>(t);
    s += d * d * d - d;
  }
  return s;
}

bool has_ties(const std::vector<double>& values) {
  return tie_groups(values).size() < values.size();
}

double pearson_r(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  if (n < 2 || y.size() != n) return std::numeric_limits<double>::quiet_NaN();
  long double sx = 0, sy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sx += x[i];
    sy += y[i];
  }
  long double mx = sx / n, my = sy / n;
  // R refines the means with a second pass.
  long double cx = 0, cy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    cx += x[i] - mx;
    cy += y[i] - my;
  }
  mx += cx / n;
  my += cy / n;
  long double sxx = 0, syy = 0, sxy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const long double dx = x[i] - mx, dy = y[i] - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (sxx == 0 || syy == 0) return std::numeric_limits<double>::quiet_NaN();
  double r = static_cast<double>(sxy / (std::sqrt(sxx) * std::sqrt(syy)));
  return std::clamp(r, -1.0, 1.0);
}

}  // namespace crmo::stats
