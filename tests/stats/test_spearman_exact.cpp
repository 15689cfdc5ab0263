// The exact Spearman path against brute-force enumeration of permutations.
#include <algorithm>
#include <cmath>
#include <numeric>

#include <gtest/gtest.h>

#include "core/stats/spearman.hpp"
#include "core/stats/spearman_tail.hpp"

namespace crmo::stats {
namespace {

// counts[s] by visiting all n! permutations
std::vector<std::uint64_t> brute_force_counts(int n) {
  std::vector<int> p(static_cast<std::size_t>(n));
  std::iota(p.begin(), p.end(), 1);
  std::vector<std::uint64_t> counts(static_cast<std::size_t>((n * n * n - n) / 3) + 1, 0);
  do {
    int s = 0;
    for (int i = 0; i < n; ++i) s += (i + 1 - p[static_cast<std::size_t>(i)]) * (i + 1 - p[static_cast<std::size_t>(i)]);
    ++counts[static_cast<std::size_t>(s)];
  } while (std::next_permutation(p.begin(), p.end()));
  return counts;
}

TEST(SpearmanExact, DistributionMatchesBruteForceUpToEleven) {
  for (int n = 1; n <= 11; ++n) EXPECT_EQ(spearman_exact_counts(n), brute_force_counts(n)) << "n = " << n;
}

// Beyond brute force (n = 12, 13: 4.8e8 and 6.2e9 permutations), the smallest values of
// S are counted by hand: S = 2 only by one swap of neighbours (n - 1 ways), S = 4 only by
// two disjoint such swaps (C(n - 2, 2) ways); checked against brute force first.
TEST(SpearmanExact, SmallestValuesCountedByHandUpToTheLimit) {
  for (int n = 4; n <= spearman_exact_max_n; ++n) {
    const auto& counts = n <= 9 ? brute_force_counts(n) : spearman_exact_counts(n);
    const std::uint64_t m = static_cast<std::uint64_t>(n);
    EXPECT_EQ(counts[2], m - 1) << n;
    EXPECT_EQ(counts[4], (m - 2) * (m - 3) / 2) << n;
    EXPECT_EQ(counts[1] + counts[3], 0u) << n;
  }
}

TEST(SpearmanExact, PValuesMatchBruteForceForEveryS) {
  for (int n : {4, 7, 10}) {
    const auto counts = brute_force_counts(n);
    double total = 0;
    for (auto c : counts) total += static_cast<double>(c);
    double below = 0;
    for (std::size_t s = 0; s < counts.size(); ++s) {
      below += static_cast<double>(counts[s]);
      EXPECT_NEAR(spearman_exact_p(static_cast<double>(s), n, true), below / total, 1e-15);
      EXPECT_NEAR(spearman_exact_p(static_cast<double>(s), n, false), 1 - (below - counts[s]) / total, 1e-12);
    }
  }
}

TEST(SpearmanExact, FarTailExampleIsExactByDefaultAndRsValueWithRCompatible) {
  const std::vector<double> x{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, y{2, 1, 4, 3, 6, 5, 8, 7, 10, 9};
  const auto counts = brute_force_counts(10);
  double at_most = 0, total = 0;  // S = 10 here
  for (std::size_t s = 0; s < counts.size(); ++s) {
    total += static_cast<double>(counts[s]);
    if (s <= 10) at_most += static_cast<double>(counts[s]);
  }
  const auto exact = spearman(x, y);
  EXPECT_TRUE(exact.exact);
  EXPECT_NE(exact.method.find("exact permutation"), std::string::npos);
  EXPECT_NEAR(*exact.statistic, 10, 1e-9);
  EXPECT_NEAR(exact.p_value, 2 * at_most / total, 1e-18);
  EXPECT_NEAR(exact.p_value, 2.06e-4, 0.01e-4);  // the figure quoted in analysis.md

  const auto r = spearman(x, y, {Alternative::two_sided, true});
  EXPECT_FALSE(r.exact);
  EXPECT_NE(r.method.find("AS 89"), std::string::npos);
  EXPECT_LT(r.p_value, 1e-6);  // R's Edgeworth tail (the golden file holds R's exact value)
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_NE(r.warnings[0].find("exact permutation p-value"), std::string::npos);
}

TEST(SpearmanExact, AlternativesSumAsTheyShould) {
  // P[S <= s] + P[S >= s + 2] = 1 (S is always even)
  for (int n : {5, 9, 12}) {
    const double mid = (n * n * n - n) / 6.0;
    for (double s = 0; s <= 2 * mid; s += 2)
      EXPECT_NEAR(spearman_exact_p(s, n, true) + spearman_exact_p(s + 2, n, false), 1.0, 1e-12);
  }
}

// (Its time is measured by bench_stats exact, not here: no timings in unit tests.)
TEST(SpearmanExact, LimitDistributionCountsEveryPermutation) {
  static_assert(spearman_exact_max_n >= 12, "issue 3: exact for at least n <= 12");
  const auto& counts = spearman_exact_counts(spearman_exact_max_n);
  std::uint64_t total = 0;
  for (auto c : counts) total += c;
  std::uint64_t factorial = 1;
  for (int i = 2; i <= spearman_exact_max_n; ++i) factorial *= static_cast<std::uint64_t>(i);
  EXPECT_EQ(total, factorial);
  // symmetric about the mean (n^3 - n) / 6, and S = 0 and S = max only once each
  for (std::size_t s = 0; s < counts.size(); ++s) EXPECT_EQ(counts[s], counts[counts.size() - 1 - s]) << s;
  EXPECT_EQ(counts.front(), 1u);
}

TEST(SpearmanExact, DefaultUsesExactUpToTheLimitThenRsChoice) {
  for (int n = 3; n <= 16; ++n) {
    std::vector<double> x(static_cast<std::size_t>(n)), y(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      x[static_cast<std::size_t>(i)] = i;
      y[static_cast<std::size_t>(i)] = (i * 7) % n;
    }
    if (n % 7 == 0) continue;  // y would not be a permutation
    const auto r = spearman(x, y);
    EXPECT_EQ(r.exact, n <= spearman_exact_max_n) << n;
  }
}


// The tail counter (any n) against the full distribution (n <= 13, itself checked
// against brute force above): every lower tail it agrees to count.
TEST(SpearmanTail, CountsMatchTheFullDistribution) {
  for (int n = 2; n <= spearman_exact_max_n; ++n) {
    const auto& counts = spearman_exact_counts(n);
    std::uint64_t below = 0;
    std::size_t counted = 0;
    for (std::size_t s = 0; s < counts.size(); ++s) {
      below += counts[s];
      const auto c = spearman_tail_count(n, static_cast<long long>(s), 2'000'000);
      if (!c) break;  // over budget: so is every larger s
      EXPECT_EQ(*c, below) << "n = " << n << ", S <= " << s;
      ++counted;
    }
    EXPECT_GT(counted, n <= 9 ? counts.size() - 1 : 20u) << n;
  }
}

TEST(SpearmanTail, PValuesMatchTheFullDistributionOnBothSides) {
  for (int n : {10, 13}) {
    const double smax = (n * n * n - n) / 3.0;
    for (double s : {0.0, 2.0, 10.0, 30.0, smax - 30, smax - 10, smax}) {
      for (bool lower : {true, false}) {
        const auto p = spearman_exact_tail_p(n, s, lower, 50'000'000);
        ASSERT_TRUE(p.has_value()) << n << " " << s << " " << lower;
        const double want = spearman_exact_p(s, n, lower);
        EXPECT_NEAR(*p, want, 1e-10 * want + 1e-15)
            << n << " " << s << " " << lower;
      }
    }
  }
  EXPECT_FALSE(spearman_exact_tail_p(13, 364, true, 10'000).has_value());  // the middle: too costly
}

TEST(SpearmanTail, LargeNCountedByHand) {
  // S <= 2: the identity and the n - 1 swaps of neighbours; S <= 4 adds C(n - 2, 2).
  for (long long n : {14, 20, 54, 100}) {
    EXPECT_EQ(spearman_tail_count(static_cast<int>(n), 2, 100'000'000), static_cast<std::uint64_t>(n)) << n;
    EXPECT_EQ(spearman_tail_count(static_cast<int>(n), 4, 100'000'000),
              static_cast<std::uint64_t>(n + (n - 2) * (n - 3) / 2)) << n;
  }
  // hopeless counts are refused at once (at least C(1290 - k, k) permutations, k <= 500)
  EXPECT_FALSE(spearman_tail_count(1290, 1000).has_value());
  EXPECT_FALSE(spearman_tail_count(54, 40).has_value());
}

TEST(SpearmanTail, DefaultIsExactInTheFarTailBeyondTheLimit) {
  // n = 20, y = x with one pair of neighbours swapped: S = 2, P[S <= 2] = 20 / 20!.
  std::vector<double> x(20), y(20);
  for (int i = 0; i < 20; ++i) x[static_cast<std::size_t>(i)] = y[static_cast<std::size_t>(i)] = i;
  std::swap(y[7], y[8]);
  const double share = 20 / std::tgamma(21.0);
  const auto r = spearman(x, y);
  EXPECT_TRUE(r.exact);
  EXPECT_NE(r.method.find("exact permutation"), std::string::npos);
  EXPECT_NEAR(r.p_value, 2 * share, 1e-12 * share);
  const auto g = spearman(x, y, {Alternative::greater});
  EXPECT_NEAR(g.p_value, share, 1e-12 * share);
  const auto l = spearman(x, y, {Alternative::less});
  EXPECT_NEAR(l.p_value, 1 - 1 / std::tgamma(21.0), 1e-12);  // P[S >= 2] = 1 - P[S = 0]
  const auto rc = spearman(x, y, {Alternative::two_sided, true});
  EXPECT_FALSE(rc.exact);
  EXPECT_NE(rc.method.find("AS 89"), std::string::npos);
  ASSERT_FALSE(rc.warnings.empty());
  EXPECT_NE(rc.warnings[0].find("exact permutation p-value"), std::string::npos);
  // reversed: the upper tail, by symmetry the same p
  std::vector<double> yr(y.rbegin(), y.rend());
  EXPECT_NEAR(spearman(x, yr).p_value, 2 * share, 1e-12 * share);
}

}  // namespace
}  // namespace crmo::stats
