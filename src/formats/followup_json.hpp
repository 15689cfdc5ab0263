#pragma once
// JSON of follow-up results: `crmo compare --json` (keys fixed by spec/formats.md),
// `crmo patient --json`, `crmo followup --json`. See docs/followup.md.
#include <nlohmann/json.hpp>

#include "core/followup/followup.hpp"
#include "core/stats/result.hpp"

namespace crmo {

nlohmann::ordered_json pedcno_to_json(const followup::PedcnoResult& r);
nlohmann::ordered_json change_to_json(const followup::ExamChange& c);
nlohmann::ordered_json timeline_to_json(const followup::Timeline& t);
nlohmann::ordered_json cohort_followup_to_json(const followup::CohortFollowup& c);
// R's htest names, with p_value for p.value (as `crmo stats --json`).
nlohmann::ordered_json test_result_to_json(const stats::TestResult& r);

}  // namespace crmo
