#pragma once
// `crmo cohort --json` (spec/formats.md; every key documented in docs/analysis.md).
#include <nlohmann/json.hpp>

#include "core/analysis/cohort.hpp"
#include "report/cohort_section.hpp"

namespace crmo::report {

// The extra sections go under their ids.
nlohmann::ordered_json cohort_to_json(const analysis::Analysis& a, const std::vector<CohortSection>& sections = {});

}  // namespace crmo::report
