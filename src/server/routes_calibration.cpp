// Calibration (issue 7 item 6): a reader grades reference exams, those with a consensus
// reading, as their own reading, and sees the consensus of each site once they have
// saved their own grading of it, never before. "Finish" records every site the reader
// left ungraded as normal (signal 0), which reveals the rest and the reference total.
#include <map>

#include <fmt/format.h>

#include "core/scoring.hpp"
#include "formats/exam_json.hpp"
#include "server/edits.hpp"
#include "server/readings.hpp"
#include "server/views.hpp"

namespace crmo::server {

const store::Reading* reference_reading(const std::vector<store::Reading>& readings) {
  const store::Reading* first = nullptr;
  for (const auto& r : readings) {
    if (r.kind != "consensus") continue;
    if (r.reader == "consensus") return &r;
    if (!first) first = &r;
  }
  return first;
}

namespace {

int site_score(const Services& s, const SiteGrading* g) {
  if (!g) return 0;
  auto site = s.atlas.parse_site(g->site);
  return site ? unit_score(*g, *site->unit, s.scheme) : 0;
}

Json record_json(const Exam& base, const SiteGrading& g) {
  Exam one = base;
  one.lesions = {g};
  return exam_document(one)["lesions"][0];
}

Reply calibration_list(Services& s, const Call& c) {
  std::map<std::string, std::vector<store::Reading>> by_exam;
  for (auto& r : s.store.readings()) by_exam[r.exam_id].push_back(std::move(r));
  Json rows = Json::array();
  for (const auto& e : s.store.list_exams()) {
    const auto& rs = by_exam[e.id];
    const store::Reading* ref = reference_reading(rs);
    if (!ref) continue;
    const store::Reading* mine = nullptr;
    for (const auto& r : rs)
      if (r.reader == c.caller.name) mine = &r;
    const std::size_t graded = mine ? mine->gradings.size() : 0;
    rows.push_back({{"id", e.id},
                    {"patient_id", e.patient_id},
                    {"date", e.date},
                    {"timepoint", e.timepoint},
                    {"reference", ref->reader},
                    {"revision", mine ? mine->revision : 0},
                    {"graded_sites", graded},
                    {"finished", graded >= s.atlas.site_count()}});
  }
  return json_reply(rows);
}

struct Calibration {
  store::ExamRecord rec;
  store::Reading reference;
  std::optional<store::Reading> mine;
};

Calibration calibration_of(Services& s, const Call& c) {
  const std::string& id = c.param("id");
  auto rec = s.store.find_exam(id);
  if (!rec) throw HttpError(404, "no exam with id '" + id + "' (GET /api/calibration lists the reference exams)");
  auto rs = s.store.readings(id);
  const store::Reading* ref = reference_reading(rs);
  if (!ref) throw HttpError(404, "exam " + id + " is not a reference exam: it has no consensus reading");
  Calibration out{*rec, *ref, std::nullopt};
  for (const auto& r : rs)
    if (r.reader == c.caller.name) out.mine = r;
  return out;
}

Json calibration_json(Services& s, const Calibration& cal, const std::string& me) {
  std::map<std::string, const SiteGrading*> ref;
  for (const auto& g : cal.reference.gradings) ref[g.site] = &g;
  Json sites = Json::array();
  int agree = 0;
  const std::vector<SiteGrading> none;
  const auto& mine = cal.mine ? cal.mine->gradings : none;
  for (const auto& g : mine) {
    auto it = ref.find(g.site);
    const SiteGrading* r = it == ref.end() ? nullptr : it->second;
    const int a = site_score(s, &g), b = site_score(s, r);
    agree += a == b;
    sites.push_back({{"site", g.site},
                     {"yours", record_json(cal.rec.exam, g)},
                     {"reference", r ? record_json(cal.rec.exam, *r) : Json(nullptr)},
                     {"your_score", a},
                     {"reference_score", b},
                     {"agree", a == b}});
  }
  const bool finished = mine.size() >= s.atlas.site_count();
  Json out{{"id", cal.rec.exam.id},       {"reader", me},
           {"reference", cal.reference.reader}, {"revision", cal.mine ? cal.mine->revision : 0},
           {"sites", sites},              {"sites_compared", mine.size()},
           {"sites_agreeing", agree},     {"finished", finished}};
  if (finished) {
    Exam x = reading_as_exam(cal.rec.exam, cal.reference);
    out["reference_total"] = rai_total(s, x);
  }
  return out;
}

Reply finish(Services& s, Call& c) {
  Calibration cal = calibration_of(s, c);
  nlohmann::json body = body_object(c);
  auto it = body.find("revision");
  if (it == body.end() || !it->is_number_integer())
    bad_input({{"$.revision", "required: your reading's revision (an integer; 0 when you graded nothing yet)"}});
  const std::int64_t rev = it->get<std::int64_t>();
  const std::int64_t cur = cal.mine ? cal.mine->revision : 0;
  if (rev != cur) throw store::ConflictError(cal.rec.exam.id, c.caller.name, rev, cur);
  std::vector<SiteGrading> all = cal.mine ? cal.mine->gradings : std::vector<SiteGrading>{};
  std::map<std::string, bool> have;
  for (const auto& g : all) have[g.site] = true;
  for (const auto& site : s.atlas.sites())
    if (!have.count(site.key())) {
      SiteGrading normal;
      normal.site = site.key();
      normal.grades["signal"] = 0;
      all.push_back(normal);
    }
  s.store.save_reading(cal.rec.exam.id, c.caller.name, all, rev, c.caller.name);
  return json_reply(calibration_json(s, calibration_of(s, c), c.caller.name));
}

}  // namespace

void add_calibration_routes(std::vector<Route>& routes, Services& s) {
  routes.push_back({"GET", "/api/calibration", kEditors, "readings",
                    "The reference exams for calibration: those with a consensus reading", "",
                    "[{\"id\", \"patient_id\", \"date\", \"timepoint\", \"reference\" (the consensus reader), "
                    "\"revision\" and \"graded_sites\" of your own reading, \"finished\"}]",
                    200, "application/json", {}, {}, [&s](Call& c) { return calibration_list(s, c); }});
  routes.push_back({"GET", "/api/calibration/{id}", kEditors, "readings",
                    "Your calibration on a reference exam: for each site you saved, the consensus grading of it", "",
                    "{\"id\", \"reader\", \"reference\", \"revision\" (your reading's), \"sites\": [{\"site\", \"yours\", "
                    "\"reference\" (null: normal), \"your_score\", \"reference_score\", \"agree\"}] for the sites of "
                    "your reading only, \"sites_compared\", \"sites_agreeing\", \"finished\", \"reference_total\" "
                    "(finished only)}",
                    200, "application/json", {}, {404}, [&s](Call& c) {
                      return json_reply(calibration_json(s, calibration_of(s, c), c.caller.name));
                    }});
  routes.push_back({"POST", "/api/calibration/{id}/finish", kEditors, "readings",
                    "Finish a calibration: every site you left ungraded is saved as normal (signal 0) in your reading",
                    "{\"revision\": your reading's revision (0: none yet)}", "as GET /api/calibration/{id}", 200,
                    "application/json", {}, {400, 404, 409}, [&s](Call& c) { return finish(s, c); }});
}

}  // namespace crmo::server
