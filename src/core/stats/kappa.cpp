#include "core/stats/kappa.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/stats/distributions.hpp"

namespace crmo::stats {
void PairCounts::add(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) {
    ++missing_;
    return;
  }
  ++n_;
  for (auto& c : cells_)
    if (c.a == a && c.b == b) {
      c.count += 1;
      return;
    }
  cells_.push_back({a, b, 1});
}

void MultiraterCounts::add(const double* r, std::size_t m) {
  for (std::size_t i = 0; i < m; ++i)
    if (std::isnan(r[i])) {
      ++missing_;
      return;
    }
  if (n_ == 0) raters_ = m;
  else if (m != raters_) ragged_ = true;
  ++n_;
  // Sum over categories of c (c - 1) = ordered pairs of raters who agree; an integer.
  double agree = 0;
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = i + 1; j < m; ++j)
      if (r[i] == r[j]) agree += 2;
  const double md = static_cast<double>(raters_);
  if (raters_ >= 2) sum_ += agree / (md * (md - 1));
  for (std::size_t i = 0; i < m; ++i) {
    auto it = std::lower_bound(totals_.begin(), totals_.end(), r[i],
                               [](const std::pair<double, double>& t, double v) { return t.first < v; });
    if (it != totals_.end() && it->first == r[i]) it->second += 1;
    else totals_.insert(it, {r[i], 1.0});
  }
}

// Mean over items of the share of agreeing rater pairs, after the checks a table gets.
double MultiraterCounts::checked_agreement() const {
  if (n_ == 0) throw StatsError("no item has a complete set of ratings");
  if (raters_ < 2) throw StatsError("agreement needs at least 2 raters per item");
  if (ragged_) throw StatsError("every item needs the same number of ratings");
  return static_cast<double>(sum_ / n_);
}

KappaResult cohen_kappa(const std::vector<double>& r1, const std::vector<double>& r2, KappaWeights weights,
                        double conf_level, const std::optional<std::vector<double>>& levels) {
  if (r1.size() != r2.size()) throw StatsError("the two raters must rate the same items");
  PairCounts counts;
  for (std::size_t i = 0; i < r1.size(); ++i) counts.add(r1[i], r2[i]);
  return cohen_kappa(counts, weights, conf_level, levels);
}

