#pragma once
// Draws from the raw 64-bit Mersenne Twister output (fixed by the C++ standard) with
// crmo's own transforms, so that a seed gives the same cohort with any standard library
// (<random>'s distributions are implementation-defined).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "core/date.hpp"

namespace crmo::synth {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return uniform() < p; }
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1 = 0;
    do u1 = uniform();
    while (u1 <= 0);
    double u2 = uniform();
    double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = r * std::sin(2 * M_PI * u2);
    has_spare_ = true;
    return r * std::cos(2 * M_PI * u2);
  }
  // Poisson by inversion (small means only).
  int poisson(double mean) {
    double l = std::exp(-mean), p = 1;
    int k = 0;
    do {
      ++k;
      p *= uniform();
    } while (p > l && k < 1000);
    return k - 1;
  }
  std::size_t index(std::size_t n) {
    return std::min(n - 1, static_cast<std::size_t>(uniform() * static_cast<double>(n)));
  }
  std::size_t weighted(const std::vector<double>& cumulative) {
    double u = uniform() * cumulative.back();
    auto i = static_cast<std::size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin());
    return std::min(i, cumulative.size() - 1);
  }

 private:
  std::mt19937_64 engine_;
  bool has_spare_ = false;
  double spare_ = 0;
};

// H. Hinnant's civil_from_days: days since 1970-01-01 to a date.
inline Date date_from_days(long z) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const long doe = z - era * 146097;
  const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long y = yoe + era * 400;
  const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long mp = (5 * doy + 2) / 153;
  const long d = doy - (153 * mp + 2) / 5 + 1;
  const long m = mp < 10 ? mp + 3 : mp - 9;
  return Date{static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

// Rounds to a multiple of `step` (1, 0.5, 0.125, 0.1: 1/step is exact) and clamps; dividing
// by 1/step gives the shortest decimal (3.8, not 3.8000000000000003).
inline double clamp_round(double v, double lo, double hi, double step) {
  const double per_unit = std::round(1 / step);
  v = std::round(v * per_unit) / per_unit;
  return std::clamp(v, lo, hi);
}

}  // namespace crmo::synth
