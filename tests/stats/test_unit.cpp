// Properties of the statistics that need no R: exact distributions against brute
// force, O(n log n) Kendall against the O(n^2) definition, the bootstrap's weighted
// ranks against explicit resamples, root finding, p adjustment invariants.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include <gtest/gtest.h>

#include "core/stats/bootstrap.hpp"
#include "core/stats/fisher.hpp"
#include "core/stats/kendall.hpp"
#include "core/stats/p_adjust.hpp"
#include "core/stats/ranks.hpp"
#include "core/stats/root.hpp"
#include "core/stats/spearman.hpp"
#include "core/stats/wilcoxon.hpp"

namespace crmo::stats {
namespace {

double naive_tau_b(const std::vector<double>& x, const std::vector<double>& y) {
  double s = 0, tx = 0, ty = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t j = 0; j < i; ++j) {
      const double a = (x[i] > x[j]) - (x[i] < x[j]), b = (y[i] > y[j]) - (y[i] < y[j]);
      s += a * b;
      tx += a * a;
      ty += b * b;
    }
  return s / std::sqrt(tx * ty);
}

TEST(Kendall, TauBMatchesTheDefinitionWithAndWithoutTies) {
  std::mt19937_64 gen(3);
  for (int rep = 0; rep < 200; ++rep) {
    const std::size_t n = 2 + gen() % 60;
    const int levels = rep % 2 ? 4 : 1000000;
    std::vector<double> x(n), y(n);
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = static_cast<double>(gen() % levels);
      y[i] = static_cast<double>(gen() % levels) + x[i] * (rep % 3);
    }
    const double naive = naive_tau_b(x, y);
    if (std::isnan(naive)) continue;
    EXPECT_NEAR(kendall_tau_b(x, y), naive, 1e-12);
  }
}

TEST(Wilcoxon, RankSumDistributionMatchesEnumeration) {
  // all ways to choose which m of m + n ranks belong to x
  for (int m = 1; m <= 6; ++m)
    for (int n = 1; n <= 6; ++n) {
      std::vector<int> pick(static_cast<std::size_t>(m + n), 0);
      std::fill(pick.begin() + n, pick.end(), 1);
      std::vector<double> counts(static_cast<std::size_t>(m * n) + 1, 0);
      double total = 0;
      do {
        int w = 0, seen_y = 0;
        for (int v : pick) {
          if (v) w += seen_y;
          else ++seen_y;
        }
        counts[static_cast<std::size_t>(w)] += 1;
        total += 1;
      } while (std::next_permutation(pick.begin(), pick.end()));
      double below = 0;
      for (int q = 0; q <= m * n; ++q) {
        below += counts[static_cast<std::size_t>(q)];
        EXPECT_NEAR(pwilcox(q, m, n), below / total, 1e-14);
        EXPECT_NEAR(pwilcox(q, m, n, false), 1 - below / total, 1e-14);
      }
    }
}

TEST(Wilcoxon, SignedRankDistributionMatchesEnumeration) {
  for (int n = 1; n <= 12; ++n) {
    const int max = n * (n + 1) / 2;
    std::vector<double> counts(static_cast<std::size_t>(max) + 1, 0);
    for (unsigned mask = 0; mask < (1u << n); ++mask) {
      int s = 0;
      for (int i = 0; i < n; ++i)
        if (mask & (1u << i)) s += i + 1;
      counts[static_cast<std::size_t>(s)] += 1;
    }
    double below = 0;
    for (int q = 0; q <= max; ++q) {
      below += counts[static_cast<std::size_t>(q)];
      EXPECT_NEAR(psignrank(q, n), below / std::ldexp(1.0, n), 1e-14);
    }
  }
}

TEST(Kendall, ExactDistributionMatchesEnumeration) {
  for (int n = 2; n <= 8; ++n) {
    std::vector<int> p(static_cast<std::size_t>(n));
    std::iota(p.begin(), p.end(), 0);
    std::vector<double> counts(static_cast<std::size_t>(n * (n - 1) / 2) + 1, 0);
    double total = 0;
    do {
      int concordant = 0;
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < i; ++j) concordant += p[static_cast<std::size_t>(i)] > p[static_cast<std::size_t>(j)];
      counts[static_cast<std::size_t>(concordant)] += 1;
      total += 1;
    } while (std::next_permutation(p.begin(), p.end()));
    double below = 0;
    for (std::size_t q = 0; q < counts.size(); ++q) {
      below += counts[q];
      EXPECT_NEAR(kendall_exact_cdf(static_cast<double>(q), n), below / total, 1e-14);
    }
  }
}

