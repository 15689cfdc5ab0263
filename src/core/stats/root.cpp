#include "core/stats/root.hpp"

#include <cfloat>
#include <cmath>

#include "core/stats/result.hpp"

namespace crmo::stats {

double uniroot(const std::function<double(double)>& f, double lower, double upper, double tol,
               int max_iter) {
  double a = lower, b = upper;
  double fa = f(a), fb = f(b);
  if (std::isnan(fa) || std::isnan(fb)) throw StatsError("root finding: function is NA at an end");
  if (fa == 0) return a;
  if (fb == 0) return b;
  if ((fa > 0) == (fb > 0)) throw StatsError("root finding: no sign change in the interval");
  double c = a, fc = fa;
  for (int iter = 0; iter <= max_iter; ++iter) {
    const double previous = b - a;
    if (std::fabs(fc) < std::fabs(fb)) {  // keep b the best guess
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const double tol_here = 2 * DBL_EPSILON * std::fabs(b) + tol / 2;
    double step = (c - b) / 2;
    if (std::fabs(step) <= tol_here || fb == 0) return b;
    if (std::fabs(previous) >= tol_here && std::fabs(fa) > std::fabs(fb)) {
      double p, q;
      const double cb = c - b;
      if (a == c) {  // secant
        const double s = fb / fa;
        p = cb * s;
        q = 1.0 - s;
      } else {  // inverse quadratic interpolation
        const double qa = fa / fc, r = fb / fc, s = fb / fa;
        p = s * (cb * qa * (qa - r) - (b - a) * (r - 1.0));
        q = (qa - 1.0) * (r - 1.0) * (s - 1.0);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (p < (0.75 * cb * q - std::fabs(tol_here * q) / 2) && p < std::fabs(previous * q / 2))
        step = p / q;
    }
    if (std::fabs(step) < tol_here) step = step > 0 ? tol_here : -tol_here;
    a = b;
    fa = fb;
    b += step;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return b;
}

}  // namespace crmo::stats
