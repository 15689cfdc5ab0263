// Blinded mode (`crmo serve --blinded`, docs/server.md): a reader sees only their own
// reading of each exam, as in a reliability study: no other reader's gradings or names,
// no prior exams of the patient, no clinical measures (store::Store::worklist and
// reader_view with blinded = true, the views of readers::blinded_view).
#include <map>
#include <set>

#include "server/readings.hpp"
#include "server/views.hpp"

namespace crmo::server {

bool blinded_reader(const Services& s, const Caller& caller) {
  return s.settings.blinded && caller.role == "reader";
}

bool open_to_blinded_readers(const Route& r) {
  // A list of what is open, so that a route added later is closed until it says otherwise.
  static const std::set<std::string> any_method = {"/api/login", "/api/logout", "/api/me", "/api/openapi.json",
                                                   "/api/atlas", "/api/schemes", "/api/schemes/{name}",
                                                   "/api/drawing/skeleton.svg"};
  static const std::set<std::string> get_only = {"/api/exams", "/api/exams/{id}", "/api/exams/{id}/score"};
  if (any_method.count(r.path)) return true;
  if (r.method == "GET" && get_only.count(r.path)) return true;
  return r.path.rfind("/api/exams/{id}/readings", 0) == 0;
}

Reply blinded_worklist(Services& s, const Call& c) {
  const std::string& me = c.caller.name;
  std::map<std::string, store::Reading> mine;
  for (auto& r : s.store.readings())
    if (r.reader == me) mine.emplace(r.exam_id, std::move(r));
  Json rows = Json::array();
  for (const auto& w : s.store.worklist(me, true)) {
    int total = 0;
    if (auto it = mine.find(w.exam_id); it != mine.end()) {
      Exam x;
      x.id = w.exam_id;
      x.lesions = it->second.gradings;
      total = rai_total(s, x);
    }
    rows.push_back({{"id", w.exam_id},
                    {"patient_id", w.patient_id},
                    {"date", w.date},
                    {"timepoint", w.timepoint},
                    {"reader", me},
                    {"revision", w.reading_revision},
                    {"graded_sites", w.graded_sites},
                    {"rai_cromris", total},
                    {"read", w.read},
                    {"blinded", true}});
  }
  return json_reply(rows);
}

Reply blinded_exam(Services& s, const Call& c) {
  const std::string& id = c.param("id");
  auto v = s.store.reader_view(id, c.caller.name, true);
  if (!v) throw HttpError(404, "no exam with id '" + id + "' (GET /api/exams lists them)");
  return json_reply({{"exam", exam_document(v->exam)},
                     {"revision", v->exam_revision},
                     {"reading_revision", v->reading_revision},
                     {"reader", c.caller.name},
                     {"blinded", true},
                     {"score", score_json(s, v->exam)}});
}

Reply blinded_score(Services& s, const Call& c) {
  const std::string& id = c.param("id");
  auto v = s.store.reader_view(id, c.caller.name, true);
  if (!v) throw HttpError(404, "no exam with id '" + id + "' (GET /api/exams lists them)");
  return json_reply(score_json(s, v->exam));
}

}  // namespace crmo::server
