#include "core/stats/bootstrap.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "core/stats/distributions.hpp"
#include "core/stats/ranks.hpp"

namespace crmo::stats {
namespace {

// The high and low 64 bits of a * b, in portable C++ (no 128-bit integer type).
void multiply_64(std::uint64_t a, std::uint64_t b, std::uint64_t& high, std::uint64_t& low) {
  constexpr std::uint64_t mask = 0xffffffffu;
  const std::uint64_t a0 = a & mask, a1 = a >> 32, b0 = b & mask, b1 = b >> 32;
  const std::uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const std::uint64_t middle = (p00 >> 32) + (p01 & mask) + (p10 & mask);
  low = (middle << 32) | (p00 & mask);
  high = p11 + (p01 >> 32) + (p10 >> 32) + (middle >> 32);
}

// Uniform integer in [0, n) from a 64-bit generator (Lemire's method), the same on
// every platform (std::uniform_int_distribution is not).
std::uint64_t bounded(std::mt19937_64& gen, std::uint64_t n) {
  std::uint64_t high, low;
  multiply_64(gen(), n, high, low);
  if (low < n) {
    const std::uint64_t threshold = -n % n;
    while (low < threshold) multiply_64(gen(), n, high, low);
  }
  return high;
}

// Spearman's rho of a resample given by multiplicities, in O(n). The data's tie groups
// (in the order of x, and of y) are found once; a resample only changes how many copies
// each group holds. With w values in the resample, the ranks have mean (w + 1) / 2 and
// sum of squared deviations (w^3 - w - sum(t^3 - t)) / 12, so one pass over the
// products gives rho.
struct WeightedRho {
  struct Groups {
    std::vector<std::uint32_t> order;  // indices sorted by value
    std::vector<std::uint32_t> start;  // group boundaries in order, with a final n
  };
  Groups gx, gy;
  std::vector<double> rx, ry;

  static Groups groups(const std::vector<double>& v) {
    Groups g;
    g.order.resize(v.size());
    std::iota(g.order.begin(), g.order.end(), 0u);
    std::sort(g.order.begin(), g.order.end(), [&](auto a, auto b) { return v[a] < v[b]; });
    for (std::size_t i = 0; i < v.size(); ++i)
      if (i == 0 || v[g.order[i]] != v[g.order[i - 1]]) g.start.push_back(static_cast<std::uint32_t>(i));
    g.start.push_back(static_cast<std::uint32_t>(v.size()));
    return g;
  }

  WeightedRho(const std::vector<double>& x, const std::vector<double>& y)
      : gx(groups(x)), gy(groups(y)), rx(x.size()), ry(x.size()) {}

  // Centred average ranks; returns the sum of t^3 - t over tie groups.
  static double ranks(const Groups& g, const std::vector<std::uint32_t>& c, double mean, std::vector<double>& r) {
    double before = 0, ties = 0;
    for (std::size_t k = 0; k + 1 < g.start.size(); ++k) {
      double m = 0;
      for (std::uint32_t i = g.start[k]; i < g.start[k + 1]; ++i) m += c[g.order[i]];
      const double centred = before + (m + 1) / 2 - mean;
      for (std::uint32_t i = g.start[k]; i < g.start[k + 1]; ++i) r[g.order[i]] = centred;
      ties += m * m * m - m;
      before += m;
    }
    return ties;
  }

