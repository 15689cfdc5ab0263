#pragma once
// Brent's root finder (Forsythe, Malcolm & Moler's ZEROIN), step for step as R's
// uniroot() runs it, with R's default tolerance, so that estimates R obtains by
// uniroot (Fisher's conditional MLE odds ratio and its CI) agree to the last digits.
#include <functional>

namespace crmo::stats {

inline constexpr double uniroot_tol = 0.0001220703125;  // .Machine$double.eps^0.25

// f(lower) and f(upper) must have opposite signs (or one be 0).
double uniroot(const std::function<double(double)>& f, double lower, double upper,
               double tol = uniroot_tol, int max_iter = 1000);

}  // namespace crmo::stats
