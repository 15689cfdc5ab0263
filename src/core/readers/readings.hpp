#pragma once
// Several readers' readings of the same exams (issue 7, docs/readers.md). A reading is an
// Exam record whose `reader` names who graded it; readings of one exam share the exam id.
// Pure computation: grouping, consistency checks, and the blinded view a reader gets.
#include <string>
#include <vector>

#include "core/exam.hpp"

namespace crmo::readers {

// All readings of one exam, in input order.
struct ExamReadings {
  std::string exam_id, patient_id;
  Date date;
  std::vector<const Exam*> readings;
  const Exam* by(const std::string& reader) const;  // nullptr when that reader did not read it
};

// Exams in input order of their first reading.
std::vector<ExamReadings> group_readings(const std::vector<Exam>& readings);

// Distinct reader names in first-use order ("" for a reading that names no reader).
std::vector<std::string> reader_names(const std::vector<Exam>& readings);

// Problems that make a set of readings inconsistent, each naming the exam: the same
// (exam, reader) twice, readings of one exam that disagree on patient, date or
// timepoint. Clinical measures may differ (they are reconciled by consensus).
std::vector<std::string> check_readings(const std::vector<Exam>& readings);

// --- Blinded reading ------------------------------------------------------------------
struct BlindOptions {
  bool hide_clinical = true;  // readers score the images only (as in the CROMRIS study)
};

// What `reader` may see while reading `exam_id`: the exam with the patient's id, the
// exam id, date and timepoint, and only the reader's own grading (none when the reader
// has not read it yet). Other readers' gradings, the patient's other exams (earlier and
// later), and, by default, the clinical measures are left out. Throws
// std::invalid_argument when the exam is not in `readings`.
Exam blinded_view(const std::vector<Exam>& readings, const std::string& exam_id, const std::string& reader,
                  const BlindOptions& options = {});

// The exams `reader` has not read yet, each as blinded_view shows it, in date order (a
// reading list that shows nothing of other readings or of prior results).
std::vector<Exam> blinded_worklist(const std::vector<Exam>& readings, const std::string& reader,
                                   const BlindOptions& options = {});

}  // namespace crmo::readers
