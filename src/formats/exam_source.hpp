#pragma once
// Finds the exams at a path: one exam document, a folder of them, or a cohort folder.
#include <filesystem>
#include <vector>

#include "core/atlas.hpp"
#include "core/exam.hpp"
#include "core/scheme.hpp"

namespace crmo {

enum class ExamSourceKind { ExamDocument, ExamFolder, CohortFolder };

ExamSourceKind exam_source_kind(const std::filesystem::path& path);

// Reads and validates everything at `path`; throws InputError listing every problem
// across every file, so nothing is imported from a partly bad input.
std::vector<Exam> load_exams(const std::filesystem::path& path, const Atlas& atlas, const Scheme& scheme);

}  // namespace crmo
