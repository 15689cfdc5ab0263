#pragma once
// Ranks with ties averaged (R's rank(), ties.method = "average"), tie-group sizes, and
// the Pearson correlation as R's cor() computes it (two-pass, long double sums).
#include <cstddef>
#include <vector>

namespace crmo::stats {

std::vector<double> rank_average(const std::vector<double>& values);

// A column's average ranks with its tie information, computed once (radix sort) and
// reusable by every test of a family that uses the whole column (no missing values).
struct Ranked {
  std::vector<double> rank;
  bool ties = false;
  double tie_term = 0;  // sum over tie groups of t^3 - t
};
Ranked rank_column(const std::vector<double>& values);

// Sizes of the groups of equal values, groups of one included.
std::vector<std::size_t> tie_groups(const std::vector<double>& values);

// sum over groups of (t^3 - t), the usual tie correction term.
double tie_term(const std::vector<double>& values);

bool has_ties(const std::vector<double>& values);

// Pearson correlation; NaN when either column is constant. Result clamped to [-1, 1].
double pearson_r(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace crmo::stats
