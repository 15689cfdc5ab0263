#pragma once
// The test families checked against R (golden file and live): how crmo computes the
// values that tests/stats/r/calls.R asks R for, and how close they must be.
#include <string>
#include <vector>

namespace crmo::stats::testing {

struct Case {
  std::string id, family, alternative, extra;
  std::vector<double> x, y;
};

struct Outcome {
  bool error = false;
  // crmo's default is exact where R approximates (Spearman, n > 9 without ties): not
  // comparable with R; checked against enumeration in test_spearman_exact.cpp instead.
  bool exact_not_r = false;
  std::string message;
  std::vector<double> values;
};

// crmo's values for a case (error = true when crmo refuses the input).
Outcome run_crmo(const Case& c);

// 'p' for a p-value, 's' for a statistic or estimate, per value of the family.
char kind_of(const std::string& family, std::size_t index, std::size_t size);

// 6 significant digits for statistics and estimates, 4 significant digits or 1e-12
// absolute for p-values; infinities and NaN must match exactly.
bool agree(double crmo, double r, char kind);

std::vector<double> parse_numbers(const std::string& text, char sep);
std::string format_numbers(const std::vector<double>& v, char sep);

}  // namespace crmo::stats::testing
