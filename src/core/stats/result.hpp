#pragma once
// The result of a statistical test, shaped like R's "htest": estimate, statistic,
// parameter, p-value, confidence interval, method, alternative, and the number of
// observations used and dropped (missing values are dropped pairwise and counted).
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crmo::stats {

enum class Alternative { two_sided, less, greater };

// "two.sided", "less", "greater" (R's spelling).
std::string_view to_string(Alternative alternative);
// Accepts R's spelling (and "two-sided"); nullopt otherwise.
std::optional<Alternative> parse_alternative(std::string_view text);

struct Interval {
  double lower = 0;
  double upper = 0;
  double level = 0.95;
};

struct TestResult {
  std::string test;     // "spearman", "kendall", ... (the CLI's TEST name)
  std::string method;   // R's method text plus why exact or approximate
  bool exact = false;   // p-value from an exact distribution
  std::size_t n = 0;    // observations used (pairs for paired tests, total for groups)
  std::size_t n_missing = 0;  // observations dropped because a value was missing
  Alternative alternative = Alternative::two_sided;
  std::optional<double> estimate;
  std::string estimate_name;   // "rho", "tau", "cor", "odds ratio", ...
  std::optional<double> statistic;
  std::string statistic_name;  // "S", "T", "z", "t", "W", "V", "X-squared", ...
  std::optional<double> parameter;
  std::string parameter_name;  // "df"
  double p_value = 0;
  std::optional<Interval> conf_int;
  std::vector<std::string> warnings;  // what R would warn about, and crmo's own notes
};

// The input cannot give a result (R returns NA or stops): too few observations, a
// constant column, an empty table. The message says which and why.
class StatsError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Missing values are NaN. Keeps the pairs where both are present.
struct Pairs {
  std::vector<double> x, y;
  std::size_t n_missing = 0;
};
Pairs complete_pairs(const std::vector<double>& x, const std::vector<double>& y);
// Drops NaN, counting them.
std::vector<double> drop_missing(const std::vector<double>& x, std::size_t& n_missing);

}  // namespace crmo::stats
