#pragma once
// Pearson's chi-squared test of independence, as R's chisq.test(table): Yates'
// continuity correction for 2 x 2 tables (R's min(0.5, |O - E|)), df = (r-1)(c-1).
#include "core/stats/result.hpp"
#include "core/stats/table.hpp"

namespace crmo::stats {

struct ChisqOptions {
  bool correct = true;
};

TestResult chisq(const CountTable& table, const ChisqOptions& options = {});

}  // namespace crmo::stats
