#include "core/stats/quantile.hpp"

#include <algorithm>
#include <cmath>

#include "core/stats/result.hpp"

namespace crmo::stats {

std::vector<double> quantile7(std::vector<double> x, const std::vector<double>& probs) {
  std::erase_if(x, [](double v) { return std::isnan(v); });
  if (x.empty()) throw StatsError("quantile of no values");
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  std::vector<double> out;
  out.reserve(probs.size());
  for (double p : probs) {
    if (!(p >= 0 && p <= 1)) throw StatsError("quantile probability outside [0, 1]");
    const double index = 1 + (n - 1) * p;
    const double lo = std::floor(index), hi = std::ceil(index);
    double q = x[static_cast<std::size_t>(lo) - 1];
    const double xhi = x[static_cast<std::size_t>(hi) - 1];
    if (index > lo && xhi != q) {
      const double h = index - lo;
      q = (1 - h) * q + h * xhi;
    }
    out.push_back(q);
  }
  return out;
}

double quantile7(std::vector<double> x, double prob) { return quantile7(std::move(x), std::vector<double>{prob})[0]; }

double median(std::vector<double> x) { return quantile7(std::move(x), 0.5); }

}  // namespace crmo::stats
