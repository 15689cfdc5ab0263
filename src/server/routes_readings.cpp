// Several readers per exam (issue 7, docs/readers.md): every reader grades their own
// reading of an exam, apart from the others (each reading has its own revision); two
// readings are reconciled into a consensus reading, with the disagreements listed for
// adjudication. A reader writes only their own reading; an admin any. Blinded readers
// (blinded.cpp) see and write only their own.
#include <fmt/format.h>

#include "core/readers/consensus.hpp"
#include "formats/exam_json.hpp"
#include "formats/json_fields.hpp"
#include "formats/readers_json.hpp"
#include "server/edits.hpp"
#include "server/readings.hpp"
#include "server/views.hpp"

namespace crmo::server {

Exam reading_as_exam(const Exam& shown, const store::Reading& r) {
  Exam x = shown;
  x.reader = r.reader;
  x.lesions = r.gradings;
  if (r.clinical) x.clinical = *r.clinical;
  return x;
}

namespace {

void may_see(const Services& s, const Call& c, const std::string& reader) {
  if (blinded_reader(s, c.caller) && reader != c.caller.name)
    throw HttpError(403, fmt::format("blinded mode: {} sees only their own reading (readings/{})", c.caller.name,
                                     c.caller.name));
}

void may_write(const Call& c, const std::string& reader) {
  if (c.caller.role != "admin" && reader != c.caller.name)
    throw HttpError(403, fmt::format("{} may change only their own reading (readings/{}); the reading by {} is "
                                     "another reader's",
                                     c.caller.name, c.caller.name, reader));
}

store::Reading existing(Services& s, const std::string& exam_id, const std::string& reader) {
  auto r = s.store.find_reading(exam_id, reader);
  if (!r)
    throw HttpError(404, fmt::format("exam {} has no reading by {} (to start one, PUT a site with revision 0)",
                                     exam_id, reader));
  return *r;
}

Json reading_json(Services& s, const Exam& x, const store::Reading& r) {
  return {{"reader", r.reader},
          {"kind", r.kind},
          {"revision", r.revision},
          {"main", r.main},
          {"graded_sites", r.gradings.size()},
          {"rai_cromris", rai_total(s, x)},
          {"sources", r.sources},
          {"updated_at", r.updated_at},
          {"updated_by", r.updated_by}};
}

// The exam as the caller sees it; blinded readers: without clinical measures.
ShownExam shown_for_readings(Services& s, const Call& c) {
  ShownExam e = find_shown_exam(s, c);
  if (blinded_reader(s, c.caller)) e.shown.clinical = ClinicalMeasures{};
  return e;
}

Reply list_readings(Services& s, Call& c) {
  ShownExam e = shown_for_readings(s, c);
  Json rows = Json::array();
  for (const auto& r : s.store.readings(e.record.exam.id)) {
    if (blinded_reader(s, c.caller) && r.reader != c.caller.name) continue;
    rows.push_back(reading_json(s, reading_as_exam(e.shown, r), r));
  }
  return json_reply(rows);
}

Reply one_reading(Services& s, Call& c) {
  const std::string& reader = c.param("reader");
  may_see(s, c, reader);
  ShownExam e = shown_for_readings(s, c);
  store::Reading r = existing(s, e.record.exam.id, reader);
  Exam x = reading_as_exam(e.shown, r);
  Json out = reading_json(s, x, r);
  out["exam"] = exam_document(x);
  out["exam_revision"] = e.record.revision;
  out["score"] = score_json(s, x);
  return json_reply(out);
}

Reply reading_site(Services& s, Call& c) {
  const std::string& reader = c.param("reader");
  const std::string& site = c.param("site");
  may_see(s, c, reader);
  ShownExam e = find_shown_exam(s, c);
  store::Reading r = existing(s, e.record.exam.id, reader);
  Json grading = nullptr;
  Exam one = e.shown;
  for (const auto& g : r.gradings)
    if (g.site == site) one.lesions = {g};
  if (one.lesions.size() == 1 && one.lesions[0].site == site) grading = exam_document(one)["lesions"][0];
  return json_reply({{"exam_id", e.shown.id}, {"reader", reader}, {"site", site}, {"revision", r.revision},
                     {"grading", grading}});
}

std::int64_t revision_in_body(nlohmann::json& body) {
  auto it = body.find("revision");
  if (it == body.end() || it->is_null())
    bad_input({{"$.revision", "required field missing: expected the reading's revision (an integer; 0 starts a new "
                              "reading) this change is based on"}});
  if (!it->is_number_integer())
    bad_input({{"$.revision", "expected an integer (the reading's revision), got " + json_type_name(*it)}});
  std::int64_t rev = it->get<std::int64_t>();
  body.erase(it);
  return rev;
}

std::int64_t revision_in_query(const Call& c) {
  auto q = c.query_value("revision");
  if (!q) bad_input({{"revision", "required query parameter missing: ?revision=N, the reading's revision"}});
  try {
    std::size_t used = 0;
    std::int64_t rev = std::stoll(*q, &used);
    if (used == q->size()) return rev;
  } catch (const std::exception&) {
  }
  bad_input({{"revision", fmt::format("expected an integer (the reading's revision), got '{}'", *q)}});
}

store::ExamRecord stored_exam(Services& s, const Call& c) {
  auto rec = s.store.find_exam(c.param("id"));
  if (!rec) throw HttpError(404, "no exam with id '" + c.param("id") + "' (GET /api/exams lists them)");
  return *rec;
}

// The reading as it stands (none yet: revision 0, no gradings); 409 when `rev` is stale.
store::Reading current_reading(Services& s, const store::ExamRecord& rec, const std::string& reader, std::int64_t rev) {
  auto r = s.store.find_reading(rec.exam.id, reader);
  store::Reading cur = r ? *r : store::Reading{};
  if (!r) cur.reader = reader;
  if (rev != cur.revision) throw store::ConflictError(rec.exam.id, reader, rev, cur.revision);
  return cur;
}

Reply changed_reading(Services& s, std::int64_t revision, const Exam& x) {
  return json_reply({{"revision", revision}, {"score", score_json(s, x)}});
}

Reply put_reading_site(Services& s, Call& c) {
  const std::string reader = c.param("reader"), site = c.param("site");
  may_write(c, reader);
  store::ExamRecord rec = stored_exam(s, c);
  nlohmann::json body = body_object(c);
  std::int64_t rev = revision_in_body(body);
  store::Reading cur = current_reading(s, rec, reader, rev);
  std::size_t k = 0;
  Exam edited = with_site(s, reading_as_exam(rec.exam, cur), std::move(body), site, k);
  std::int64_t next = s.store.put_reading_grading(rec.exam.id, reader, edited.lesions.at(k), rev, c.caller.name);
  return changed_reading(s, next, edited);
}

Reply delete_reading_site(Services& s, Call& c) {
  const std::string reader = c.param("reader"), site = c.param("site");
  may_write(c, reader);
  store::ExamRecord rec = stored_exam(s, c);
  std::int64_t rev = revision_in_query(c);
  store::Reading cur = current_reading(s, rec, reader, rev);
  Exam edited = reading_as_exam(rec.exam, cur);
  auto before = edited.lesions.size();
  std::erase_if(edited.lesions, [&](const SiteGrading& g) { return g.site == site; });
  if (edited.lesions.size() == before)
    throw HttpError(404, fmt::format("the reading by {} of exam {} has no grading on {}", reader, rec.exam.id, site));
  std::int64_t next = s.store.delete_reading_grading(rec.exam.id, reader, site, rev, c.caller.name);
  return changed_reading(s, next, edited);
}

// POST /api/exams/{id}/consensus: the consensus of two readings, with the
// disagreements; decisions resolve them; "save" stores it once nothing is pending.
Reply consensus(Services& s, Call& c) {
  store::ExamRecord rec = stored_exam(s, c);
  nlohmann::json body = body_object(c);
  std::vector<InputProblem> problems;
  JsonFields f(body, "", "$", problems);
  std::vector<std::string> names;
  if (const auto* list = f.raw("readers"); !list || !list->is_array() || list->size() != 2 ||
                                           !(*list)[0].is_string() || !(*list)[1].is_string() ||
                                           (*list)[0] == (*list)[1])
    f.problem("readers", "required: the two readers whose readings to reconcile, e.g. [\"R1\", \"R2\"]");
  else
    names = {(*list)[0].get<std::string>(), (*list)[1].get<std::string>()};
  readers::Rule rule = readers::Rule::None;
  if (auto r = f.text("rule")) {
    if (*r == "a") rule = readers::Rule::A;
    else if (*r == "b") rule = readers::Rule::B;
    else if (*r == "higher") rule = readers::Rule::Higher;
    else if (*r == "lower") rule = readers::Rule::Lower;
    else if (*r != "none") f.problem("rule", "\"" + *r + "\": expected \"a\", \"b\", \"higher\", \"lower\" or \"none\"");
  }
  const bool save = f.boolean("save").value_or(false);
  const std::string as = f.text("reader").value_or(readers::kConsensusReader);
  std::optional<std::int64_t> revision;
  if (const auto* rv = f.raw("revision")) {
    if (rv->is_number_integer()) revision = rv->get<std::int64_t>();
    else f.problem("revision", "expected an integer: the consensus reading's revision (0: a new one)");
  }
  if (save && !revision) f.problem("revision", "required with \"save\": the consensus reading's revision (0: a new one)");
  const auto* decisions_json = f.raw("decisions");
  f.reject_unknown("readers, decisions, rule, save, reader, revision");
  if (!problems.empty()) bad_input(problems);

  std::map<std::string, readers::Decision> decisions;
  if (decisions_json) {
    nlohmann::json sheet = {{"format", "crmo.adjudication/1"}, {"exam_id", rec.exam.id}, {"decisions", *decisions_json}};
    try {
      decisions = read_adjudication_json(sheet.dump(), "request body", rec.exam.id, s.atlas, s.scheme);
    } catch (const InputError& e) {
      std::vector<InputProblem> moved = e.problems();
      for (auto& p : moved)
        if (p.place.rfind("request body: ", 0) == 0) p.place = p.place.substr(14);
      bad_input(moved);
    }
  }
  store::Reading a = existing(s, rec.exam.id, names[0]), b = existing(s, rec.exam.id, names[1]);
  readers::ConsensusResult result;
  try {
    result = readers::build_consensus(reading_as_exam(rec.exam, a), reading_as_exam(rec.exam, b), s.atlas, s.scheme,
                                      decisions, rule);
  } catch (const std::invalid_argument& e) {
    bad_input({{"$.decisions", e.what()}});
  }
  Json out = consensus_to_json(result, names[0], names[1]);
  out["consensus"] = exam_document(result.consensus);
  out["score"] = score_json(s, result.consensus);
  auto stored = s.store.find_reading(rec.exam.id, as);
  out["consensus_reader"] = as;
  out["consensus_revision"] = stored ? stored->revision : 0;
  out["saved"] = false;
  if (save) {
    if (!result.complete())
      throw HttpError(400, fmt::format("{} disagreement(s) still pending: choose for each before saving",
                                       result.sites_pending),
                      {{"$.decisions", "every pending site needs a decision (\"a\", \"b\", \"normal\" or \"grading\")"}});
    if (as == names[0] || as == names[1])
      bad_input({{"$.reader", "the consensus reading needs its own reader name, not one of the two readers"}});
    if (stored && stored->kind != "consensus")
      bad_input({{"$.reader", "the reading by " + as + " is a reader's own reading, not a consensus: choose another name"}});
    std::int64_t cur = stored ? stored->revision : 0;
    if (*revision != cur) throw store::ConflictError(rec.exam.id, as, *revision, cur);
    try {
      out["consensus_revision"] =
          s.store.save_consensus(rec.exam.id, as, result.consensus.lesions, names, *revision, c.caller.name);
    } catch (const std::invalid_argument& e) {
      bad_input({{"$.reader", e.what()}});
    }
    out["saved"] = true;
  }
  return json_reply(out);
}

}  // namespace

void add_reading_routes(std::vector<Route>& routes, Services& s) {
  const std::string row =
      "{\"reader\", \"kind\" (reading or consensus), \"revision\", \"main\", \"graded_sites\", \"rai_cromris\", "
      "\"sources\", \"updated_at\", \"updated_by\"}";
  const std::string result = "{\"revision\": the reading's new revision, \"score\": the reading's score after the change}";
  routes.push_back({"GET", "/api/exams/{id}/readings", kAnyRole, "readings",
                    "The readings of an exam, one per reader (blinded readers: their own only)", "",
                    "[" + row + "], the main reading first", 200, "application/json", {}, {404},
                    [&s](Call& c) { return list_readings(s, c); }});
  routes.push_back({"GET", "/api/exams/{id}/readings/{reader}", kAnyRole, "readings",
                    "One reader's reading of an exam (blinded readers: their own only)", "",
                    row + " with \"exam\": the crmo.exam/1 document of this reading, \"exam_revision\", \"score\"", 200,
                    "application/json", {}, {404}, [&s](Call& c) { return one_reading(s, c); }});
  routes.push_back({"GET", "/api/exams/{id}/readings/{reader}/sites/{site}", kAnyRole, "readings",
                    "One site of a reader's reading (blinded readers: their own only)", "",
                    "{\"exam_id\", \"reader\", \"site\", \"revision\" (the reading's), \"grading\": the site record, "
                    "or null when the site is not graded}",
                    200, "application/json", {}, {404}, [&s](Call& c) { return reading_site(s, c); }});
  routes.push_back({"PUT", "/api/exams/{id}/readings/{reader}/sites/{site}", kEditors, "readings",
                    "Grade one site of a reader's reading (readers: their own; admin: any)",
                    "{\"revision\": the reading's revision (0 starts the reading), grades flat as in crmo.exam/1 or "
                    "under \"grades\", \"physis\", \"symptomatic\", \"lesion\", measurements}",
                    result, 200, "application/json", {}, {400, 404, 409},
                    [&s](Call& c) { return put_reading_site(s, c); }});
  routes.push_back({"DELETE", "/api/exams/{id}/readings/{reader}/sites/{site}", kEditors, "readings",
                    "Remove the grading of one site from a reader's reading (readers: their own; admin: any)", "",
                    result, 200, "application/json",
                    {{"revision", "the reading's revision this change is based on (required)"}}, {400, 404, 409},
                    [&s](Call& c) { return delete_reading_site(s, c); }});
  routes.push_back(
      {"POST", "/api/exams/{id}/consensus", kEditors, "readings",
       "Reconcile two readings site by site: the disagreements for adjudication, and the consensus once decided",
       "{\"readers\": [A, B], \"decisions\": [{\"site\", \"choice\": \"a\"|\"b\"|\"normal\"|\"grading\", \"grading\": "
       "site record}] (optional), \"rule\": \"a\"|\"b\"|\"higher\"|\"lower\" (optional), \"save\": true to store it "
       "(nothing pending), \"reader\": its name (default consensus), \"revision\": the consensus reading's (0: new)}",
       "crmo consensus --json ({exam_id, reader_a, reader_b, complete, sites_agreed, sites_resolved, sites_pending, "
       "disagreements[] {site, fields[], a, b, a_score, b_score, resolution}}) plus \"consensus\": the crmo.exam/1 "
       "document, \"score\", \"consensus_reader\", \"consensus_revision\", \"saved\"",
       200, "application/json", {}, {400, 404, 409}, [&s](Call& c) { return consensus(s, c); }});
  add_calibration_routes(routes, s);
}

}  // namespace crmo::server
