// Times the statistics of the seed analysis on a cohort CSV written by
// bench/make_cohort.R (the same file R times in bench/family.R):
//   bench_stats family COHORT.csv [P.txt] -> best-of-3 seconds for: Spearman of 15
//       parameters against 2 outcomes with Fisher-z CIs, Mann-Whitney of 2 outcomes on 4
//       groupings, Holm over each family; P.txt gets the 30 + 8 Holm-adjusted p-values
//       and the 30 CI bounds (the script checks them against R's)
//   bench_stats bca N               -> seconds for a 10,000-resample BCa bootstrap of
//       Spearman at n = N (seeded, synthetic data)
//   bench_stats exact N             -> seconds to build the exact null distribution of
//       Spearman's S at n = N (crmo's default exact path; N <= 13 by default)
#include <algorithm>
#include <ctime>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/stats/bootstrap.hpp"
#include "core/stats/correlation_ci.hpp"
#include "core/stats/p_adjust.hpp"
#include "core/stats/ranks.hpp"
#include "core/stats/spearman.hpp"
#include "core/stats/wilcoxon.hpp"

namespace st = crmo::stats;

struct Cohort {
  std::vector<std::string> names;
  std::vector<std::vector<double>> columns;
};

Cohort read_cohort(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  Cohort c;
  std::string line;
  std::getline(in, line);
  std::stringstream header(line);
  for (std::string name; std::getline(header, name, ',');) c.names.push_back(name);
  c.columns.resize(c.names.size());
  while (std::getline(in, line)) {
    const char* p = line.c_str();
    for (std::size_t j = 0; j < c.names.size(); ++j) {
      char* end;
      c.columns[j].push_back(std::strtod(p, &end));
      p = *end == ',' ? end + 1 : end;
    }
  }
  return c;
}

double checksum = 0;  // keeps the work observable
std::vector<double> last_values;  // of the last run: Holm p (Spearman, Mann-Whitney), CI bounds

void family(const Cohort& c) {
  // columns: p1..p15, severity, pga, g1..g4 (0/1)
  std::vector<st::Ranked> ranked;
  for (std::size_t j = 0; j < 17; ++j) ranked.push_back(st::rank_column(c.columns[j]));
  std::vector<double> p, bounds;
  for (std::size_t o = 15; o < 17; ++o)
    for (std::size_t j = 0; j < 15; ++j) {
      const auto r = st::spearman_ranked(ranked[j], ranked[o]);
      const auto ci = st::spearman_fisher_ci(*r.estimate, r.n);
      p.push_back(r.p_value);
      bounds.push_back(ci.lower);
      checksum += ci.lower;
    }
  const auto holm = st::p_adjust_holm(p);
  std::vector<double> pm;
  for (std::size_t o = 15; o < 17; ++o)
    for (std::size_t g = 17; g < 21; ++g) {
      std::vector<std::uint8_t> in_x(c.columns[g].size());
      for (std::size_t i = 0; i < in_x.size(); ++i) in_x[i] = c.columns[g][i] == 0;
      pm.push_back(st::mann_whitney_ranked(ranked[o], in_x).p_value);
    }
  const auto holm_m = st::p_adjust_holm(pm);
  checksum += holm[0] + holm_m[0];
  last_values = holm;
  last_values.insert(last_values.end(), holm_m.begin(), holm_m.end());
  last_values.insert(last_values.end(), bounds.begin(), bounds.end());
}

// Processor time (user + system) of this process, in seconds: on a shared machine the
// wall clock mostly measures waiting for a core; R's side reports the same measure.
double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

template <class F>
double best_of(int reps, F f) {
  double best = 1e300;
  for (int i = 0; i < reps; ++i) {
    const double t0 = cpu_seconds();
    f();
    best = std::min(best, cpu_seconds() - t0);
  }
  return best;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bench_stats family COHORT.csv [P.txt] | bench_stats bca N | bench_stats exact N\n";
    return 2;
  }
  const std::string what = argv[1];
  if (what == "family") {
    const Cohort c = read_cohort(argv[2]);
    if (c.columns.size() != 21) throw std::runtime_error("expected 21 columns");
    std::printf("%.6f\n", best_of(3, [&] { family(c); }));
    if (argc > 3) {
      std::ofstream out(argv[3]);
      out.precision(17);
      for (double v : last_values) out << v << "\n";
    }
  } else if (what == "bca") {
    const std::size_t n = std::strtoul(argv[2], nullptr, 10);
    std::mt19937_64 gen(7);
    std::normal_distribution<double> z;
    std::vector<double> x(n), y(n);
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = z(gen);
      y[i] = 0.4 * x[i] + z(gen);
    }
    std::printf("%.6f\n", best_of(1, [&] { checksum += st::spearman_bootstrap(x, y, {10000, 1, 0.95}).bca.lower; }));
  } else if (what == "exact") {
    const int n = std::atoi(argv[2]);  // first use: the distribution is built, then cached
    std::printf("%.6f\n", best_of(1, [&] { checksum += static_cast<double>(st::spearman_exact_counts(n).size()); }));
  }
  std::fprintf(stderr, "checksum %g\n", checksum);
  return 0;
}