KappaResult cohen_kappa(const PairCounts& counts, KappaWeights weights, double conf_level,
                        const std::optional<std::vector<double>>& levels_in) {
  KappaResult res;
  res.n_missing = counts.missing();
  if (counts.n() == 0) throw StatsError("no item was rated by both raters");
  std::vector<double> levels;
  if (levels_in) levels = *levels_in;
  else {
    for (const auto& c : counts.cells()) {
      levels.push_back(c.a);
      levels.push_back(c.b);
    }
    std::sort(levels.begin(), levels.end());
    levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  }
  const std::size_t k = levels.size();
  if (k < 2) throw StatsError("Cohen's kappa is undefined: both raters used a single category (no variance; psych gives NA)");
  std::map<double, std::size_t> index;
  for (std::size_t i = 0; i < k; ++i) index[levels[i]] = i;
  std::vector<std::vector<double>> x(k, std::vector<double>(k, 0.0));
  for (const auto& c : counts.cells()) {
    auto ia = index.find(c.a), ib = index.find(c.b);
    if (ia == index.end() || ib == index.end()) throw StatsError("a rating is not one of the given levels");
    x[ia->second][ib->second] += c.count;  // counts are whole numbers: the same sum as adding 1 per item
  }
  const double tot = static_cast<double>(counts.n());
  std::vector<double> rs(k, 0), cs(k, 0);
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k; ++j) {
      x[i][j] /= tot;
      rs[i] += x[i][j];
      cs[j] += x[i][j];
    }
  std::vector<std::vector<double>> w(k, std::vector<double>(k, 0.0));
  const double km1 = static_cast<double>(k) - 1;
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k; ++j) {
      const double d = std::fabs(static_cast<double>(i) - static_cast<double>(j));
      switch (weights) {
        case KappaWeights::none: w[i][j] = i == j ? 1 : 0; break;
        case KappaWeights::linear: w[i][j] = 1 - d / km1; break;
        case KappaWeights::quadratic: w[i][j] = 1 - d * d / (km1 * km1); break;
      }
    }
  res.n = counts.n();
  res.categories = k;
  const double z = -dist::qnorm((1 - conf_level) / 2);
  if (weights == KappaWeights::none) {
    double po = 0, pc = 0;
    for (std::size_t i = 0; i < k; ++i) {
      po += x[i][i];
      pc += rs[i] * cs[i];
    }
    res.kappa = (po - pc) / (1 - pc);
    double t1 = 0, t2 = 0;
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = 0; j < k; ++j) {
        if (i == j) {
          const double v = (1 - pc) - (rs[i] + cs[i]) * (1 - po);
          t1 += x[i][i] * v * v;
        } else {
          const double v = cs[i] + rs[j];
          t2 += x[i][j] * v * v;
        }
      }
    const double t3 = po * pc - 2 * pc + po;
    res.variance = (t1 + (1 - po) * (1 - po) * t2 - t3 * t3) / (tot * std::pow(1 - pc, 4));
    res.observed = po;
    res.expected = pc;
  } else {
    double wpo = 0, wpc = 0, trw = 0;
    std::vector<double> colw(k, 0), roww(k, 0);
    for (std::size_t i = 0; i < k; ++i) {
      trw += w[i][i];
      for (std::size_t j = 0; j < k; ++j) {
        wpo += w[i][j] * x[i][j];
        wpc += w[i][j] * rs[i] * cs[j];
        colw[j] += w[i][j] * cs[i];
        roww[i] += w[i][j] * rs[i];
      }
    }
    res.kappa = trw > 0 ? (wpo - wpc) / (1 - wpc) : 1 - wpo / wpc;
    double t1 = 0;
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = 0; j < k; ++j) {
        const double v = w[i][j] * (1 - wpc) - (colw[i] + roww[j]) * (1 - wpo);
        t1 += x[i][j] * v * v;
      }
    const double t3 = wpo * wpc - 2 * wpc + wpo;
    res.variance = (t1 - t3 * t3) / (tot * std::pow(1 - wpc, 4));
    res.observed = wpo;
    res.expected = wpc;
  }
  if (std::isnan(res.variance) || res.variance < 0) res.variance = 0;
  res.conf_int = Interval{std::clamp(res.kappa - z * std::sqrt(res.variance), -1.0, 1.0),
                  std::clamp(res.kappa + z * std::sqrt(res.variance), -1.0, 1.0), conf_level};
  return res;
}

KappaResult fleiss_kappa(const std::vector<std::vector<double>>& ratings) {
  MultiraterCounts counts;
  for (const auto& item : ratings) counts.add(item);
  return fleiss_kappa(counts);
}

KappaResult fleiss_kappa(const MultiraterCounts& counts) {
  KappaResult res;
  res.n_missing = counts.missing_;
  const double po = counts.checked_agreement();
  const double all = static_cast<double>(counts.n_ * counts.raters_);
  double pe = 0;
  for (const auto& [category, c] : counts.totals_) pe += (c / all) * (c / all);
  if (pe >= 1) throw StatsError("Fleiss' kappa is undefined: every rating is the same category");
  res.kappa = (po - pe) / (1 - pe);
  res.observed = po;
  res.expected = pe;
  res.n = counts.n_;
  res.categories = counts.totals_.size();
  return res;
}

KappaResult free_marginal_kappa(const std::vector<std::vector<double>>& ratings, std::size_t k) {
  if (k < 2) throw StatsError("free-marginal kappa needs at least 2 categories");
  MultiraterCounts counts;
  for (const auto& item : ratings) counts.add(item);
  return free_marginal_kappa(counts, k);
}

KappaResult free_marginal_kappa(const MultiraterCounts& counts, std::size_t k) {
  if (k < 2) throw StatsError("free-marginal kappa needs at least 2 categories");
  KappaResult res;
  res.n_missing = counts.missing_;
  const double po = counts.checked_agreement();
  if (counts.totals_.size() > k) throw StatsError("more categories were used than the k given");
  const double pe = 1.0 / static_cast<double>(k);
  res.kappa = (po - pe) / (1 - pe);
  res.observed = po;
  res.expected = pe;
  res.n = counts.n_;
  res.categories = k;
  return res;
}

}  // namespace crmo::stats
