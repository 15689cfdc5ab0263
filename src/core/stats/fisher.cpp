#include "core/stats/fisher.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <functional>
#include <limits>

#include <fmt/format.h>

#include "core/stats/root.hpp"

namespace crmo::stats {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

void check_table(const CountTable& t) {
  if (t.size() < 2 || t[0].size() < 2) throw StatsError("the table must have at least 2 rows and 2 columns");
  for (const auto& row : t) {
    if (row.size() != t[0].size()) throw StatsError("ragged table");
    for (double v : row)
      if (!(v >= 0) || std::isinf(v) || v != std::round(v))
        throw StatsError("all entries of the table must be nonnegative integers");
  }
}

double lchoose(double n, double k) { return std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1); }

struct NonCentralHypergeometric {
  double m, n, k, x;  // R's names: column 1 total, column 2 total, row 1 total, x[1,1]
  double lo, hi;
  std::vector<double> support, logdc;

  NonCentralHypergeometric(double m_, double n_, double k_, double x_) : m(m_), n(n_), k(k_), x(x_) {
    lo = std::max(0.0, k - n);
    hi = std::min(k, m);
    for (double s = lo; s <= hi; s += 1) {
      support.push_back(s);
      logdc.push_back(lchoose(m, s) + lchoose(n, k - s) - lchoose(m + n, k));
    }
  }
  std::vector<double> density(double ncp) const {
    std::vector<double> d(support.size());
    double mx = -inf;
    for (std::size_t i = 0; i < d.size(); ++i) {
      d[i] = logdc[i] + std::log(ncp) * support[i];
      mx = std::max(mx, d[i]);
    }
    long double sum = 0;
    for (double& v : d) {
      v = std::exp(v - mx);
      sum += v;
    }
    for (double& v : d) v = static_cast<double>(v / sum);
    return d;
  }
  double mean(double ncp) const {
    if (ncp == 0) return lo;
    if (std::isinf(ncp)) return hi;
    const auto d = density(ncp);
    long double s = 0;
    for (std::size_t i = 0; i < d.size(); ++i) s += support[i] * d[i];
    return static_cast<double>(s);
  }
  double cdf(double q, double ncp, bool upper) const {
    if (ncp == 0) return upper ? (q <= lo) : (q >= lo);
    if (std::isinf(ncp)) return upper ? (q <= hi) : (q >= hi);
    const auto d = density(ncp);
    long double s = 0;
    for (std::size_t i = 0; i < d.size(); ++i)
      if (upper ? support[i] >= q : support[i] <= q) s += d[i];
    return static_cast<double>(s);
  }
  double mle() const {
    if (x == lo) return 0;
    if (x == hi) return inf;
    const double mu = mean(1);
    if (mu > x) return uniroot([&](double t) { return mean(t) - x; }, 0, 1);
    if (mu < x) return 1 / uniroot([&](double t) { return mean(1 / t) - x; }, DBL_EPSILON, 1);
    return 1;
  }
  double ncp_upper(double alpha) const {
    if (x == hi) return inf;
    const double p = cdf(x, 1, false);
    if (p < alpha) return uniroot([&](double t) { return cdf(x, t, false) - alpha; }, 0, 1);
    if (p > alpha) return 1 / uniroot([&](double t) { return cdf(x, 1 / t, false) - alpha; }, DBL_EPSILON, 1);
    return 1;
  }
  double ncp_lower(double alpha) const {
    if (x == lo) return 0;
    const double p = cdf(x, 1, true);
    if (p > alpha) return uniroot([&](double t) { return cdf(x, t, true) - alpha; }, 0, 1);
    if (p < alpha) return 1 / uniroot([&](double t) { return cdf(x, 1 / t, true) - alpha; }, DBL_EPSILON, 1);
    return 1;
  }
};

TestResult fisher_2x2(const CountTable& t, const FisherOptions& options) {
  TestResult res;
  res.test = "fisher";
  res.exact = true;
  res.alternative = options.alternative;
  res.method = "Fisher's Exact Test for Count Data: exact conditional (hypergeometric) distribution";
  const NonCentralHypergeometric h(t[0][0] + t[1][0], t[0][1] + t[1][1], t[0][0] + t[0][1], t[0][0]);
  switch (options.alternative) {
    case Alternative::less: res.p_value = h.cdf(h.x, 1, false); break;
    case Alternative::greater: res.p_value = h.cdf(h.x, 1, true); break;
    case Alternative::two_sided: {
      const auto d = h.density(1);
      const double cut = d[static_cast<std::size_t>(h.x - h.lo)] * (1 + 1e-7);
      long double s = 0;
      for (double v : d)
        if (v <= cut) s += v;
      res.p_value = static_cast<double>(s);
    }
  }
  res.estimate = h.mle();
  res.estimate_name = "odds ratio";
  Interval ci{0, 0, options.conf_level};
  switch (options.alternative) {
    case Alternative::less:
      ci.lower = 0;
      ci.upper = h.ncp_upper(1 - options.conf_level);
      break;
    case Alternative::greater:
      ci.lower = h.ncp_lower(1 - options.conf_level);
      ci.upper = inf;
      break;
    case Alternative::two_sided: {
      const double alpha = (1 - options.conf_level) / 2;
      ci.lower = h.ncp_lower(alpha);
      ci.upper = h.ncp_upper(alpha);
    }
  }
  res.conf_int = ci;
  return res;
}

