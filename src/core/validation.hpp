#pragma once
// Semantic checks of an exam against an atlas and a scheme (spec/scoring.md,
// spec/formats.md, spec/clinical.md). Each problem names a logical place; the reader
// that parsed the exam turns it into a file place (JSON path, CSV line and column).
#include <string>
#include <vector>

#include "core/atlas.hpp"
#include "core/exam.hpp"
#include "core/scheme.hpp"

namespace crmo {

struct Problem {
  int lesion = -1;    // index into exam.lesions, or -1 for an exam-level field
  std::string field;  // lesion field ("signal"), or dotted exam field ("clinical.pga")
  std::string message;
  // True when the problem exists only because the involvement grade (signal) is 0: a
  // reader that could not read that grade drops such follow-on problems.
  bool needs_involvement = false;
};

// The grading fields every lesion record has besides the scheme's grade items.
const std::vector<std::string>& lesion_record_fields();

std::vector<Problem> validate_exam(const Exam& exam, const Atlas& atlas, const Scheme& scheme);

// Problems across exams of one input: the same exam id twice.
std::vector<std::string> duplicate_exam_ids(const std::vector<Exam>& exams);

}  // namespace crmo
