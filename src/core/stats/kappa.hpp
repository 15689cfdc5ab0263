#pragma once
// Agreement between raters.
//  - Cohen's kappa for two raters, unweighted and weighted, as psych::cohen.kappa:
//    categories are the sorted union of the values either rater used (unless given),
//    weights 1 - |i - j| / (k - 1) (linear) or 1 - (i - j)^2 / (k - 1)^2 (quadratic,
//    psych's default); variances and normal confidence bounds as psych computes them
//    (bounds clipped to [-1, 1]).
//  - Fleiss' kappa (Fleiss 1971) for a fixed number of raters per item.
//  - Free-marginal multirater kappa (Randolph 2005): (P_o - 1/k) / (1 - 1/k).
// Missing ratings (NaN) drop the item, and are counted.
#include <optional>
#include <vector>

#include "core/stats/result.hpp"

namespace crmo::stats {

enum class KappaWeights { none, linear, quadratic };

struct KappaResult {
  double kappa = 0;            // the estimate for the weights asked for
  double variance = 0;
  Interval conf_int;
  double observed = 0;         // (weighted) observed agreement
  double expected = 0;         // (weighted) chance agreement
  std::size_t n = 0;           // items used
  std::size_t n_missing = 0;   // items dropped
  std::size_t categories = 0;
};

KappaResult cohen_kappa(const std::vector<double>& rater1, const std::vector<double>& rater2,
                        KappaWeights weights = KappaWeights::none, double conf_level = 0.95,
                        const std::optional<std::vector<double>>& levels = std::nullopt);

// ratings[item][rater]: category values; every item needs the same number (>= 2) of
// ratings.
KappaResult fleiss_kappa(const std::vector<std::vector<double>>& ratings);

// k: the number of categories raters could choose from (not only those used).
KappaResult free_marginal_kappa(const std::vector<std::vector<double>>& ratings, std::size_t k);

}  // namespace crmo::stats