TEST(Fisher, EnumerationAgreesWithTheHypergeometricPathOnTwoByTwo) {
  // r x c enumeration is used for a 2 x 3 table with an empty third column
  for (double a : {0.0, 2.0, 5.0})
    for (double b : {1.0, 4.0})
      for (double c : {0.0, 3.0, 7.0}) {
        const CountTable two{{a, b}, {c, 6}};
        const CountTable padded{{a, b, 0}, {c, 6, 0}};
        EXPECT_NEAR(fisher(two).p_value, fisher(padded).p_value, 1e-12);
      }
}

TEST(Root, FindsRootsWithinRsTolerance) {
  const double r = uniroot([](double x) { return x * x - 2; }, 0, 2);
  EXPECT_NEAR(r, std::sqrt(2.0), uniroot_tol);
}

TEST(PAdjust, HolmAndBhAreMonotoneAndBounded) {
  std::mt19937_64 gen(5);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> p(40);
  for (auto& v : p) v = std::pow(u(gen), 3);
  const auto holm = p_adjust_holm(p), bh = p_adjust_bh(p);
  for (std::size_t i = 0; i < p.size(); ++i) {
    EXPECT_GE(holm[i], p[i]);
    EXPECT_LE(holm[i], 1);
    EXPECT_GE(bh[i], p[i]);
    EXPECT_LE(bh[i], holm[i]);
    for (std::size_t j = 0; j < p.size(); ++j)
      if (p[i] < p[j]) {
        EXPECT_LE(holm[i], holm[j]);
        EXPECT_LE(bh[i], bh[j]);
      }
  }
}

TEST(Bootstrap, ReproducibleForASeedAndRanksMatchExplicitResamples) {
  std::mt19937_64 gen(11);
  std::normal_distribution<double> z;
  std::vector<double> x(40), y(40);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = std::round(z(gen) * 2);  // ties on purpose
    y[i] = x[i] + z(gen);
  }
  const auto a = spearman_bootstrap(x, y, {500, 42, 0.95});
  const auto b = spearman_bootstrap(x, y, {500, 42, 0.95});
  const auto c = spearman_bootstrap(x, y, {500, 43, 0.95});
  EXPECT_EQ(a.t, b.t);
  EXPECT_NE(a.t, c.t);
  EXPECT_DOUBLE_EQ(a.t0, spearman_rho(x, y));
  EXPECT_LT(a.bca.lower, a.t0);
  EXPECT_GT(a.bca.upper, a.t0);
  // jackknife values from explicit leave-one-out data
  const auto influence = spearman_jackknife_influence(x, y);
  for (std::size_t i = 0; i < x.size(); i += 7) {
    auto xi = x, yi = y;
    xi.erase(xi.begin() + static_cast<std::ptrdiff_t>(i));
    yi.erase(yi.begin() + static_cast<std::ptrdiff_t>(i));
    EXPECT_NEAR(influence[i], 39 * (a.t0 - spearman_rho(xi, yi)), 1e-12);
  }
}

TEST(Errors, DegenerateInputsAreRefusedWithAReason) {
  EXPECT_THROW(spearman({1, 2, 3}, {4, 4, 4}), StatsError);
  EXPECT_THROW(spearman({1}, {2}), StatsError);
  EXPECT_THROW(kendall({1, 1}, {1, 2}), StatsError);
  EXPECT_THROW(mann_whitney({}, {1, 2}), StatsError);
  try {
    spearman({1, 2, 3}, {4, 4, 4});
  } catch (const StatsError& e) {
    EXPECT_NE(std::string(e.what()).find("constant"), std::string::npos);
  }
}

TEST(Missing, DroppedPairwiseAndCounted) {
  const double na = std::nan("");
  const auto r = spearman({1, 2, na, 4, 5, 6}, {2, 1, 3, na, 5, 7});
  EXPECT_EQ(r.n, 4u);
  EXPECT_EQ(r.n_missing, 2u);
  const auto w = mann_whitney({1, na, 3}, {na, na, 2, 5});
  EXPECT_EQ(w.n, 4u);
  EXPECT_EQ(w.n_missing, 3u);
}

}  // namespace
}  // namespace crmo::stats
