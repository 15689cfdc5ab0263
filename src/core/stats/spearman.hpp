#pragma once
// Spearman's rank correlation test, as R's cor.test(method = "spearman"), with an
// exact permutation distribution where R uses its AS 89 Edgeworth approximation.
//
// Default: without ties and n <= spearman_exact_max_n, the p-value comes from the exact
// null distribution of S = sum d^2 (all n! permutations, counted by a dynamic program);
// for larger n without ties (up to 1290) from the exact tail when it is small enough to
// enumerate (spearman_tail.hpp: the far tail, where AS 89 fails), else R's AS 89
// Edgeworth approximation; with ties or n > 1290 R's t approximation.  With
// r_compatible, R's choice everywhere: exact enumeration for n <= 9, AS 89 for
// 10 <= n <= 1290 without ties, t otherwise; a warning gives the exact value wherever
// it is known and differs, or says when R's p = 0 is wrong.
#include <cstdint>
#include <vector>

#include "core/stats/ranks.hpp"
#include "core/stats/result.hpp"

namespace crmo::stats {

inline constexpr int spearman_exact_max_n = 13;

struct SpearmanOptions {
  Alternative alternative = Alternative::two_sided;
  bool r_compatible = false;
  double conf_level = 0.95;  // of the Fisher-z interval (sqrt(1.06 / (n - 3))), n > 3
};

TestResult spearman(const std::vector<double>& x, const std::vector<double>& y,
                    const SpearmanOptions& options = {});

// The same from columns ranked once (rank_column), for families of tests over
// complete columns: no ranking per test.
TestResult spearman_ranked(const Ranked& rx, const Ranked& ry, const SpearmanOptions& options = {});

// Number of permutations of 1..n whose S = sum (i - p(i))^2 equals s, for s = 0 ..
// (n^3 - n)/3 (odd s always 0). 1 <= n <= 20. Cached per n; thread-safe.
const std::vector<std::uint64_t>& spearman_exact_counts(int n);

// Exact P[S <= s] (lower) or P[S >= s] (upper) under independence, no ties.
double spearman_exact_p(double s, int n, bool lower);

// R's prho(): Pr[S >= is], or Pr[S < is] when lower_tail; exact for n <= 9, AS 89
// Edgeworth series beyond.
double spearman_prho(int n, double is, bool lower_tail);

// Rank correlation of the complete pairs (R's cor(rank(x), rank(y))).
double spearman_rho(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace crmo::stats
