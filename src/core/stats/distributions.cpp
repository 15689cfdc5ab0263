#include "core/stats/distributions.hpp"

#include <cmath>
#include <limits>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/policies/policy.hpp>

namespace crmo::stats::dist {
namespace {

namespace bm = boost::math;
using Policy = bm::policies::policy<
    bm::policies::domain_error<bm::policies::ignore_error>,
    bm::policies::pole_error<bm::policies::ignore_error>,
    bm::policies::overflow_error<bm::policies::ignore_error>,
    bm::policies::underflow_error<bm::policies::ignore_error>,
    bm::policies::evaluation_error<bm::policies::ignore_error>,
    bm::policies::promote_double<false>>;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

template <class Dist>
double tail(const Dist& d, double x, bool lower) {
  return lower ? bm::cdf(d, x) : bm::cdf(bm::complement(d, x));
}

}  // namespace

double pnorm(double x, bool lower) {
  if (std::isnan(x)) return nan;
  if (std::isinf(x)) return (x > 0) == lower ? 1.0 : 0.0;
  return tail(bm::normal_distribution<double, Policy>(0.0, 1.0), x, lower);
}

double qnorm(double p) {
  if (std::isnan(p) || p < 0 || p > 1) return nan;
  if (p == 0) return -std::numeric_limits<double>::infinity();
  if (p == 1) return std::numeric_limits<double>::infinity();
  return bm::quantile(bm::normal_distribution<double, Policy>(0.0, 1.0), p);
}

double pt(double x, double df, bool lower) {
  if (std::isnan(x) || !(df > 0)) return nan;
  if (std::isinf(x)) return (x > 0) == lower ? 1.0 : 0.0;
  return tail(bm::students_t_distribution<double, Policy>(df), x, lower);
}

double pchisq(double x, double df, bool lower) {
  if (std::isnan(x) || !(df > 0)) return nan;
  if (x <= 0) return lower ? 0.0 : 1.0;
  if (std::isinf(x)) return lower ? 1.0 : 0.0;
  return tail(bm::chi_squared_distribution<double, Policy>(df), x, lower);
}

double pf(double x, double df1, double df2, bool lower) {
  if (std::isnan(x) || !(df1 > 0) || !(df2 > 0)) return nan;
  if (x <= 0) return lower ? 0.0 : 1.0;
  if (std::isinf(x)) return lower ? 1.0 : 0.0;
  return tail(bm::fisher_f_distribution<double, Policy>(df1, df2), x, lower);
}

double qf(double p, double df1, double df2) {
  if (std::isnan(p) || p < 0 || p > 1 || !(df1 > 0) || !(df2 > 0)) return nan;
  if (p == 0) return 0;
  if (p == 1) return std::numeric_limits<double>::infinity();
  return bm::quantile(bm::fisher_f_distribution<double, Policy>(df1, df2), p);
}

}  // namespace crmo::stats::dist
