#pragma once
// Loads readings: several readers' readings of the same exams (docs/readers.md).
//  - a folder of exam documents (also nested one level, e.g. R1/*.json, R2/*.json):
//    each document is one reading, told apart by `exam.reader`;
//  - a cohort folder: exams.csv may repeat an exam_id with different `reader` values;
//    lesions.csv then needs a `reader` column so that each lesion row belongs to one
//    reading (an exam read once needs none);
//  - a single exam document.
// Everything is checked in one pass; any problem throws InputError and nothing is loaded.
#include <filesystem>
#include <vector>

#include "core/atlas.hpp"
#include "core/exam.hpp"
#include "core/scheme.hpp"

namespace crmo {

std::vector<Exam> load_readings(const std::filesystem::path& path, const Atlas& atlas, const Scheme& scheme);

}  // namespace crmo
