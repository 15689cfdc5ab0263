#pragma once
// Picking one reading of one exam out of loaded exams (compare, clinical, consensus).
#include <string>
#include <vector>

#include "core/exam.hpp"

namespace crmo::cli {

// The reading of exam `id` (by `reader` when given; otherwise the "consensus" reading,
// or the only one). Throws InputError naming `source` when there is none, or when
// several readers read it and none was chosen.
const Exam& pick_exam(const std::vector<Exam>& exams, const std::string& id, const std::string& reader,
                      const std::string& source);

// The single exam of a document (or of an input holding one reading).
const Exam& only_exam(const std::vector<Exam>& exams, const std::string& source);

}  // namespace crmo::cli
