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
//
// Big inputs (millions of items) need not be kept as rating tables: MultiraterCounts and
// PairCounts count them item by item, and the kappas computed from the counts are the
// same numbers, bit for bit, as from the tables (the functions over tables are these).
#include <cstddef>
#include <optional>
#include <vector>

#include "core/stats/result.hpp"

namespace crmo::stats {

enum class KappaWeights { none, linear, quadratic };

struct KappaResult {
  double kappa = 0;            // the estimate for the weights asked for
  double variance = 0;
  std::optional<Interval> conf_int;  // Cohen's only: psych gives no interval for the multirater kappas
  double observed = 0;         // (weighted) observed agreement
  double expected = 0;         // (weighted) chance agreement
  std::size_t n = 0;           // items used
  std::size_t n_missing = 0;   // items dropped
  std::size_t categories = 0;
};

// Two raters' ratings counted by (rating 1, rating 2).
class PairCounts {
 public:
  void add(double rating1, double rating2);
  struct Cell {
    double a = 0, b = 0, count = 0;
  };
  const std::vector<Cell>& cells() const { return cells_; }  // in order of first appearance
  std::size_t n() const { return n_; }                      // pairs with both ratings
  std::size_t missing() const { return missing_; }          // pairs with a NaN

 private:
  std::vector<Cell> cells_;
  std::size_t n_ = 0, missing_ = 0;
};

// Items rated by several raters, summed as they are added: the mean share of agreeing
// rater pairs (Fleiss' P_o, summed in item order as over a table) and the category totals.
class MultiraterCounts {
 public:
  void add(const double* ratings, std::size_t raters);  // one item
  void add(const std::vector<double>& ratings) { add(ratings.data(), ratings.size()); }
  std::size_t items() const { return n_ + missing_; }

 private:
  friend KappaResult fleiss_kappa(const MultiraterCounts&);
  friend KappaResult free_marginal_kappa(const MultiraterCounts&, std::size_t);
  double checked_agreement() const;
  long double sum_ = 0;       // sum over complete items of agreeing pairs / all pairs
  std::size_t n_ = 0, missing_ = 0, raters_ = 0;
  bool ragged_ = false;       // items with different numbers of ratings
  std::vector<std::pair<double, double>> totals_;  // category -> ratings, sorted
};

KappaResult cohen_kappa(const PairCounts& counts, KappaWeights weights = KappaWeights::none,
                        double conf_level = 0.95, const std::optional<std::vector<double>>& levels = std::nullopt);
KappaResult fleiss_kappa(const MultiraterCounts& counts);
KappaResult free_marginal_kappa(const MultiraterCounts& counts, std::size_t k);

KappaResult cohen_kappa(const std::vector<double>& rater1, const std::vector<double>& rater2,
                        KappaWeights weights = KappaWeights::none, double conf_level = 0.95,
                        const std::optional<std::vector<double>>& levels = std::nullopt);

// ratings[item][rater]: category values; every item needs the same number (>= 2) of
// ratings.
KappaResult fleiss_kappa(const std::vector<std::vector<double>>& ratings);

// k: the number of categories raters could choose from (not only those used).
KappaResult free_marginal_kappa(const std::vector<std::vector<double>>& ratings, std::size_t k);

}  // namespace crmo::stats