  double operator()(const std::vector<std::uint32_t>& c) {
    double w = 0;
    for (auto v : c) w += v;
    const double mean = (w + 1) / 2;
    const double tx = ranks(gx, c, mean, rx), ty = ranks(gy, c, mean, ry);
    double sxy = 0;
    for (std::size_t i = 0; i < c.size(); ++i) sxy += c[i] * rx[i] * ry[i];
    const double base = w * w * w - w;
    const double sxx = (base - tx) / 12, syy = (base - ty) / 12;
    if (!(sxx > 0) || !(syy > 0)) return std::nan("");
    return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
  }
};

// boot's norm.inter: quantiles of t at alpha, interpolated on the normal scale.
std::vector<double> norm_inter(std::vector<double> t, const std::vector<double>& alpha) {
  std::erase_if(t, [](double v) { return !std::isfinite(v); });
  if (t.empty()) throw StatsError("no finite bootstrap replicates");
  std::sort(t.begin(), t.end());
  const double r = static_cast<double>(t.size());
  std::vector<double> out;
  for (double a : alpha) {
    const double rk = (r + 1) * a;
    const double k = std::trunc(rk);
    if (k == rk && k >= 1 && k <= r) out.push_back(t[static_cast<std::size_t>(k) - 1]);
    else if (k <= 0) out.push_back(t.front());
    else if (k >= r) out.push_back(t.back());
    else {
      const double z = dist::qnorm(a), z1 = dist::qnorm(k / (r + 1)), z2 = dist::qnorm((k + 1) / (r + 1));
      const double tk = t[static_cast<std::size_t>(k) - 1], tk1 = t[static_cast<std::size_t>(k)];
      out.push_back(tk + (z - z1) / (z2 - z1) * (tk1 - tk));
    }
  }
  return out;
}

}  // namespace

Interval percentile_interval(std::vector<double> t, double conf_level) {
  const auto q = norm_inter(std::move(t), {(1 - conf_level) / 2, (1 + conf_level) / 2});
  return {q[0], q[1], conf_level};
}

Interval bca_interval(std::vector<double> t, double t0, const std::vector<double>& influence, double conf_level,
                      double* w_out, double* a_out) {
  std::erase_if(t, [](double v) { return !std::isfinite(v); });
  double below = 0;
  for (double v : t) below += v < t0;
  const double w = dist::qnorm(below / static_cast<double>(t.size()));
  if (!std::isfinite(w)) throw StatsError("BCa: estimated adjustment 'w' is infinite (every replicate on one side of the estimate)");
  long double s2 = 0, s3 = 0;
  for (double l : influence) {
    s2 += static_cast<long double>(l) * l;
    s3 += static_cast<long double>(l) * l * l;
  }
  const double a = static_cast<double>(s3 / (6 * std::pow(s2, 1.5L)));
  if (!std::isfinite(a)) throw StatsError("BCa: estimated adjustment 'a' is NA (no variation in the jackknife)");
  std::vector<double> adj;
  for (double alpha : {(1 - conf_level) / 2, (1 + conf_level) / 2}) {
    const double z = dist::qnorm(alpha);
    adj.push_back(dist::pnorm(w + (w + z) / (1 - a * (w + z))));
  }
  if (w_out) *w_out = w;
  if (a_out) *a_out = a;
  const auto q = norm_inter(std::move(t), adj);
  return {q[0], q[1], conf_level};
}

std::vector<double> spearman_jackknife_influence(const std::vector<double>& x_in, const std::vector<double>& y_in) {
  Pairs pairs = complete_pairs(x_in, y_in);
  const std::size_t n = pairs.x.size();
  if (n < 3) throw StatsError("the jackknife of Spearman's rho needs at least 3 complete pairs");
  WeightedRho rho(pairs.x, pairs.y);
  std::vector<std::uint32_t> c(n, 1);
  const double t0 = rho(c);
  std::vector<double> influence(n);
  for (std::size_t i = 0; i < n; ++i) {
    c[i] = 0;
    influence[i] = (static_cast<double>(n) - 1) * (t0 - rho(c));
    c[i] = 1;
  }
  return influence;
}

BootstrapResult spearman_bootstrap(const std::vector<double>& x_in, const std::vector<double>& y_in,
                                   const BootstrapOptions& options) {
  Pairs pairs = complete_pairs(x_in, y_in);
  const std::size_t n = pairs.x.size();
  if (n < 3) throw StatsError("the bootstrap of Spearman's rho needs at least 3 complete pairs");
  if (options.replicates < 2) throw StatsError("the bootstrap needs at least 2 replicates");
  WeightedRho rho(pairs.x, pairs.y);
  BootstrapResult out;
  std::vector<std::uint32_t> c(n, 1);
  out.t0 = rho(c);
  if (std::isnan(out.t0)) throw StatsError("Spearman's rho is undefined: a column is constant");
  std::mt19937_64 gen(options.seed);
  out.t.resize(options.replicates);
  for (std::size_t b = 0; b < options.replicates; ++b) {
    std::fill(c.begin(), c.end(), 0u);
    for (std::size_t i = 0; i < n; ++i) ++c[bounded(gen, n)];
    out.t[b] = rho(c);
  }
  out.influence = spearman_jackknife_influence(pairs.x, pairs.y);
  out.percentile = percentile_interval(out.t, options.conf_level);
  out.bca = bca_interval(out.t, out.t0, out.influence, options.conf_level, &out.bias_correction, &out.acceleration);
  return out;
}

}  // namespace crmo::stats