TestResult fisher_rxc(const CountTable& t, const FisherOptions& options) {
  // Rows and columns with a zero total carry no information; drop them.
  std::vector<double> rows, cols;
  for (const auto& row : t) {
    double s = 0;
    for (double v : row) s += v;
    if (s > 0) rows.push_back(s);
  }
  for (std::size_t j = 0; j < t[0].size(); ++j) {
    double s = 0;
    for (const auto& row : t) s += row[j];
    if (s > 0) cols.push_back(s);
  }
  double total = 0;
  for (double r : rows) total += r;
  TestResult res;
  res.test = "fisher";
  res.exact = true;
  res.alternative = Alternative::two_sided;
  res.method = "Fisher's Exact Test for Count Data: exact, by enumerating all tables with the observed margins";
  if (total == 0) throw StatsError("the table is empty");
  if (rows.size() < 2 || cols.size() < 2) {
    res.p_value = 1;
    return res;
  }
  const auto N = static_cast<std::size_t>(total);
  std::vector<double> lfact(N + 1);
  for (std::size_t i = 0; i <= N; ++i) lfact[i] = std::lgamma(static_cast<double>(i) + 1);
  // log P(table) = const - sum lfact(cell); compare the variable part.
  double observed = 0;
  for (const auto& row : t)
    for (double v : row) observed -= lfact[static_cast<std::size_t>(v)];
  double constant = -lfact[N];
  for (double r : rows) constant += lfact[static_cast<std::size_t>(r)];
  for (double c : cols) constant += lfact[static_cast<std::size_t>(c)];
  const double cut = observed + std::log1p(1e-7);
  const std::size_t nr = rows.size(), nc = cols.size();
  std::vector<long> remaining(nr);
  for (std::size_t i = 0; i < nr; ++i) remaining[i] = static_cast<long>(rows[i]);
  long double p = 0;
  double visited = 0;
  // Fill column by column, row by row; the last column is what remains.
  std::function<void(std::size_t, std::size_t, long, long, double)> fill = [&](std::size_t j, std::size_t i,
                                                                              long col_left, long rows_after,
                                                                              double acc) {
    if (++visited > options.max_tables)
      throw StatsError(fmt::format("the table is too large for exact enumeration (more than {:g} partial tables); use chisq",
                                   options.max_tables));
    if (j == nc - 1) {
      double a = acc;
      for (std::size_t r = 0; r < nr; ++r) a -= lfact[static_cast<std::size_t>(remaining[r])];
      if (a <= cut) p += std::exp(static_cast<long double>(constant + a));
      return;
    }
    if (i == nr - 1) {  // last row takes what is left of this column
      if (col_left > remaining[i]) return;
      remaining[i] -= col_left;
      long next_total = 0;
      for (std::size_t r = 0; r < nr; ++r) next_total += remaining[r];
      const long next_col = static_cast<long>(cols[j + 1]);
      (void)next_total;
      fill(j + 1, 0, next_col, next_total - remaining[0], acc - lfact[static_cast<std::size_t>(col_left)]);
      remaining[i] += col_left;
      return;
    }
    // rows after i can absorb at most rows_after of this column
    const long lo = std::max(0L, col_left - rows_after);
    const long hi = std::min(col_left, remaining[i]);
    for (long v = lo; v <= hi; ++v) {
      remaining[i] -= v;
      fill(j, i + 1, col_left - v, rows_after - remaining[i + 1], acc - lfact[static_cast<std::size_t>(v)]);
      remaining[i] += v;
    }
  };
  long rows_total = 0;
  for (std::size_t r = 0; r < nr; ++r) rows_total += remaining[r];
  fill(0, 0, static_cast<long>(cols[0]), rows_total - remaining[0], 0.0);
  (void)options;
  res.p_value = std::clamp(static_cast<double>(p), 0.0, 1.0);
  return res;
}

}  // namespace

TestResult fisher(const CountTable& table, const FisherOptions& options) {
  check_table(table);
  TestResult res = table.size() == 2 && table[0].size() == 2 ? fisher_2x2(table, options) : fisher_rxc(table, options);
  double n = 0;
  for (const auto& row : table)
    for (double v : row) n += v;
  res.n = static_cast<std::size_t>(n);
  return res;
}

}  // namespace crmo::stats
