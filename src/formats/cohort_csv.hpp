#pragma once
// The cohort tables (spec/formats.md section 2): a folder with exams.csv and lesions.csv.
#include <filesystem>
#include <vector>

#include "core/atlas.hpp"
#include "core/exam.hpp"
#include "core/scheme.hpp"

namespace crmo {

bool is_cohort_folder(const std::filesystem::path& dir);

// Reads and validates both tables; throws InputError listing every problem with its
// file, line and column.
std::vector<Exam> read_cohort_folder(const std::filesystem::path& dir, const Atlas& atlas,
                                     const Scheme& scheme);

// Writes exams.csv and lesions.csv into `dir`, all or nothing.
void write_cohort_folder(const std::filesystem::path& dir, const std::vector<Exam>& exams);

// The two tables as text (for writers that place them elsewhere).
std::string exams_csv_text(const std::vector<Exam>& exams);
std::string lesions_csv_text(const std::vector<Exam>& exams);

}  // namespace crmo
