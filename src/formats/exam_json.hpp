#pragma once
// The exam document, `"format": "crmo.exam/1"` (spec/formats.md section 1).
#include <map>
#include <string>
#include <vector>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/atlas.hpp"
#include "core/exam.hpp"
#include "core/scheme.hpp"

namespace crmo {

// Reads and validates one exam document; throws InputError listing every problem, each
// placed as "<source>: $.json.path".
Exam read_exam_json(std::string_view text, const std::string& source, const Atlas& atlas,
                    const Scheme& scheme);

// The usual CROMRIS items first, then any other item by name.
std::vector<std::string> grade_output_order(const std::map<std::string, int>& grades);

nlohmann::ordered_json exam_to_json(const Exam& exam);
std::string write_exam_json(const Exam& exam);  // pretty, with a final newline

}  // namespace crmo
