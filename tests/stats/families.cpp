#include "families.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "core/stats/bootstrap.hpp"
#include "core/stats/chisq.hpp"
#include "core/stats/correlation_ci.hpp"
#include "core/stats/fisher.hpp"
#include "core/stats/icc.hpp"
#include "core/stats/kappa.hpp"
#include "core/stats/kendall.hpp"
#include "core/stats/kruskal.hpp"
#include "core/stats/p_adjust.hpp"
#include "core/stats/pearson.hpp"
#include "core/stats/quantile.hpp"
#include "core/stats/spearman.hpp"
#include "core/stats/wilcoxon.hpp"

namespace crmo::stats::testing {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

Alternative alt(const std::string& s) {
  auto a = parse_alternative(s);
  return a ? *a : Alternative::two_sided;
}

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

CountTable as_table(const std::vector<double>& x, std::size_t nrow) {
  const std::size_t ncol = x.size() / nrow;
  CountTable t(nrow, std::vector<double>(ncol));
  for (std::size_t i = 0; i < nrow; ++i)
    for (std::size_t j = 0; j < ncol; ++j) t[i][j] = x[i * ncol + j];
  return t;
}

std::vector<std::vector<double>> as_rows(const std::vector<double>& x, std::size_t ncol) {
  std::vector<std::vector<double>> rows;
  for (std::size_t i = 0; i + ncol <= x.size(); i += ncol) rows.emplace_back(x.begin() + i, x.begin() + i + ncol);
  return rows;
}

double ci_lo(const TestResult& r) { return r.conf_int ? r.conf_int->lower : nan; }
double ci_hi(const TestResult& r) { return r.conf_int ? r.conf_int->upper : nan; }

std::vector<double> compute(const Case& c, bool& exact_not_r) {
  const auto& f = c.family;
  const auto e = words(c.extra);
  if (f == "spearman" || f == "spearman_default") {
    auto r = spearman(c.x, c.y, {alt(c.alternative), f == "spearman"});
    exact_not_r = f == "spearman_default" && r.exact && r.n > 9;
    return {*r.estimate, *r.statistic, r.p_value};
  }
  if (f == "spearman_ci") {
    Pairs p = complete_pairs(c.x, c.y);
    auto ci = spearman_fisher_ci(spearman_rho(p.x, p.y), p.x.size());
    return {ci.lower, ci.upper};
  }
  if (f == "kendall") {
    auto r = kendall(c.x, c.y, {alt(c.alternative)});
    return {*r.estimate, *r.statistic, r.p_value};
  }
  if (f == "pearson") {
    auto r = pearson(c.x, c.y, {alt(c.alternative)});
    return {*r.estimate, *r.statistic, *r.parameter, r.p_value, ci_lo(r), ci_hi(r)};
  }
  if (f == "mann_whitney") {
    auto r = mann_whitney(c.x, c.y, {alt(c.alternative)});
    return {*r.statistic, r.p_value};
  }
  if (f == "wilcoxon") {
    auto r = signed_rank(c.x, c.y, {alt(c.alternative)});
    return {*r.statistic, r.p_value};
  }
  if (f == "kruskal") {
    std::map<double, std::vector<double>> groups;
    for (std::size_t i = 0; i < c.x.size(); ++i) groups[c.y[i]].push_back(c.x[i]);
    std::vector<std::vector<double>> g;
    for (auto& [k, v] : groups) g.push_back(v);
    auto r = kruskal(g);
    return {*r.statistic, *r.parameter, r.p_value};
  }
  if (f == "fisher") {
    auto r = fisher(as_table(c.x, std::stoul(e.at(0))), {alt(c.alternative)});
    if (r.estimate) return {*r.estimate, r.p_value, ci_lo(r), ci_hi(r)};
    return {r.p_value};
  }
  if (f == "chisq") {
    auto r = chisq(as_table(c.x, std::stoul(e.at(0))));
    return {*r.statistic, *r.parameter, r.p_value};
  }
  if (f == "holm") return p_adjust_holm(c.x);
  if (f == "bh") return p_adjust_bh(c.x);
  if (f == "quantile") {
    std::vector<double> probs;
    for (const auto& w : e) probs.push_back(std::stod(w));
    return quantile7(c.x, probs);
  }
  if (f == "kappa") {
    const KappaWeights w = e.at(0) == "linear" ? KappaWeights::linear
                           : e.at(0) == "quadratic" ? KappaWeights::quadratic
                                                    : KappaWeights::none;
    auto r = cohen_kappa(c.x, c.y, w);
    return {r.kappa, r.variance, r.conf_int->lower, r.conf_int->upper};
  }
  if (f == "fleiss") return {fleiss_kappa(as_rows(c.x, std::stoul(e.at(0)))).kappa};
  if (f == "free_marginal")
    return {free_marginal_kappa(as_rows(c.x, std::stoul(e.at(0))), std::stoul(e.at(1))).kappa};
  if (f == "icc") {
    auto r = icc(as_rows(c.x, std::stoul(e.at(0))));
    std::vector<double> v;
    for (const auto& form : r.forms)
      for (double d : {form.icc, form.f, form.df1, form.df2, form.p_value, form.conf_int.lower, form.conf_int.upper})
        v.push_back(d);
    return v;
  }
  if (f == "boot_ci") {
    std::vector<double> t;
    for (const auto& w : e) t.push_back(std::strtod(w.c_str(), nullptr));
    Pairs p = complete_pairs(c.x, c.y);
    const double t0 = spearman_rho(p.x, p.y);
    const auto influence = spearman_jackknife_influence(p.x, p.y);
    const auto perc = percentile_interval(t, 0.95);
    double w = 0, a = 0;
    const auto bca = bca_interval(t, t0, influence, 0.95, &w, &a);
    return {t0, perc.lower, perc.upper, bca.lower, bca.upper, a};
  }
  throw std::logic_error("unknown family " + f);
}

}  // namespace

