#pragma once
// Sample quantiles as R's quantile(x, type = 7). NaN values are dropped; an empty
// input throws StatsError.
#include <vector>

namespace crmo::stats {

double quantile7(std::vector<double> x, double prob);
std::vector<double> quantile7(std::vector<double> x, const std::vector<double>& probs);
double median(std::vector<double> x);

}  // namespace crmo::stats
