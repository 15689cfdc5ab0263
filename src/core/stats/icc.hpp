#pragma once
// Intraclass correlations, the six Shrout & Fleiss (1979) forms, as psych::ICC(x,
// lmer = FALSE) computes them from the two-way ANOVA of a complete subjects x raters
// table: ICC1, ICC2, ICC3 (single rater) and ICC1k, ICC2k, ICC3k (mean of k raters),
// each with its F test and confidence interval. Subjects with a missing rating are
// dropped and counted.
#include <string>
#include <vector>

#include "core/stats/result.hpp"

namespace crmo::stats {

struct IccForm {
  std::string type;  // "ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"
  double icc = 0, f = 0, df1 = 0, df2 = 0, p_value = 0;
  Interval conf_int;
};

struct IccResult {
  std::vector<IccForm> forms;  // in the order above
  double msb = 0, msw = 0, msj = 0, mse = 0;
  std::size_t n = 0, raters = 0, n_missing = 0;
};

// ratings[subject][rater]
IccResult icc(const std::vector<std::vector<double>>& ratings, double conf_level = 0.95);

}  // namespace crmo::stats
