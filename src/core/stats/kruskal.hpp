#pragma once
// Kruskal-Wallis rank sum test, as R's kruskal.test(list(...)): tie-corrected H on
// k - 1 df (chi-squared approximation).
#include <vector>

#include "core/stats/result.hpp"

namespace crmo::stats {

TestResult kruskal(const std::vector<std::vector<double>>& groups);

}  // namespace crmo::stats
