#pragma once
// Scoring results as the stable JSON of spec/formats.md ("crmo score --json").
#include <vector>

#include <nlohmann/json.hpp>

#include "core/scheme.hpp"
#include "core/scoring.hpp"

namespace crmo {

nlohmann::ordered_json scores_to_json(const Scheme& scheme, const Scheme& parameter_scheme,
                                      const std::vector<ExamScore>& scores);

}  // namespace crmo
