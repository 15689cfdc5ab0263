#pragma once
// How stored exams are shown through the API: scores, worklist rows, and the
// de-identified view a researcher gets (server/pseudonyms.hpp).
#include "core/exam.hpp"
#include "server/api.hpp"

namespace crmo::server {

// The per-exam object of `crmo score --json` with the default schemes.
Json score_json(const Services& s, const Exam& exam);
int rai_total(const Services& s, const Exam& exam);

// One exam as a caller may see it: the stored record, and the exam as shown (with
// pseudonyms for a researcher).
struct ShownExam {
  store::ExamRecord record;
  Exam shown;
};
// The exam named by the path parameter {id} (a pseudonym for a researcher); 404 if none.
ShownExam find_shown_exam(Services& s, const Call& call);
// Every stored exam as the caller may see it, in import order, with its revision.
struct ShownList {
  std::vector<Exam> exams;
  std::vector<store::ExamSummary> summaries;  // same order; ids as stored
};
ShownList shown_exams(Services& s, const Caller& caller);

Json worklist_row(const Services& s, const Exam& shown, const store::ExamSummary& summary);
// An exam document for the caller: researchers get no birth date.
Json exam_document(const Exam& shown);

}  // namespace crmo::server
