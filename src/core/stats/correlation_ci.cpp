#include "core/stats/correlation_ci.hpp"

#include <cmath>
#include <limits>

#include "core/stats/distributions.hpp"

namespace crmo::stats {

Interval spearman_fisher_ci(double rho, std::size_t n, double conf_level, Alternative alternative) {
  if (n <= 3) throw StatsError("the Fisher-z interval of Spearman's rho needs more than 3 pairs");
  const double z = std::atanh(rho);
  const double se = std::sqrt(1.06 / (static_cast<double>(n) - 3));
  const double inf = std::numeric_limits<double>::infinity();
  Interval ci{-inf, inf, conf_level};
  switch (alternative) {
    case Alternative::less: ci.upper = std::tanh(z + se * dist::qnorm(conf_level)); break;
    case Alternative::greater: ci.lower = std::tanh(z - se * dist::qnorm(conf_level)); break;
    case Alternative::two_sided: {
      const double w = se * dist::qnorm((1 + conf_level) / 2);
      ci.lower = std::tanh(z - w);
      ci.upper = std::tanh(z + w);
    }
  }
  return ci;
}

}  // namespace crmo::stats
