#pragma once
// The cohort tables (spec/formats.md section 2): a folder with exams.csv and lesions.csv.
#include <filesystem>
#include <vector>

#include "core/atlas.hpp"
#include "core/exam.hpp"
#include "core/scheme.hpp"

namespace crmo {

bool is_cohort_folder(const std::filesystem::path& dir);

// Reads and validates both tables in one pass; throws InputError listing every problem
// with its file, line and column. exams.csv may repeat an exam_id once per reader; each
// row of lesions.csv then names its reading in an optional `reader` column (crmo's
// extension, docs/formats.md). The result has one Exam per reading, in exams.csv order.
// OnePerExam: a repeated exam_id is an error even with different readers (for commands
// that take one reading per exam).
enum class CohortReadings { Several, OnePerExam };
std::vector<Exam> read_cohort_folder(const std::filesystem::path& dir, const Atlas& atlas, const Scheme& scheme,
                                     CohortReadings readings = CohortReadings::Several);

// Writes exams.csv and lesions.csv into `dir`, all or nothing.
void write_cohort_folder(const std::filesystem::path& dir, const std::vector<Exam>& exams);

// The two tables as text (for writers that place them elsewhere). lesions.csv gets a
// `reader` column after exam_id when some exam has several readings.
std::string exams_csv_text(const std::vector<Exam>& exams);
std::string lesions_csv_text(const std::vector<Exam>& exams);

}  // namespace crmo
