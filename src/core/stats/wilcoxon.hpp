#pragma once
// Wilcoxon tests as R's wilcox.test with its defaults (correct = TRUE, exact = NULL):
//  - rank sum (Mann-Whitney): W = R's W = U of x; exact null distribution when both
//    groups have fewer than 50 values and there are no ties, otherwise the normal
//    approximation with tie-corrected variance and continuity correction;
//  - signed rank (paired): V; zero differences dropped; exact when fewer than 50
//    non-zero differences, no ties and no zeroes, otherwise normal as above.
#include <vector>

#include <cstdint>

#include "core/stats/ranks.hpp"
#include "core/stats/result.hpp"

namespace crmo::stats {

struct WilcoxonOptions {
  Alternative alternative = Alternative::two_sided;
  bool correct = true;  // continuity correction of the normal approximation
};

TestResult mann_whitney(const std::vector<double>& x, const std::vector<double>& y,
                        const WilcoxonOptions& options = {});

// The same from ranks of all values computed once (rank_column of x and y together);
// in_x[i] says whether value i belongs to x. For families over complete columns.
TestResult mann_whitney_ranked(const Ranked& all, const std::vector<std::uint8_t>& in_x,
                               const WilcoxonOptions& options = {});

// Paired: signed rank test of x - y over complete pairs.
TestResult signed_rank(const std::vector<double>& x, const std::vector<double>& y,
                       const WilcoxonOptions& options = {});

// P[W <= q] (lower) or P[W > q] (upper) for the rank sum statistic (R's pwilcox).
double pwilcox(double q, int m, int n, bool lower = true);
// P[V <= q] (lower) or P[V > q] (upper) for the signed rank statistic (R's psignrank).
double psignrank(double q, int n, bool lower = true);

}  // namespace crmo::stats
