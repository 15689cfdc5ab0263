#pragma once
// Seeded nonparametric bootstrap of Spearman's rho over pairs, with the percentile and
// BCa intervals computed as R's boot::boot.ci does from the same replicates
// (interpolation on the normal quantile scale, norm.inter; BCa acceleration from
// jackknife influence values, boot::empinf(type = "jack")).
// Resamples come from a 64-bit Mersenne Twister seeded with `seed`, so a run is
// reproducible on any platform; they are not R's resamples.
#include <cstdint>
#include <vector>

#include "core/stats/result.hpp"

namespace crmo::stats {

struct BootstrapOptions {
  std::size_t replicates = 10000;
  std::uint64_t seed = 1;
  double conf_level = 0.95;
};

struct BootstrapResult {
  double t0 = 0;                 // rho of the data
  std::vector<double> t;         // rho of each resample (NaN where a resample is constant)
  Interval percentile;
  Interval bca;
  double bias_correction = 0;    // w (z0)
  double acceleration = 0;       // a
  std::vector<double> influence; // jackknife influence values L
};

BootstrapResult spearman_bootstrap(const std::vector<double>& x, const std::vector<double>& y,
                                   const BootstrapOptions& options = {});

// Jackknife influence values of Spearman's rho, as boot::empinf(type = "jack"):
// L_i = (n - 1) (rho - rho without pair i), over complete pairs.
std::vector<double> spearman_jackknife_influence(const std::vector<double>& x, const std::vector<double>& y);

// boot's percentile interval and BCa interval from given replicates and influence values.
Interval percentile_interval(std::vector<double> t, double conf_level);
Interval bca_interval(std::vector<double> t, double t0, const std::vector<double>& influence,
                      double conf_level, double* w_out = nullptr, double* a_out = nullptr);

}  // namespace crmo::stats
