#pragma once
// Confidence interval of Spearman's rho by Fisher's z with the standard error
// sqrt(1.06 / (n - 3)) (Fieller, Hartley & Pearson 1957). Needs n > 3.
#include <cstddef>

#include "core/stats/result.hpp"

namespace crmo::stats {

Interval spearman_fisher_ci(double rho, std::size_t n, double conf_level = 0.95,
                            Alternative alternative = Alternative::two_sided);

}  // namespace crmo::stats
