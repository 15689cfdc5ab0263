#include "core/stats/wilcoxon.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "core/stats/distributions.hpp"
#include "core/stats/ranks.hpp"

namespace crmo::stats {
namespace {

// counts[k] = number of arrangements of m x's and n y's with k (x > y) pairs: the
// coefficients of the Gaussian binomial [m+n choose m].
std::vector<double> rank_sum_counts(int m, int n) {
  // f[j] holds f_{i,j} for the current i; f_{i,j}(k) = f_{i-1,j}(k - j) + f_{i,j-1}(k)
  std::vector<std::vector<double>> prev(static_cast<std::size_t>(n) + 1, std::vector<double>{1.0});
  for (int i = 1; i <= m; ++i) {
    std::vector<std::vector<double>> cur(static_cast<std::size_t>(n) + 1);
    cur[0] = {1.0};
    for (int j = 1; j <= n; ++j) {
      std::vector<double> v(static_cast<std::size_t>(i) * j + 1, 0.0);
      const auto& a = prev[j];      // f_{i-1,j}, shifted by j
      const auto& b = cur[j - 1];   // f_{i,j-1}
      for (std::size_t k = 0; k < a.size(); ++k) v[k + j] += a[k];
      for (std::size_t k = 0; k < b.size(); ++k) v[k] += b[k];
      cur[j] = std::move(v);
    }
    prev = std::move(cur);
  }
  return prev[n];
}

const std::vector<double>& rank_sum_counts_cached(int m, int n) {
  static std::mutex mutex;
  static std::map<std::pair<int, int>, std::vector<double>> cache;
  std::lock_guard lock(mutex);
  auto key = std::pair{m, n};
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, rank_sum_counts(m, n)).first;
  return it->second;
}

const std::vector<double>& signed_rank_counts(int n) {
  static std::mutex mutex;
  static std::map<int, std::vector<double>> cache;
  std::lock_guard lock(mutex);
  auto it = cache.find(n);
  if (it != cache.end()) return it->second;
  const std::size_t max = static_cast<std::size_t>(n) * (n + 1) / 2;
  std::vector<double> c(max + 1, 0.0);
  c[0] = 1;
  std::size_t reach = 0;
  for (int k = 1; k <= n; ++k) {
    reach += static_cast<std::size_t>(k);
    for (std::size_t s = reach; s >= static_cast<std::size_t>(k); --s) c[s] += c[s - k];
  }
  return cache.emplace(n, std::move(c)).first->second;
}

double tail_sum(const std::vector<double>& counts, double q, bool lower, double total) {
  q = std::floor(q + 1e-7);
  const double max = static_cast<double>(counts.size()) - 1;
  if (q < 0) return lower ? 0.0 : 1.0;
  if (q >= max) return lower ? 1.0 : 0.0;
  long double p = 0;
  const auto qi = static_cast<std::size_t>(q);
  if (lower)
    for (std::size_t k = 0; k <= qi; ++k) p += counts[k];
  else
    for (std::size_t k = qi + 1; k < counts.size(); ++k) p += counts[k];
  return static_cast<double>(p / total);
}

double normal_p(double z, Alternative alternative) {
  switch (alternative) {
    case Alternative::less: return dist::pnorm(z);
    case Alternative::greater: return dist::pnorm(z, false);
    case Alternative::two_sided: break;
  }
  return 2 * std::min(dist::pnorm(z), dist::pnorm(z, false));
}

double correction(double z, const WilcoxonOptions& options) {
  if (!options.correct) return 0;
  switch (options.alternative) {
    case Alternative::greater: return 0.5;
    case Alternative::less: return -0.5;
    case Alternative::two_sided: break;
  }
  return z > 0 ? 0.5 : (z < 0 ? -0.5 : 0.0);
}

}  // namespace

double pwilcox(double q, int m, int n, bool lower) {
  const auto& c = rank_sum_counts_cached(m, n);
  long double total = 0;
  for (double v : c) total += v;
  return tail_sum(c, q, lower, static_cast<double>(total));
}

double psignrank(double q, int n, bool lower) {
  const auto& c = signed_rank_counts(n);
  return tail_sum(c, q, lower, std::ldexp(1.0, n));
}

TestResult mann_whitney(const std::vector<double>& x_in, const std::vector<double>& y_in,
                        const WilcoxonOptions& options) {
  TestResult res;
  res.test = "mann-whitney";
  res.alternative = options.alternative;
  const std::vector<double> x = drop_missing(x_in, res.n_missing);
  const std::vector<double> y = drop_missing(y_in, res.n_missing);
  if (x.empty()) throw StatsError("not enough (non-missing) 'x' observations: the first group is empty");
  if (y.empty()) throw StatsError("not enough 'y' observations: the second group is empty");
  std::vector<double> all = x;
  all.insert(all.end(), y.begin(), y.end());
  std::vector<std::uint8_t> in_x(all.size(), 0);
  std::fill(in_x.begin(), in_x.begin() + static_cast<std::ptrdiff_t>(x.size()), 1);
  TestResult ranked = mann_whitney_ranked(rank_column(all), in_x, options);
  ranked.n_missing = res.n_missing;
  return ranked;
}

