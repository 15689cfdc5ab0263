#include "core/stats/p_adjust.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace crmo::stats {
namespace {

// Indices of the non-missing p-values, ordered by p (stable, as R's order()).
std::vector<std::size_t> ordered(const std::vector<double>& p, bool decreasing) {
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < p.size(); ++i)
    if (!std::isnan(p[i])) idx.push_back(i);
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    return decreasing ? p[a] > p[b] : p[a] < p[b];
  });
  return idx;
}

}  // namespace

std::vector<double> p_adjust_holm(const std::vector<double>& p) {
  std::vector<double> out(p.size(), std::nan(""));
  const auto o = ordered(p, false);
  const double n = static_cast<double>(o.size());
  double running = 0;
  for (std::size_t i = 0; i < o.size(); ++i) {
    running = std::max(running, (n - static_cast<double>(i)) * p[o[i]]);
    out[o[i]] = std::min(1.0, running);
  }
  return out;
}

std::vector<double> p_adjust_bh(const std::vector<double>& p) {
  std::vector<double> out(p.size(), std::nan(""));
  const auto o = ordered(p, true);
  const double n = static_cast<double>(o.size());
  double running = INFINITY;
  for (std::size_t k = 0; k < o.size(); ++k) {
    const double i = n - static_cast<double>(k);  // rank from the bottom
    running = std::min(running, n / i * p[o[k]]);
    out[o[k]] = std::min(1.0, running);
  }
  return out;
}

}  // namespace crmo::stats
