#include "server/views.hpp"

#include <map>

#include "core/scoring.hpp"
#include "formats/exam_json.hpp"
#include "formats/score_json.hpp"
#include "server/pseudonyms.hpp"

namespace crmo::server {

Json score_json(const Services& s, const Exam& exam) {
  ExamScore sc = score_exam(exam, s.atlas, s.scheme, s.parameter_scheme.parameters);
  Json all = scores_to_json(s.scheme, s.parameter_scheme, {sc});
  Json one = all["exams"][0];
  one["scheme"] = all["scheme"];
  one["scheme_version"] = all["scheme_version"];
  return one;
}

int rai_total(const Services& s, const Exam& exam) {
  return score_exam(exam, s.atlas, s.scheme, {}).total;
}

ShownExam find_shown_exam(Services& s, const Call& call) {
  const std::string& id = call.param("id");
  std::optional<std::string> real = id;
  if (call.caller.researcher()) real = s.pseudonyms->real_exam_id(id);
  std::optional<store::ExamRecord> rec;
  if (real) rec = s.store.find_exam(*real);
  if (!rec) throw HttpError(404, "no exam with id '" + id + "' (GET /api/exams lists them)");
  ShownExam out{*rec, rec->exam};
  if (call.caller.researcher()) out.shown = s.pseudonyms->for_display(rec->exam);
  return out;
}

ShownList shown_exams(Services& s, const Caller& caller) {
  ShownList out;
  out.summaries = s.store.list_exams();
  std::vector<Exam> all = s.store.all_exams();
  // all_exams and list_exams share the import order; match by id all the same.
  std::map<std::string, std::size_t> at;
  for (std::size_t i = 0; i < all.size(); ++i) at[all[i].id] = i;
  for (const auto& summary : out.summaries) {
    const Exam& e = all.at(at.at(summary.id));
    out.exams.push_back(caller.researcher() ? s.pseudonyms->for_display(e) : e);
  }
  return out;
}

Json worklist_row(const Services& s, const Exam& shown, const store::ExamSummary& summary) {
  return {{"id", shown.id},
          {"patient_id", shown.patient.id},
          {"date", shown.date.iso()},
          {"timepoint", shown.timepoint},
          {"reader", shown.reader},
          {"revision", summary.revision},
          {"graded_sites", summary.graded_sites},
          {"rai_cromris", rai_total(s, shown)},
          {"updated_at", summary.updated_at}};
}

Json exam_document(const Exam& shown) { return exam_to_json(shown); }

}  // namespace crmo::server
