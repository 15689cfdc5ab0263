// Changing clinical data: new exams, site gradings, clinical measures. Each change is
// validated exactly as the command line validates an exam file (formats/exam_json on
// the whole exam with the change applied), so the page gets the same messages; the
// store then writes it in one transaction with its audit record, checking the revision.
#include <fmt/format.h>

#include "formats/exam_json.hpp"
#include "formats/json_fields.hpp"
#include "server/edits.hpp"
#include "server/views.hpp"

namespace crmo::server {

namespace {

const std::string kSource = "request body";

// Moves each problem's place from the whole-exam document to the request body:
// "request body: $.lesions[3].signal" -> "$.signal" when `from` is "$.lesions[3]".
std::vector<InputProblem> relocate(const InputError& e, const std::string& from, const std::string& to) {
  std::vector<InputProblem> out;
  const std::string where = kSource + ": ";
  for (InputProblem p : e.problems()) {
    if (p.place.rfind(where, 0) == 0) p.place = p.place.substr(where.size());
    if (!from.empty() && p.place.rfind(from, 0) == 0 &&
        (p.place.size() == from.size() || p.place[from.size()] == '.' || p.place[from.size()] == '['))
      p.place = to + p.place.substr(from.size());
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

[[noreturn]] void bad_input(std::vector<InputProblem> problems) {
  // The count first: the vector is moved into the error (argument order is unspecified).
  const std::size_t n = problems.size();
  throw HttpError(400, fmt::format("bad input ({} {}); nothing was written", n, n == 1 ? "problem" : "problems"),
                  std::move(problems));
}

nlohmann::json body_object(const Call& c) {
  nlohmann::json body;
  try {
    body = c.json_body();
  } catch (const InputError& e) {
    bad_input(e.problems());
  }
  if (!body.is_object()) bad_input({{"$", "expected a JSON object, got " + json_type_name(body)}});
  return body;
}

Exam with_site(const Services& s, const Exam& base, nlohmann::json body, const std::string& site, std::size_t& k) {
  std::vector<InputProblem> problems;
  if (body.contains("site") && body["site"] != site)
    problems.push_back({"$.site", fmt::format("{} differs from the site in the path, {}", body["site"].dump(), site)});
  // Grades may come flat (as in crmo.exam/1) or under "grades".
  bool nested = false;
  if (auto g = body.find("grades"); g != body.end()) {
    nested = true;
    if (!g->is_object()) problems.push_back({"$.grades", "expected an object item -> grade, got " + json_type_name(*g)});
    else
      for (auto& [key, v] : g->items()) {
        if (body.contains(key)) problems.push_back({"$.grades." + key, "given twice: in grades and at the top level"});
        else body[key] = v;
      }
    body.erase("grades");
  }
  if (!problems.empty()) bad_input(problems);
  body["site"] = site;

  nlohmann::ordered_json doc = exam_to_json(base);
  auto& lesions = doc["lesions"];
  k = 0;
  while (k < lesions.size() && lesions[k]["site"] != site) ++k;
  nlohmann::ordered_json lesion;
  for (auto& [key, v] : body.items()) lesion[key] = v;
  if (k < lesions.size()) lesions[k] = lesion;
  else lesions.push_back(lesion);
  const std::string from = fmt::format("$.lesions[{}]", k);
  try {
    return read_exam_json(doc.dump(), kSource, s.atlas, s.scheme);
  } catch (const InputError& e) {
    auto moved = relocate(e, from, "$");
    if (nested)
      for (auto& p : moved)
        for (const auto& item : s.scheme.items)
          if (p.place == "$." + item.name) p.place = "$.grades." + item.name;
    bad_input(moved);
  }
}

namespace {


// The "revision" the change is based on; 409 at once when it is not the current one.
std::int64_t take_revision(nlohmann::json& body, const store::ExamRecord& rec) {
  auto it = body.find("revision");
  if (it == body.end() || it->is_null())
    bad_input({{"$.revision", "required field missing: expected the exam's revision (an integer) this change is based on"}});
  if (!it->is_number_integer())
    bad_input({{"$.revision", "expected an integer (the exam's revision), got " + json_type_name(*it)}});
  std::int64_t rev = it->get<std::int64_t>();
  body.erase(it);
  if (rev != rec.revision) throw store::ConflictError(rec.exam.id, rev, rec.revision);
  return rev;
}

store::ExamRecord editable(Services& s, const Call& c) {
  auto rec = s.store.find_exam(c.param("id"));
  if (!rec) throw HttpError(404, "no exam with id '" + c.param("id") + "' (GET /api/exams lists them)");
  return *rec;
}

Exam revalidate(Services& s, const nlohmann::ordered_json& doc, const std::string& from, const std::string& to) {
  try {
    return read_exam_json(doc.dump(), kSource, s.atlas, s.scheme);
  } catch (const InputError& e) {
    bad_input(relocate(e, from, to));
  }
}

Reply changed(Services& s, std::int64_t revision, const Exam& exam) {
  return json_reply({{"revision", revision}, {"score", score_json(s, exam)}});
}

Reply put_site(Services& s, Call& c) {
  const std::string site = c.param("site");
  store::ExamRecord rec = editable(s, c);
  nlohmann::json body = body_object(c);
  std::int64_t rev = take_revision(body, rec);
  std::size_t k = 0;
  Exam edited = with_site(s, rec.exam, std::move(body), site, k);
  std::int64_t next = s.store.put_grading(rec.exam.id, edited.lesions.at(k), rev, c.caller.name);
  return changed(s, next, edited);
}

Reply delete_site(Services& s, Call& c) {
  const std::string site = c.param("site");
  store::ExamRecord rec = editable(s, c);
  auto q = c.query_value("revision");
  if (!q) bad_input({{"revision", "required query parameter missing: ?revision=N, the exam's revision"}});
  std::int64_t rev = 0;
  try {
    std::size_t used = 0;
    rev = std::stoll(*q, &used);
    if (used != q->size()) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    bad_input({{"revision", fmt::format("expected an integer (the exam's revision), got '{}'", *q)}});
  }
  if (rev != rec.revision) throw store::ConflictError(rec.exam.id, rev, rec.revision);
  Exam edited = rec.exam;
  auto before = edited.lesions.size();
  std::erase_if(edited.lesions, [&](const SiteGrading& g) { return g.site == site; });
  if (edited.lesions.size() == before) throw HttpError(404, "exam " + rec.exam.id + " has no grading on " + site);
  std::int64_t next = s.store.delete_grading(rec.exam.id, site, rev, c.caller.name);
  return changed(s, next, edited);
}

Reply put_clinical(Services& s, Call& c) {
  store::ExamRecord rec = editable(s, c);
  nlohmann::json body = body_object(c);
  std::int64_t rev = take_revision(body, rec);
  nlohmann::ordered_json doc = exam_to_json(rec.exam);
  nlohmann::ordered_json clinical = nlohmann::ordered_json::object();
  for (auto& [key, v] : body.items()) clinical[key] = v;
  doc["clinical"] = clinical;
  Exam edited = revalidate(s, doc, "$.clinical", "$");
  std::int64_t next = s.store.put_clinical(rec.exam.id, edited.clinical, rev, c.caller.name);
  return changed(s, next, edited);
}

Reply post_exam(Services& s, Call& c) {
  body_object(c);  // a JSON object, else 400
  Exam exam;
  try {
    exam = read_exam_json(c.body, kSource, s.atlas, s.scheme);
  } catch (const InputError& e) {
    bad_input(relocate(e, "", ""));
  }
  if (s.store.find_exam(exam.id))
    throw HttpError(409, "exam " + exam.id + " is already in the database: change it with PUT, or choose another id");
  try {
    s.store.import_exams({exam}, c.caller.name);
  } catch (const InputError& e) {
    bad_input(e.problems());
  }
  auto rec = s.store.find_exam(exam.id);
  return json_reply({{"id", exam.id}, {"revision", rec ? rec->revision : 1}}, 201);
}

}  // namespace

void add_edit_routes(std::vector<Route>& routes, Services& s) {
  const std::string result = "{\"revision\": the new revision, \"score\": the exam's score after the change}";
  routes.push_back({"POST", "/api/exams", kEditors, "edit", "Add an exam",
                    "a crmo.exam/1 document (validated as crmo validate does)", "{\"id\", \"revision\"}", 201,
                    "application/json", {}, {400, 409}, [&s](Call& c) { return post_exam(s, c); }});
  routes.push_back({"PUT", "/api/exams/{id}/sites/{site}", kEditors, "edit",
                    "Grade one site (unit:side) of an exam, replacing its grading",
                    "{\"revision\": N, grades flat as in crmo.exam/1 (\"signal\": 2, ...) or under \"grades\": {...}, "
                    "\"physis\", \"symptomatic\", \"lesion\", \"max_diameter_mm\", \"volume_ml\", \"si_ratio\"}",
                    result, 200, "application/json", {}, {400, 404, 409}, [&s](Call& c) { return put_site(s, c); }});
  routes.push_back({"DELETE", "/api/exams/{id}/sites/{site}", kEditors, "edit",
                    "Remove the grading of one site (the site counts as not involved)", "", result, 200,
                    "application/json", {{"revision", "the exam's revision this change is based on (required)"}},
                    {400, 404, 409}, [&s](Call& c) { return delete_site(s, c); }});
  routes.push_back({"PUT", "/api/exams/{id}/clinical", kEditors, "edit",
                    "Replace the clinical measures of an exam (PGA, pain, labs, ...)",
                    "{\"revision\": N, and the clinical object of crmo.exam/1: pga, pain, patient_global, chaq, esr, "
                    "crp, clinical_severity, fever, normal_blood_count, marginal_sclerosis, biopsy, symptomatic_sites}",
                    result, 200, "application/json", {}, {400, 404, 409}, [&s](Call& c) { return put_clinical(s, c); }});
}

}  // namespace crmo::server
