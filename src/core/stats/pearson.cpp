#include "core/stats/pearson.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/stats/distributions.hpp"
#include "core/stats/ranks.hpp"

namespace crmo::stats {

TestResult pearson(const std::vector<double>& x_in, const std::vector<double>& y_in, const PearsonOptions& options) {
  Pairs pairs = complete_pairs(x_in, y_in);
  const std::size_t n = pairs.x.size();
  if (n < 3)
    throw StatsError(fmt::format("not enough complete pairs for Pearson's r: {} (needs at least 3)", n));
  const double r = pearson_r(pairs.x, pairs.y);
  if (std::isnan(r))
    throw StatsError("Pearson's r is undefined: a column is constant (its standard deviation is zero; R gives NA)");
  TestResult res;
  res.test = "pearson";
  res.method = "Pearson's product-moment correlation: t test on n - 2 df";
  res.n = n;
  res.n_missing = pairs.n_missing;
  res.alternative = options.alternative;
  const double df = static_cast<double>(n) - 2;
  const double t = std::sqrt(df) * r / std::sqrt(1 - r * r);
  res.estimate = r;
  res.estimate_name = "cor";
  res.statistic = t;
  res.statistic_name = std::string(1, 't');  // not = "t": GCC 12 -Wrestrict false positive
  res.parameter = df;
  res.parameter_name = "df";
  switch (options.alternative) {
    case Alternative::less: res.p_value = dist::pt(t, df); break;
    case Alternative::greater: res.p_value = dist::pt(t, df, false); break;
    case Alternative::two_sided: res.p_value = 2 * std::min(dist::pt(t, df), dist::pt(t, df, false));
  }
  if (n > 3) {
    const double z = std::atanh(r);
    const double sigma = 1 / std::sqrt(static_cast<double>(n) - 3);
    const double inf = std::numeric_limits<double>::infinity();
    Interval ci{0, 0, options.conf_level};
    switch (options.alternative) {
      case Alternative::less:
        ci.lower = -inf;
        ci.upper = z + sigma * dist::qnorm(options.conf_level);
        break;
      case Alternative::greater:
        ci.lower = z - sigma * dist::qnorm(options.conf_level);
        ci.upper = inf;
        break;
      case Alternative::two_sided: {
        const double w = sigma * dist::qnorm((1 + options.conf_level) / 2);
        ci.lower = z - w;
        ci.upper = z + w;
      }
    }
    ci.lower = std::tanh(ci.lower);
    ci.upper = std::tanh(ci.upper);
    res.conf_int = ci;
  }
  return res;
}

}  // namespace crmo::stats
