#pragma once
// Kendall's tau-b test, as R's cor.test(method = "kendall"): exact null distribution of
// the number of concordant pairs T for n < 50 without ties; otherwise the normal
// approximation of S with the tie-corrected variance (statistic z), no continuity
// correction. tau-b is computed in O(n log n) (Knight's algorithm).
#include <vector>

#include "core/stats/result.hpp"

namespace crmo::stats {

struct KendallOptions {
  Alternative alternative = Alternative::two_sided;
};

TestResult kendall(const std::vector<double>& x, const std::vector<double>& y,
                   const KendallOptions& options = {});

// tau-b of complete pairs; NaN if a column is constant.
double kendall_tau_b(const std::vector<double>& x, const std::vector<double>& y);

// P[T <= q] for the number of concordant pairs among n untied pairs (R's pkendall).
double kendall_exact_cdf(double q, int n);

}  // namespace crmo::stats
