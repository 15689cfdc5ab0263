#pragma once
// A folder of exam documents written from readings, all or nothing: `<exam>.json`, or
// `<exam>.<reader>.json` for each reading of an exam read several times (docs/readers.md).
// Characters unsafe in file names become '_'; two readings on one name is an error.
#include <filesystem>
#include <string>
#include <vector>

#include "core/exam.hpp"

namespace crmo {

std::string exam_document_name(const Exam& e, bool several_readings);
void write_exam_documents(const std::filesystem::path& dir, const std::vector<Exam>& readings);

}  // namespace crmo
