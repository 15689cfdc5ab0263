#include "cli/exam_pick.hpp"

#include "formats/input_error.hpp"

namespace crmo::cli {

const Exam& pick_exam(const std::vector<Exam>& exams, const std::string& id, const std::string& reader,
                      const std::string& source) {
  std::vector<const Exam*> found;
  for (const Exam& e : exams)
    if (e.id == id && (reader.empty() || e.reader == reader)) found.push_back(&e);
  if (found.empty())
    throw InputError(source, "no exam '" + id + "'" + (reader.empty() ? std::string() : " read by '" + reader + "'"));
  if (found.size() == 1) return *found[0];
  for (const Exam* e : found)
    if (e->reader == "consensus") return *e;
  std::string readers;
  for (const Exam* e : found) readers += (readers.empty() ? "" : ", ") + e->reader;
  throw InputError(source, "exam '" + id + "' has readings by " + readers + ": choose one with --reader");
}

const Exam& only_exam(const std::vector<Exam>& exams, const std::string& source) {
  if (exams.size() == 1) return exams[0];
  throw InputError(source, "holds " + std::to_string(exams.size()) +
                               " exams: give one exam document, or the exam ids with --from/--to (--exam)");
}

}  // namespace crmo::cli
