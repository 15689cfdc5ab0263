#pragma once
// `crmo cohort --json` (spec/formats.md; every key documented in docs/cohort-json.md).
#include <nlohmann/json.hpp>

#include "core/analysis/cohort.hpp"

namespace crmo::report {

nlohmann::ordered_json cohort_to_json(const analysis::Analysis& a);

}  // namespace crmo::report
