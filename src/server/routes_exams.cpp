// Reading exams and patients: the worklist, one exam with its score, a patient's
// timeline. Researchers see pseudonyms (server/pseudonyms.hpp).
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/instruments/instrument.hpp"
#include "formats/exam_json.hpp"
#include "formats/instrument_json.hpp"
#include "server/pseudonyms.hpp"
#include "server/readings.hpp"
#include "server/views.hpp"
#include "server/worklist_cache.hpp"

namespace crmo::server {

namespace {

Reply worklist(Services& s, Call& c) {
  if (blinded_reader(s, c.caller)) return blinded_worklist(s, c);
  return json_reply(s.worklist_cache->rows(s, c.caller));
}

Reply one_exam(Services& s, Call& c) {
  if (blinded_reader(s, c.caller)) return blinded_exam(s, c);
  ShownExam e = find_shown_exam(s, c);
  return json_reply({{"exam", exam_document(e.shown)},
                     {"revision", e.record.revision},
                     {"updated_at", e.record.updated_at},
                     {"updated_by", e.record.updated_by},
                     {"score", score_json(s, e.shown)}});
}

Reply instruments_of(Services& s, Call& c, bool unsaved) {
  ShownExam e = find_shown_exam(s, c);
  if (unsaved) {
    // The clinical values as typed, with the stored lesions; validated as a file is.
    auto body = c.json_body();
    if (!body.is_object() || !body.contains("clinical"))
      throw HttpError(400, "bad input", {{"$.clinical", "required field missing: expected the clinical object"}});
    nlohmann::ordered_json doc = exam_to_json(e.record.exam);
    doc["clinical"] = body["clinical"];
    try {
      e.record.exam = read_exam_json(doc.dump(), "request body", s.atlas, s.scheme);
    } catch (const InputError& err) {
      std::vector<InputProblem> problems = err.problems();
      for (auto& p : problems)
        if (p.place.rfind("request body: ", 0) == 0) p.place = p.place.substr(14);
      throw HttpError(400, "bad input; nothing was written", problems);
    }
  }
  // The baseline of response criteria: the patient's latest earlier exam (found among the
  // patient's summaries; only that exam is loaded).
  std::optional<Exam> baseline;
  std::optional<store::ExamSummary> latest;
  for (const auto& other : s.store.prior_exams(e.record.exam.patient.id, e.record.exam.date.iso()))
    if (!latest || latest->date < other.date) latest = other;
  if (latest)
    if (auto record = s.store.find_exam(latest->id)) baseline = std::move(record->exam);
  auto inputs = instruments::exam_inputs(e.record.exam, s.atlas, s.scheme);
  std::optional<std::map<std::string, instruments::Value>> base;
  if (baseline) base = instruments::exam_inputs(*baseline, s.atlas, s.scheme);
  Json arr = Json::array();
  for (const auto& ins : builtin_instruments())
    arr.push_back(instrument_result_to_json(instruments::evaluate(ins, inputs, base ? &*base : nullptr)));
  Json out{{"exam_id", e.shown.id}, {"patient_id", e.shown.patient.id}, {"instruments", arr}};
  if (baseline) {
    out["baseline_exam_id"] = c.caller.researcher() ? s.pseudonyms->exam(baseline->patient.id, baseline->id) : baseline->id;
  }
  return json_reply(out);
}

Json patient_json(const Patient& shown, bool researcher) {
  Json p{{"id", shown.id}, {"sex", shown.sex ? Json(*shown.sex) : Json(nullptr)}};
  if (!researcher) p["birth_date"] = shown.birth_date ? Json(shown.birth_date->iso()) : Json(nullptr);
  if (!researcher) p["age_years"] = shown.age_years ? Json(*shown.age_years) : Json(nullptr);
  return p;
}

Reply patients(Services& s, Call& c) {
  ShownList list = shown_exams(s, c.caller);
  std::map<std::string, Json> by_id;
  std::map<std::string, std::vector<std::size_t>> exams_of;
  for (std::size_t i = 0; i < list.exams.size(); ++i) {
    const Exam& e = list.exams[i];
    if (!by_id.count(e.patient.id)) by_id[e.patient.id] = patient_json(e.patient, c.caller.researcher());
    exams_of[e.patient.id].push_back(i);
  }
  Json out = Json::array();
  for (auto& [id, p] : by_id) {
    auto& idx = exams_of[id];
    std::sort(idx.begin(), idx.end(), [&](auto a, auto b) { return list.exams[a].date < list.exams[b].date; });
    p["exams"] = idx.size();
    p["first_exam"] = list.exams[idx.front()].date.iso();
    p["last_exam"] = list.exams[idx.back()].date.iso();
    out.push_back(p);
  }
  return json_reply(out);
}

Reply one_patient(Services& s, Call& c) {
  const std::string& id = c.param("id");
  ShownList list = shown_exams(s, c.caller);
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < list.exams.size(); ++i)
    if (list.exams[i].patient.id == id) idx.push_back(i);
  if (idx.empty()) throw HttpError(404, "no patient with id '" + id + "' (GET /api/patients lists them)");
  std::sort(idx.begin(), idx.end(), [&](auto a, auto b) { return list.exams[a].date < list.exams[b].date; });
  Json timeline = Json::array();
  for (auto i : idx) timeline.push_back(worklist_row(s, list.exams[i], list.summaries[i]));
  Json p = patient_json(list.exams[idx.front()].patient, c.caller.researcher());
  return json_reply({{"patient", p}, {"exams", timeline}});
}

}  // namespace

