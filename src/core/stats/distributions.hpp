#pragma once
// Distribution functions used by the tests, on Boost.Math, with R's argument order.
// `lower` chooses the tail: P[X <= x] when true, P[X > x] when false (computed directly,
// not as 1 - p, so far tails keep their precision). Errors give NaN, never throw.
namespace crmo::stats::dist {

double pnorm(double x, bool lower = true);
double qnorm(double p);
double pt(double x, double df, bool lower = true);
double pchisq(double x, double df, bool lower = true);
double pf(double x, double df1, double df2, bool lower = true);
double qf(double p, double df1, double df2);

}  // namespace crmo::stats::dist
