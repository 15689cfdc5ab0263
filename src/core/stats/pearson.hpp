#pragma once
// Pearson's product-moment correlation test, as R's cor.test(method = "pearson"):
// t statistic on n - 2 df, and for n > 3 a Fisher-z confidence interval.
#include <vector>

#include "core/stats/result.hpp"

namespace crmo::stats {

struct PearsonOptions {
  Alternative alternative = Alternative::two_sided;
  double conf_level = 0.95;
};

TestResult pearson(const std::vector<double>& x, const std::vector<double>& y,
                   const PearsonOptions& options = {});

}  // namespace crmo::stats
