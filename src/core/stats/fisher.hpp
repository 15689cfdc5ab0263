#pragma once
// Fisher's exact test as R's fisher.test(table):
//  - 2 x 2: p-value from the hypergeometric distribution (two-sided: sum of the
//    probabilities not above the observed one, relative tolerance 1e-7), conditional
//    maximum likelihood odds ratio and its exact confidence interval (found with R's
//    uniroot steps, so the digits agree);
//  - r x c: two-sided p-value by enumerating every table with the observed margins.
//    Tables whose enumeration would exceed `max_tables` are refused (StatsError).
#include "core/stats/result.hpp"
#include "core/stats/table.hpp"

namespace crmo::stats {

struct FisherOptions {
  Alternative alternative = Alternative::two_sided;  // 2 x 2 only
  double conf_level = 0.95;
  double max_tables = 2e8;
};

TestResult fisher(const CountTable& table, const FisherOptions& options = {});

}  // namespace crmo::stats
