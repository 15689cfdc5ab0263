#include "core/stats/spearman.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <optional>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "core/stats/correlation_ci.hpp"
#include "core/stats/distributions.hpp"
#include "core/stats/ranks.hpp"
#include "core/stats/spearman_tail.hpp"

namespace crmo::stats {
namespace {

double max_s(int n) {
  const double d = n;
  return (d * d * d - d) / 3.0;
}

std::vector<std::uint64_t> count_permutations(int n) {
  // dp over the set of values already placed at positions 1..k (k = popcount):
  // dp[mask][s] = number of ways to place them with partial sum of squared
  // differences s.
  const std::size_t smax = static_cast<std::size_t>(max_s(n));
  const std::size_t width = smax + 1;
  const std::size_t masks = std::size_t{1} << n;
  std::vector<std::uint64_t> dp(masks * width, 0);
  dp[0] = 1;
  for (std::size_t mask = 0; mask + 1 < masks; ++mask) {
    const int pos = std::popcount(mask) + 1;
    const std::uint64_t* row = &dp[mask * width];
    // the largest partial sum reachable so far bounds the loop
    for (int v = 1; v <= n; ++v) {
      const std::size_t bit = std::size_t{1} << (v - 1);
      if (mask & bit) continue;
      const std::size_t add = static_cast<std::size_t>((pos - v) * (pos - v));
      std::uint64_t* next = &dp[(mask | bit) * width];
      for (std::size_t s = 0; s + add <= smax; ++s)
        if (row[s]) next[s + add] += row[s];
    }
  }
  return {dp.end() - static_cast<std::ptrdiff_t>(width), dp.end()};
}

// AS 89 (Best & Roberts 1975), Edgeworth series part.
double as89_edgeworth(int n, double is, bool lower_tail) {
  constexpr double c1 = .2274, c2 = .2531, c3 = .1745, c4 = .0758, c5 = .1033, c6 = .3932,
                   c7 = .0879, c8 = .0151, c9 = .0072, c10 = .0831, c11 = .0131, c12 = 4.6e-4;
  const double y0 = n;
  const double b = 1 / y0;
  const double x = (6.0 * (is - 1) * b / (y0 * y0 - 1) - 1) * std::sqrt(y0 - 1);
  double y = x * x;
  const double u =
      x * b *
      (c1 + b * (c2 + c3 * b) +
       y * (-c4 + b * (c5 + c6 * b) - y * b * (c7 + c8 * b - y * (c9 - c10 * b + y * b * (c11 - c12 * y)))));
  y = u / std::exp(y / 2.0);
  double p = (lower_tail ? -y : y) + dist::pnorm(x, lower_tail);
  return std::clamp(p, 0.0, 1.0);
}

std::string fmt_p(double p) { return fmt::format("{:.4g}", p); }

}  // namespace

const std::vector<std::uint64_t>& spearman_exact_counts(int n) {
  if (n < 1 || n > 20) throw StatsError("exact Spearman distribution needs 1 <= n <= 20");
  static std::mutex mutex;
  static std::map<int, std::vector<std::uint64_t>> cache;
  std::lock_guard lock(mutex);
  auto it = cache.find(n);
  if (it == cache.end()) it = cache.emplace(n, count_permutations(n)).first;
  return it->second;
}

double spearman_exact_p(double s, int n, bool lower) {
  const auto& counts = spearman_exact_counts(n);
  const long long smax = static_cast<long long>(counts.size()) - 1;
  // S takes integer values; a non-integer s (impossible without ties) is rounded inward.
  long double hits = 0, total = 0;
  const long long lo = lower ? 0 : static_cast<long long>(std::ceil(s - 1e-7));
  const long long hi = lower ? static_cast<long long>(std::floor(s + 1e-7)) : smax;
  for (long long k = 0; k <= smax; ++k) {
    total += counts[k];
    if (k >= lo && k <= hi) hits += counts[k];
  }
  return static_cast<double>(hits / total);
}

double spearman_prho(int n, double is, bool lower_tail) {
  double pv = lower_tail ? 0.0 : 1.0;
  if (n <= 1) return pv;
  if (is <= 0) return pv;
  const double n3 = static_cast<double>(n) * (static_cast<double>(n) * n - 1.0) / 3.0;
  if (is > n3) return 1 - pv;
  if (n <= 9) {
    // exact: Pr[S >= is] by counting permutations; lower tail is its complement
    const double upper = spearman_exact_p(std::ceil(is), n, false);
    return lower_tail ? 1.0 - upper : upper;
  }
  return as89_edgeworth(n, is, lower_tail);
}

double spearman_rho(const std::vector<double>& x, const std::vector<double>& y) {
  return pearson_r(rank_average(x), rank_average(y));
}

TestResult spearman(const std::vector<double>& x_in, const std::vector<double>& y_in,
                    const SpearmanOptions& options) {
  Pairs pairs = complete_pairs(x_in, y_in);
  if (pairs.x.size() < 2)
    throw StatsError(fmt::format(
        "not enough complete pairs for Spearman's rho: {} (needs at least 2)", pairs.x.size()));
  TestResult res = spearman_ranked(rank_column(pairs.x), rank_column(pairs.y), options);
  res.n_missing = pairs.n_missing;
  return res;
}

TestResult spearman_ranked(const Ranked& rx, const Ranked& ry, const SpearmanOptions& options) {
  const std::size_t n = rx.rank.size();
  if (ry.rank.size() != n) throw StatsError("'x' and 'y' must have the same length");
  if (n < 2)
    throw StatsError(fmt::format(
        "not enough complete pairs for Spearman's rho: {} (needs at least 2)", n));
  TestResult res;
  res.test = "spearman";
  res.n = n;
  res.alternative = options.alternative;
  res.estimate_name = "rho";
  res.statistic_name = std::string(1, 'S');  // not = "S": GCC 12 -Wrestrict false positive
  const double r = pearson_r(rx.rank, ry.rank);
  if (std::isnan(r))
    throw StatsError("Spearman's rho is undefined: a column is constant (its standard deviation is zero; R gives NA)");
  const double dn = static_cast<double>(n);
  const double q = (dn * dn * dn - dn) * (1 - r) / 6;
  res.estimate = r;
  res.statistic = q;
  const bool ties = rx.ties || ry.ties;
  const double mid = (dn * dn * dn - dn) / 6;
  const bool upper_for_two_sided = q > mid;

  auto two_sided_or = [&](auto tail) {  // tail(lower) gives P for that tail
    switch (options.alternative) {
      case Alternative::greater: return tail(true);
      case Alternative::less: return tail(false);
      case Alternative::two_sided: break;
    }
    return std::min(2 * tail(!upper_for_two_sided), 1.0);
  };
  auto exact_tail = [&](bool lower) { return spearman_exact_p(std::nearbyint(q), static_cast<int>(n), lower); };
  auto prho_tail = [&](bool lower) {
    return spearman_prho(static_cast<int>(n), std::nearbyint(q) + 2.0 * lower, lower);
  };
  auto counted_tail = [&](bool lower) {  // NaN when the tail is too large to count
    const auto p = spearman_exact_tail_p(static_cast<int>(n), std::nearbyint(q), lower);
    return p ? *p : std::numeric_limits<double>::quiet_NaN();
  };
  auto t_tail = [&](bool lower) {
    const double den = (dn * (dn * dn - 1)) / 6;
    const double rr = 1 - q / den;
    return dist::pt(rr / std::sqrt((1 - rr * rr) / (dn - 2)), dn - 2, !lower);
  };

  const std::string base = "Spearman's rank correlation rho";
  if (ties) {
    res.warnings.push_back("Cannot compute exact p-value with ties");
    res.exact = false;
    res.method = base + ": t approximation (ties present, as R)";
    res.p_value = two_sided_or(t_tail);
  } else if (!options.r_compatible && n <= static_cast<std::size_t>(spearman_exact_max_n)) {
    res.exact = true;
    res.method = base + fmt::format(": exact permutation distribution (no ties, n <= {})", spearman_exact_max_n);
    res.p_value = two_sided_or(exact_tail);
  } else if (n <= 9) {
    res.exact = true;
    res.method = base + ": exact (R's enumeration, no ties, n <= 9)";
    res.p_value = two_sided_or(prho_tail);
  } else if (n <= 1290) {
    const double as89 = two_sided_or(prho_tail);
    // The exact value where it is cheap: the whole distribution up to the limit, beyond
    // it the tail by enumeration when that tail is small (where AS 89 fails).
    std::optional<double> exact;
    if (n <= static_cast<std::size_t>(spearman_exact_max_n)) {
      exact = two_sided_or(exact_tail);
    } else {
      // (no gate on AS 89's value: it is off by orders of magnitude either way there)
      const double p = two_sided_or(counted_tail);
      if (!std::isnan(p)) exact = p;
    }
    const bool differs = exact && std::fabs(as89 - *exact) > 1e-3 * *exact;
    if (options.r_compatible || !exact) {
      res.exact = false;
      res.method = base + ": AS 89 Edgeworth series approximation (R's choice for 10 <= n <= 1290 without ties" +
                   (options.r_compatible ? ", --r-compatible)" : "; the exact tail is too large to count)");
      res.p_value = as89;
      if (differs)
        res.warnings.push_back(fmt::format(
            "R's AS 89 Edgeworth approximation gives p = {} here, the exact permutation p-value is {}",
            fmt_p(as89), fmt_p(*exact)));
      else if (!exact && as89 == 0)
        res.warnings.push_back(fmt::format(
            "R's AS 89 Edgeworth approximation gives p = 0 here, which is wrong: the exact p-value is at least {}/{}!",
            options.alternative == Alternative::two_sided ? 2 : 1, n));
    } else {
      res.exact = true;
      res.method = base + ": exact permutation p-value (no ties; n > " + std::to_string(spearman_exact_max_n) +
                   ", the tail is small enough to count every permutation in it)";
      res.p_value = *exact;
      if (differs)
        res.warnings.push_back(fmt::format(
            "note: R's cor.test gives p = {} here (AS 89 Edgeworth approximation, --r-compatible); the exact value is {}",
            fmt_p(as89), fmt_p(*exact)));
    }
  } else {
    res.exact = false;
    res.method = base + ": t approximation (n > 1290, as R)";
    res.p_value = two_sided_or(t_tail);
  }
  if (n > 3) res.conf_int = spearman_fisher_ci(r, n, options.conf_level, options.alternative);
  return res;
}

}  // namespace crmo::stats