Outcome run_crmo(const Case& c) {
  Outcome out;
  try {
    out.values = compute(c, out.exact_not_r);
  } catch (const StatsError& e) {
    out.error = true;
    out.message = e.what();
  }
  return out;
}

char kind_of(const std::string& family, std::size_t i, std::size_t size) {
  if (family == "spearman" || family == "spearman_default" || family == "kendall" || family == "kruskal" ||
      family == "chisq")
    return i == 2 ? 'p' : 's';
  if (family == "pearson") return i == 3 ? 'p' : 's';
  if (family == "mann_whitney" || family == "wilcoxon") return i == 1 ? 'p' : 's';
  if (family == "fisher") return size == 1 || i == 1 ? 'p' : 's';  // 2 x 2: [or, p, lo, hi]; r x c: [p]
  if (family == "holm" || family == "bh") return 'p';
  if (family == "icc") return i % 7 == 4 ? 'p' : 's';
  return 's';
}

bool agree(double a, double b, char kind) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (std::isinf(a) || std::isinf(b)) return a == b;
  const double diff = std::fabs(a - b), scale = std::max(std::fabs(a), std::fabs(b));
  if (kind == 'p') return diff <= 1e-12 || diff <= 1e-4 * scale;
  return diff <= 1e-12 || diff <= 1e-6 * scale;
}

std::vector<double> parse_numbers(const std::string& text, char sep) {
  std::vector<double> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(sep, start);
    const std::string w = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (w == "NA" || w == "NaN") out.push_back(nan);
    else if (w == "Inf") out.push_back(std::numeric_limits<double>::infinity());
    else if (w == "-Inf") out.push_back(-std::numeric_limits<double>::infinity());
    else out.push_back(std::strtod(w.c_str(), nullptr));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

std::string format_numbers(const std::vector<double>& v, char sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    if (std::isnan(v[i])) out += "NA";
    else if (std::isinf(v[i])) out += v[i] > 0 ? "Inf" : "-Inf";
    else out += fmt::format("{:.17g}", v[i]);
  }
  return out;
}

}  // namespace crmo::stats::testing
