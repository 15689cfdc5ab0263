#include "core/stats/ranks.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <cmath>
#include <limits>
#include <numeric>

namespace crmo::stats {

namespace {

// Order-preserving map of a double to an unsigned key (NaN excluded by callers).
std::uint64_t sort_key(double v) {
  if (v == 0) v = 0;  // -0 and +0 tie
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return (bits & 0x8000000000000000ULL) ? ~bits : bits | 0x8000000000000000ULL;
}

// Indices of values in ascending order: LSD radix sort on 11-bit digits, skipping digits
// where every key agrees (most of them for integer-valued data).
std::vector<std::uint32_t> sorted_order(const std::vector<double>& values) {
  const std::size_t n = values.size();
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  if (n < 512) {
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return values[a] < values[b]; });
    return order;
  }
  std::vector<std::uint64_t> keys(n), keys2(n);
  for (std::size_t i = 0; i < n; ++i) keys[i] = sort_key(values[i]);
  std::vector<std::uint32_t> order2(n);
  constexpr int bits = 11;
  constexpr std::size_t buckets = std::size_t{1} << bits;
  std::vector<std::size_t> count(buckets);
  for (int shift = 0; shift < 64; shift += bits) {
    std::fill(count.begin(), count.end(), 0);
    for (std::size_t i = 0; i < n; ++i) ++count[(keys[i] >> shift) & (buckets - 1)];
    if (count[(keys[0] >> shift) & (buckets - 1)] == n) continue;  // one digit value: nothing to do
    std::size_t sum = 0;
    for (auto& c : count) {
      const std::size_t t = c;
      c = sum;
      sum += t;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t at = count[(keys[i] >> shift) & (buckets - 1)]++;
      keys2[at] = keys[i];
      order2[at] = order[i];
    }
    keys.swap(keys2);
    order.swap(order2);
  }
  return order;
}

}  // namespace

Ranked rank_column(const std::vector<double>& values) {
  const std::size_t n = values.size();
  const auto order = sorted_order(values);
  Ranked out;
  out.rank.resize(n);
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && values[order[j]] == values[order[i]]) ++j;
    const double r = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t k = i; k < j; ++k) out.rank[order[k]] = r;
    if (j - i > 1) {
      const double t = static_cast<double>(j - i);
      out.ties = true;
      out.tie_term += t * t * t - t;
    }
    i = j;
  }
  return out;
}

std::vector<double> rank_average(const std::vector<double>& values) { return rank_column(values).rank; }

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