void add_exam_routes(std::vector<Route>& routes, Services& s) {
  const std::string row =
      "{\"id\", \"patient_id\", \"date\", \"timepoint\", \"reader\", \"revision\", \"graded_sites\", "
      "\"rai_cromris\", \"updated_at\"}";
  routes.push_back({"GET", "/api/exams", kAnyRole, "exams", "The worklist: every exam with its RAI-CROMRIS total", "",
                    fmt::format("[{}] in import order (researchers: pseudonymous ids, shifted dates)", row), 200,
                    "application/json", {}, {}, [&s](Call& c) { return worklist(s, c); }});
  routes.push_back({"GET", "/api/exams/{id}", kAnyRole, "exams", "One exam: its document, revision and score", "",
                    "{\"exam\": crmo.exam/1 document, \"revision\", \"updated_at\", \"updated_by\", "
                    "\"score\": the per-exam object of crmo score --json}",
                    200, "application/json", {}, {404}, [&s](Call& c) { return one_exam(s, c); }});
  routes.push_back({"GET", "/api/exams/{id}/score", kAnyRole, "exams",
                    "The exam's unit scores, RAI-CROMRIS total and seed-2022 parameters", "",
                    "the per-exam object of crmo score --json (plus scheme, scheme_version)", 200, "application/json",
                    {}, {404}, [&s](Call& c) {
                      if (blinded_reader(s, c.caller)) return blinded_score(s, c);
                      return json_reply(score_json(s, find_shown_exam(s, c).shown));
                    }});
  routes.push_back({"GET", "/api/exams/{id}/clinical-instruments", kAnyRole, "exams",
                    "The clinical instruments evaluated for the exam (as crmo clinical --json)", "",
                    "{\"exam_id\", \"patient_id\", \"baseline_exam_id\" (the patient's previous exam, if any), "
                    "\"instruments\": [results]}",
                    200, "application/json", {}, {404}, [&s](Call& c) { return instruments_of(s, c, false); }});
  routes.push_back({"POST", "/api/exams/{id}/clinical-instruments", kAnyRole, "exams",
                    "The clinical instruments for clinical values not saved yet (nothing is written)",
                    "{\"clinical\": the clinical object of crmo.exam/1}", "as GET, for these values", 200,
                    "application/json", {}, {400, 404}, [&s](Call& c) { return instruments_of(s, c, true); }});
  routes.push_back({"GET", "/api/patients", kAnyRole, "patients", "The patients with their number of exams", "",
                    "[{\"id\", \"sex\", \"birth_date\", \"age_years\", \"exams\", \"first_exam\", \"last_exam\"}] "
                    "(researchers: pseudonyms, no birth date or age)",
                    200, "application/json", {}, {}, [&s](Call& c) { return patients(s, c); }});
  routes.push_back({"GET", "/api/patients/{id}", kAnyRole, "patients", "One patient's timeline of exams", "",
                    fmt::format("{{\"patient\", \"exams\": [{}] by date}}", row), 200, "application/json", {}, {404},
                    [&s](Call& c) { return one_patient(s, c); }});
}

}  // namespace crmo::server
