// The kappas counted item by item (MultiraterCounts, PairCounts: what crmo agreement uses
// on big cohorts) against the computation over whole rating tables as crmo did it before
// the counts (written out again here, the version checked against R): the same numbers,
// bit for bit, for 2, 3 and 4 raters, with missing ratings, and the same refusals.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <vector>

#include "core/stats/kappa.hpp"

namespace st = crmo::stats;

namespace {

using Table = std::vector<std::vector<double>>;

// The earlier table computation: complete items, then the mean share of agreeing pairs
// summed in item order, category totals in a map.
struct Reference {
  double po = 0, pe_fleiss = 0;
  std::size_t n = 0, used_categories = 0;
};

Reference reference(const Table& ratings) {
  Table items;
  for (const auto& it : ratings)
    if (std::none_of(it.begin(), it.end(), [](double v) { return std::isnan(v); })) items.push_back(it);
  Reference r;
  long double sum = 0;
  const double m = static_cast<double>(items[0].size());
  std::map<double, double> totals;
  for (const auto& item : items) {
    std::map<double, double> counts;
    for (double v : item) {
      counts[v] += 1;
      totals[v] += 1;
    }
    double agree = 0;
    for (const auto& [c, n] : counts) agree += n * (n - 1);
    sum += agree / (m * (m - 1));
  }
  r.po = static_cast<double>(sum / items.size());
  const double all = static_cast<double>(items.size() * items[0].size());
  for (const auto& [c, n] : totals) r.pe_fleiss += (n / all) * (n / all);
  r.n = items.size();
  r.used_categories = totals.size();
  return r;
}

// Cohen's unweighted kappa as before: a k x k table of proportions from the two vectors.
double reference_cohen(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> x, y;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!std::isnan(a[i]) && !std::isnan(b[i])) {
      x.push_back(a[i]);
      y.push_back(b[i]);
    }
  std::vector<double> levels = x;
  levels.insert(levels.end(), y.begin(), y.end());
  std::sort(levels.begin(), levels.end());
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  const std::size_t k = levels.size();
  std::vector<std::vector<double>> t(k, std::vector<double>(k, 0.0));
  auto idx = [&](double v) { return static_cast<std::size_t>(std::lower_bound(levels.begin(), levels.end(), v) - levels.begin()); };
  for (std::size_t i = 0; i < x.size(); ++i) t[idx(x[i])][idx(y[i])] += 1;
  const double tot = static_cast<double>(x.size());
  std::vector<double> rs(k, 0), cs(k, 0);
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k; ++j) {
      t[i][j] /= tot;
      rs[i] += t[i][j];
      cs[j] += t[i][j];
    }
  double po = 0, pc = 0;
  for (std::size_t i = 0; i < k; ++i) {
    po += t[i][i];
    pc += rs[i] * cs[i];
  }
  return (po - pc) / (1 - pc);
}

Table random_ratings(std::size_t items, std::size_t raters, int categories, unsigned seed, double missing) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int> cat(0, categories - 1);
  std::uniform_real_distribution<double> u(0, 1);
  Table t(items, std::vector<double>(raters));
  for (auto& it : t) {
    const int base = cat(gen);
    for (auto& v : it) {
      v = u(gen) < 0.7 ? base : cat(gen);  // raters mostly agree, as readers do
      if (u(gen) < missing) v = std::numeric_limits<double>::quiet_NaN();
    }
  }
  return t;
}

}  // namespace

TEST(KappaCounts, SameNumbersAsRatingTablesBitForBit) {
  for (std::size_t raters : {2u, 3u, 4u})
    for (unsigned seed : {1u, 2u, 3u}) {
      SCOPED_TRACE(testing::Message() << raters << " raters, seed " << seed);
      // 30,011 items: long enough that a sum in another order or by counts would round
      // differently for 3 raters (shares of 1/3).
      const Table t = random_ratings(30011, raters, 3, seed, 0.01);
      const Reference ref = reference(t);
      st::MultiraterCounts counts;
      for (const auto& it : t) counts.add(it);
      EXPECT_EQ(counts.items(), t.size());
      const auto fm = st::free_marginal_kappa(counts, 3);
      EXPECT_EQ(fm.observed, ref.po);
      EXPECT_EQ(fm.kappa, (ref.po - 1.0 / 3) / (1 - 1.0 / 3));
      EXPECT_EQ(fm.n, ref.n);
      EXPECT_EQ(fm.n_missing, t.size() - ref.n);
      const auto fl = st::fleiss_kappa(counts);
      EXPECT_EQ(fl.observed, ref.po);
      EXPECT_EQ(fl.expected, ref.pe_fleiss);
      EXPECT_EQ(fl.kappa, (ref.po - ref.pe_fleiss) / (1 - ref.pe_fleiss));
      EXPECT_EQ(fl.categories, ref.used_categories);
      // The table entry points give the same as the counts.
      EXPECT_EQ(st::fleiss_kappa(t).kappa, fl.kappa);
      EXPECT_EQ(st::free_marginal_kappa(t, 3).kappa, fm.kappa);

      std::vector<double> a, b;
      st::PairCounts pc;
      for (const auto& it : t) {
        a.push_back(it[0]);
        b.push_back(it[raters - 1]);
        pc.add(it[0], it[raters - 1]);
      }
      EXPECT_EQ(st::cohen_kappa(pc).kappa, reference_cohen(a, b));
      for (auto w : {st::KappaWeights::none, st::KappaWeights::linear, st::KappaWeights::quadratic}) {
        const auto x = st::cohen_kappa(pc, w), y = st::cohen_kappa(a, b, w);
        EXPECT_EQ(x.kappa, y.kappa);
        EXPECT_EQ(x.variance, y.variance);
        ASSERT_TRUE(x.conf_int && y.conf_int);
        EXPECT_EQ(x.conf_int->lower, y.conf_int->lower);
        EXPECT_EQ(x.conf_int->upper, y.conf_int->upper);
        EXPECT_EQ(x.n, y.n);
        EXPECT_EQ(x.n_missing, y.n_missing);
      }
    }
}

TEST(KappaCounts, RefusesWhatTablesAreRefused) {
  st::MultiraterCounts none;
  EXPECT_THROW(st::fleiss_kappa(none), st::StatsError);
  st::MultiraterCounts ragged;
  ragged.add(std::vector<double>{0, 1});
  ragged.add(std::vector<double>{0, 1, 1});
  EXPECT_THROW(st::free_marginal_kappa(ragged, 2), st::StatsError);
  st::MultiraterCounts one;
  one.add(std::vector<double>{1});
  EXPECT_THROW(st::fleiss_kappa(one), st::StatsError);
  st::MultiraterCounts same;
  same.add(std::vector<double>{1, 1});
  EXPECT_THROW(st::fleiss_kappa(same), st::StatsError);           // every rating one category
  EXPECT_EQ(st::free_marginal_kappa(same, 2).kappa, 1.0);         // free-marginal is defined
  st::MultiraterCounts three;
  three.add(std::vector<double>{0, 1});
  three.add(std::vector<double>{2, 2});
  EXPECT_THROW(st::free_marginal_kappa(three, 2), st::StatsError);  // 3 categories used, k = 2
  st::PairCounts pc;
  pc.add(std::nan(""), 1);
  EXPECT_EQ(pc.missing(), 1u);
  EXPECT_THROW(st::cohen_kappa(pc), st::StatsError);  // nothing rated by both
  pc.add(1, 1);
  EXPECT_THROW(st::cohen_kappa(pc), st::StatsError);  // one category only
}
