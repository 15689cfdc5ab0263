// Analyses of stored exams that the command line also gives for files: the change
// between two exams (`crmo compare --json`) and the agreement between readers
// (`crmo agreement --json` and its Bland-Altman plot). The same core and JSON code as
// the commands, on the store's exams and readings; researchers get them computed on the
// de-identified exams (pseudonymous ids, shifted dates), as the cohort analysis.
#include <algorithm>
#include <sstream>

#include <fmt/format.h>

#include "core/followup/followup.hpp"
#include "core/readers/agreement.hpp"
#include "formats/followup_json.hpp"
#include "formats/readers_json.hpp"
#include "report/agreement_section.hpp"
#include "server/agreement_cache.hpp"
#include "report/canvas.hpp"
#include "server/pseudonyms.hpp"
#include "server/readings.hpp"
#include "server/views.hpp"

namespace crmo::server {

namespace {

std::string required_query(const Call& c, const std::string& name, const std::string& what,
                           std::vector<InputProblem>& problems) {
  auto v = c.query_value(name);
  if (!v || v->empty()) {
    problems.push_back({name, "required query parameter missing: expected " + what});
    return "";
  }
  return *v;
}

// The exam `id` (a pseudonym for a researcher) as the caller sees it: its main reading,
// or `reader`'s reading when one is named. 404 when there is no such exam or reading.
Exam shown_reading(Services& s, const Call& c, const std::string& id, const std::optional<std::string>& reader) {
  std::optional<std::string> real = id;
  if (c.caller.researcher()) real = s.pseudonyms->real_exam_id(id);
  std::optional<store::ExamRecord> rec;
  if (real) rec = s.store.find_exam(*real);
  if (!rec) throw HttpError(404, "no exam with id '" + id + "' (GET /api/exams lists them)");
  Exam exam = rec->exam;
  if (reader && *reader != exam.reader) {
    auto r = s.store.find_reading(*real, *reader);
    if (!r) throw HttpError(404, "exam '" + id + "' has no reading by reader '" + *reader + "'");
    exam = reading_as_exam(exam, *r);
  }
  return c.caller.researcher() ? s.pseudonyms->for_display(exam) : exam;
}

Reply compare(Services& s, Call& c) {
  std::vector<InputProblem> problems;
  std::string from = required_query(c, "from", "the earlier exam's id", problems);
  std::string to = required_query(c, "to", "the later exam's id", problems);
  if (!problems.empty()) throw HttpError(400, "bad query parameters", problems);
  auto reader = c.query_value("reader");
  if (reader && reader->empty()) reader.reset();
  Exam a = shown_reading(s, c, from, reader);
  Exam b = shown_reading(s, c, to, reader);
  if (a.patient.id != b.patient.id)
    throw HttpError(400, "exam " + to + " is of patient " + b.patient.id + ", not of " + a.patient.id +
                             ": compare takes two exams of one patient",
                    {{"to", "expected an exam of patient " + a.patient.id}});
  // As `crmo compare`: exams given out of date order are compared in date order.
  if (b.date < a.date) std::swap(a, b);
  return json_reply(change_to_json(followup::compare_exams(a, b, s.atlas, s.scheme)));
}

// The agreement report of the stored readings with the options of `crmo agreement`.
readers::AgreementReport agreement(Services& s, const Call& c) {
  readers::AgreementOptions opt;
  if (auto item = c.query_value("item"); item && !item->empty()) {
    opt.grade_item = *item;
    if (!s.scheme.item(*item)) {
      std::string names;
      for (const auto& i : s.scheme.items) names += (names.empty() ? "" : ", ") + i.name;
      throw HttpError(400, "bad query parameters", {{"item", "unknown item '" + *item + "': expected one of " + names}});
    }
  }
  if (auto list = c.query_value("readers")) {
    std::stringstream in(*list);
    for (std::string r; std::getline(in, r, ',');)
      if (!r.empty()) opt.readers.push_back(r);
  }
  std::string key = c.caller.researcher() ? "researcher|" : "clinician|";
  key += opt.grade_item + "|";
  for (const auto& r : opt.readers) key += r + ",";
  try {
    return s.agreement_cache->get(s.store.readings_version(), key, [&] {
      std::vector<Exam> readings = s.store.all_readings();
      if (c.caller.researcher()) readings = s.pseudonyms->for_analysis(readings);
      return readers::agreement_report(readings, s.atlas, s.scheme, opt);
    });
  } catch (const std::invalid_argument& e) {
    // Readers the caller named: their request was wrong; otherwise the store holds
    // nothing to compare yet.
    if (!opt.readers.empty()) throw HttpError(400, e.what(), {{"readers", e.what()}});
    throw HttpError(404, std::string(e.what()) + " (import or enter a second reader's readings first)");
  }
}

Reply bland_altman_svg(Services& s, Call& c) {
  readers::AgreementReport rep = agreement(s, c);
  auto ra = c.query_value("reader_a"), rb = c.query_value("reader_b");
  const readers::BlandAltman* pick = nullptr;
  for (const auto& ba : rep.bland_altman)
    if ((!ra || ba.reader_a == *ra) && (!rb || ba.reader_b == *rb)) {
      pick = &ba;
      break;
    }
  if (!pick) {
    std::string pairs;
    for (const auto& ba : rep.bland_altman) pairs += (pairs.empty() ? "" : ", ") + ba.reader_a + "/" + ba.reader_b;
    throw HttpError(404, fmt::format("no pair of readers {}/{}; pairs: {}", ra.value_or("*"), rb.value_or("*"), pairs));
  }
  report::SvgCanvas canvas(report::bland_altman_size().x, report::bland_altman_size().y);
  report::draw_bland_altman(canvas, *pick);
  Reply r;
  r.body = canvas.svg();  // byte for byte the file crmo agreement --out writes
  r.content_type = "image/svg+xml";
  return r;
}

const std::vector<QueryParam> kAgreementQuery = {
    {"readers", "R1,R2,...: the readers to compare (default: every reader but consensus)"},
    {"item", "the graded item whose agreement is reported (default signal)"}};

}  // namespace

void add_analysis_routes(std::vector<Route>& routes, Services& s) {
  routes.push_back({"GET", "/api/compare", kAnyRole, "analysis",
                    "The change between two exams of one patient (as crmo compare --json)", "",
                    "crmo compare --json (docs/followup.md): sites[] {site, change, from_score, to_score}, "
                    "rai_change, lesion_count_change, pedcno, ...; exams out of date order are compared in date "
                    "order; researchers: pseudonymous ids, shifted dates",
                    200, "application/json",
                    {{"from", "the earlier exam's id (required; researchers: its pseudonym)"},
                     {"to", "the later exam's id (required)"},
                     {"reader", "compare this reader's readings (default: each exam's main reading)"}},
                    {400, 404}, [&s](Call& c) { return compare(s, c); }});
  routes.push_back({"GET", "/api/agreement", kAnyRole, "analysis",
                    "Agreement between readers of the stored readings (as crmo agreement --json)", "",
                    "crmo agreement --json (docs/readers.md): categories[], fleiss, cohen[], icc, bland_altman[], "
                    "totals[]; 404 when no exam has readings by two readers",
                    200, "application/json", kAgreementQuery, {400, 404},
                    [&s](Call& c) { return json_reply(agreement_to_json(agreement(s, c))); }});
  std::vector<QueryParam> svg_query = kAgreementQuery;
  svg_query.push_back({"reader_a", "the pair's first reader (default: the first pair)"});
  svg_query.push_back({"reader_b", "the pair's second reader"});
  routes.push_back({"GET", "/api/agreement/bland-altman.svg", kAnyRole, "analysis",
                    "The Bland-Altman plot of RAI-CROMRIS totals of a pair of readers (as in the report)", "",
                    "SVG (as bland-altman-A-B.svg of crmo agreement --out)", 200, "image/svg+xml", svg_query,
                    {400, 404}, [&s](Call& c) { return bland_altman_svg(s, c); }});
}

}  // namespace crmo::server
