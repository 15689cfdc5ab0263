#include "core/stats/kappa.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/stats/distributions.hpp"

namespace crmo::stats {
namespace {

std::vector<std::vector<double>> complete_items(const std::vector<std::vector<double>>& ratings, std::size_t& missing) {
  std::vector<std::vector<double>> out;
  for (const auto& item : ratings) {
    if (std::any_of(item.begin(), item.end(), [](double v) { return std::isnan(v); })) {
      ++missing;
      continue;
    }
    out.push_back(item);
  }
  if (out.empty()) throw StatsError("no item has a complete set of ratings");
  const std::size_t m = out[0].size();
  if (m < 2) throw StatsError("agreement needs at least 2 raters per item");
  for (const auto& item : out)
    if (item.size() != m) throw StatsError("every item needs the same number of ratings");
  return out;
}

// Mean over items of the share of agreeing rater pairs, and the category counts.
double pairwise_agreement(const std::vector<std::vector<double>>& items, std::map<double, double>& totals) {
  long double sum = 0;
  const double m = static_cast<double>(items[0].size());
  for (const auto& item : items) {
    std::map<double, double> counts;
    for (double v : item) {
      counts[v] += 1;
      totals[v] += 1;
    }
    double agree = 0;
    for (const auto& [category, c] : counts) agree += c * (c - 1);
    sum += agree / (m * (m - 1));
  }
  return static_cast<double>(sum / items.size());
}

}  // namespace

KappaResult cohen_kappa(const std::vector<double>& r1, const std::vector<double>& r2, KappaWeights weights,
                        double conf_level, const std::optional<std::vector<double>>& levels_in) {
  if (r1.size() != r2.size()) throw StatsError("the two raters must rate the same items");
  KappaResult res;
  std::vector<double> a, b;
  for (std::size_t i = 0; i < r1.size(); ++i) {
    if (std::isnan(r1[i]) || std::isnan(r2[i])) {
      ++res.n_missing;
      continue;
    }
    a.push_back(r1[i]);
    b.push_back(r2[i]);
  }
  if (a.empty()) throw StatsError("no item was rated by both raters");
  std::vector<double> levels;
  if (levels_in) levels = *levels_in;
  else {
    levels = a;
    levels.insert(levels.end(), b.begin(), b.end());
    std::sort(levels.begin(), levels.end());
    levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  }
  const std::size_t k = levels.size();
  if (k < 2) throw StatsError("Cohen's kappa is undefined: both raters used a single category (no variance; psych gives NA)");
  std::map<double, std::size_t> index;
  for (std::size_t i = 0; i < k; ++i) index[levels[i]] = i;
  std::vector<std::vector<double>> x(k, std::vector<double>(k, 0.0));
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto ia = index.find(a[i]), ib = index.find(b[i]);
    if (ia == index.end() || ib == index.end()) throw StatsError("a rating is not one of the given levels");
    x[ia->second][ib->second] += 1;
  }
  const double tot = static_cast<double>(a.size());
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
  res.n = a.size();
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
  res.conf_int = {std::clamp(res.kappa - z * std::sqrt(res.variance), -1.0, 1.0),
                  std::clamp(res.kappa + z * std::sqrt(res.variance), -1.0, 1.0), conf_level};
  return res;
}

KappaResult fleiss_kappa(const std::vector<std::vector<double>>& ratings) {
  KappaResult res;
  const auto items = complete_items(ratings, res.n_missing);
  std::map<double, double> totals;
  const double po = pairwise_agreement(items, totals);
  const double all = static_cast<double>(items.size() * items[0].size());
  double pe = 0;
  for (const auto& [category, c] : totals) pe += (c / all) * (c / all);
  if (pe >= 1) throw StatsError("Fleiss' kappa is undefined: every rating is the same category");
  res.kappa = (po - pe) / (1 - pe);
  res.observed = po;
  res.expected = pe;
  res.n = items.size();
  res.categories = totals.size();
  return res;
}

KappaResult free_marginal_kappa(const std::vector<std::vector<double>>& ratings, std::size_t k) {
  if (k < 2) throw StatsError("free-marginal kappa needs at least 2 categories");
  KappaResult res;
  const auto items = complete_items(ratings, res.n_missing);
  std::map<double, double> totals;
  const double po = pairwise_agreement(items, totals);
  if (totals.size() > k) throw StatsError("more categories were used than the k given");
  const double pe = 1.0 / static_cast<double>(k);
  res.kappa = (po - pe) / (1 - pe);
  res.observed = po;
  res.expected = pe;
  res.n = items.size();
  res.categories = k;
  return res;
}

}  // namespace crmo::stats