TestResult mann_whitney_ranked(const Ranked& all, const std::vector<std::uint8_t>& in_x, const WilcoxonOptions& options) {
  TestResult res;
  res.test = "mann-whitney";
  res.alternative = options.alternative;
  const std::vector<double>& r = all.rank;
  if (in_x.size() != r.size()) throw StatsError("group membership and values differ in length");
  std::size_t m = 0;
  long double rs = 0;
  for (std::size_t i = 0; i < r.size(); ++i)
    if (in_x[i]) {
      ++m;
      rs += r[i];
    }
  if (m == 0) throw StatsError("not enough (non-missing) 'x' observations: the first group is empty");
  if (m == r.size()) throw StatsError("not enough 'y' observations: the second group is empty");
  const double nx = static_cast<double>(m), ny = static_cast<double>(r.size() - m);
  res.n = r.size();
  const double w = static_cast<double>(rs) - nx * (nx + 1) / 2;
  res.statistic = w;
  res.statistic_name = std::string(1, 'W');  // not = "W": GCC 12 -Wrestrict false positive
  const bool ties = all.ties;
  const bool exact = m < 50 && r.size() - m < 50;
  const std::string base = "Wilcoxon rank sum test";
  if (exact && !ties) {
    res.exact = true;
    res.method = base + ": exact null distribution (both groups < 50 without ties, as R)";
    const int mi = static_cast<int>(m), ni = static_cast<int>(r.size() - m);
    switch (options.alternative) {
      case Alternative::greater: res.p_value = pwilcox(w - 1, mi, ni, false); break;
      case Alternative::less: res.p_value = pwilcox(w, mi, ni); break;
      case Alternative::two_sided: {
        const double p = w > nx * ny / 2 ? pwilcox(w - 1, mi, ni, false) : pwilcox(w, mi, ni);
        res.p_value = std::min(2 * p, 1.0);
      }
    }
    return res;
  }
  if (exact && ties) res.warnings.push_back("cannot compute exact p-value with ties");
  double z = w - nx * ny / 2;
  const double sigma = std::sqrt((nx * ny / 12) * ((nx + ny + 1) - all.tie_term / ((nx + ny) * (nx + ny - 1))));
  if (!(sigma > 0)) throw StatsError("all observations are equal: the rank sum test has no variance (R gives NaN)");
  z = (z - correction(z, options)) / sigma;
  res.exact = false;
  res.method = base + (options.correct ? ": normal approximation with continuity correction" : ": normal approximation") +
               (ties ? " (ties present, as R)" : " (a group has 50 or more values, as R)");
  res.p_value = normal_p(z, options.alternative);
  return res;
}

TestResult signed_rank(const std::vector<double>& x_in, const std::vector<double>& y_in,
                       const WilcoxonOptions& options) {
  Pairs pairs = complete_pairs(x_in, y_in);
  TestResult res;
  res.test = "wilcoxon";
  res.alternative = options.alternative;
  res.n = pairs.x.size();
  res.n_missing = pairs.n_missing;
  if (pairs.x.empty()) throw StatsError("not enough (non-missing) 'x' observations: no complete pairs");
  std::vector<double> d;
  bool zeroes = false;
  for (std::size_t i = 0; i < pairs.x.size(); ++i) {
    const double v = pairs.x[i] - pairs.y[i];
    if (v == 0) zeroes = true;
    else d.push_back(v);
  }
  const double n = static_cast<double>(d.size());
  std::vector<double> a(d.size());
  for (std::size_t i = 0; i < d.size(); ++i) a[i] = std::fabs(d[i]);
  const std::vector<double> r = rank_average(a);
  long double v = 0;
  for (std::size_t i = 0; i < d.size(); ++i)
    if (d[i] > 0) v += r[i];
  const double stat = static_cast<double>(v);
  res.statistic = stat;
  res.statistic_name = std::string(1, 'V');  // not = "V": GCC 12 -Wrestrict false positive
  const bool ties = has_ties(r);
  const bool exact = d.size() < 50;
  const std::string base = "Wilcoxon signed rank test";
  if (exact && !ties && !zeroes) {
    res.exact = true;
    res.method = base + ": exact null distribution (< 50 pairs without ties or zero differences, as R)";
    const int ni = static_cast<int>(d.size());
    switch (options.alternative) {
      case Alternative::greater: res.p_value = psignrank(stat - 1, ni, false); break;
      case Alternative::less: res.p_value = psignrank(stat, ni); break;
      case Alternative::two_sided: {
        const double p = stat > n * (n + 1) / 4 ? psignrank(stat - 1, ni, false) : psignrank(stat, ni);
        res.p_value = std::min(2 * p, 1.0);
      }
    }
    return res;
  }
  if (exact && ties) res.warnings.push_back("cannot compute exact p-value with ties");
  if (exact && zeroes) res.warnings.push_back("cannot compute exact p-value with zeroes");
  if (d.empty()) throw StatsError("all paired differences are zero: the signed rank test is undefined (R gives NaN)");
  double z = stat - n * (n + 1) / 4;
  const double sigma = std::sqrt(n * (n + 1) * (2 * n + 1) / 24 - tie_term(r) / 48);
  z = (z - correction(z, options)) / sigma;
  res.exact = false;
  std::string why = ties && zeroes ? "ties and zero differences" : ties ? "ties present" : zeroes ? "zero differences" : "50 or more pairs";
  res.method = base + (options.correct ? ": normal approximation with continuity correction" : ": normal approximation") +
               " (" + why + ", as R)";
  res.p_value = normal_p(z, options.alternative);
  return res;
}

}  // namespace crmo::stats
