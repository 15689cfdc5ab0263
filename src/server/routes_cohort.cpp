// The cohort analysis of the stored exams (spec/analysis.md), as crmo cohort gives it
// for a cohort folder: JSON for the dashboard and the self-contained HTML report.
#include <fmt/format.h>

#include "core/analysis/cohort.hpp"
#include "report/cohort_json.hpp"
#include "report/cohort_report.hpp"
#include "server/pseudonyms.hpp"
#include "server/views.hpp"

namespace crmo::server {

namespace {

// The analysis of sections 1-5 and the extra report sections (follow-up, agreement...).
struct CohortResult {
  std::vector<Exam> exams;
  analysis::Analysis analysis;
  std::vector<report::CohortSection> sections;
};

CohortResult analyse_store(Services& s, const Call& c) {
  CohortResult out;
  std::vector<Exam>& exams = out.exams;
  exams = s.store.all_exams();
  if (c.caller.researcher()) exams = s.pseudonyms->for_analysis(exams);
  analysis::Options opt;
  std::vector<InputProblem> problems;
  if (auto o = c.query_value("outcome")) {
    if (analysis::is_outcome(*o)) opt.outcome = *o;
    else {
      std::string names;
      for (const auto& n : analysis::outcome_names()) names += (names.empty() ? "" : ", ") + n;
      problems.push_back({"outcome", "unknown outcome '" + *o + "': expected one of " + names});
    }
  }
  auto tp = c.query_value("timepoint");
  auto all = c.query_value("all_exams");
  if (all && *all != "true" && *all != "false")
    problems.push_back({"all_exams", "expected true or false, got '" + *all + "'"});
  if (tp && all && *all == "true") problems.push_back({"timepoint", "give timepoint or all_exams=true, not both"});
  if (!problems.empty()) throw HttpError(400, "bad query parameters", problems);
  opt.r_compatible = c.query_value("r_compatible").value_or("false") == "true";
  if (all && *all == "true") opt.selection = analysis::ExamSelection::AllExams;
  if (tp) {
    opt.selection = analysis::ExamSelection::Timepoint;
    opt.timepoint = *tp;
  }
  if (exams.empty()) throw HttpError(404, "the database holds no exams yet: import a cohort first (crmo import)");
  try {
    out.analysis = analysis::analyse(exams, s.atlas, s.scheme, s.parameter_scheme, opt);
  } catch (const std::invalid_argument& e) {
    throw HttpError(400, e.what(), {{tp ? "timepoint" : "selection", e.what()}});
  }
  out.sections = report::cohort_sections(report::SectionInput{out.exams, out.analysis, s.atlas, s.scheme, s.parameter_scheme});
  return out;
}

const std::vector<QueryParam> kCohortQuery = {
    {"outcome", "main clinical outcome (default clinical_severity)"},
    {"timepoint", "analyse the exams at this timepoint (first per patient)"},
    {"all_exams", "true: analyse every exam (default: each patient's first exam by date)"},
    {"r_compatible", "true: Spearman p-values exactly as R's cor.test computes them"}};

}  // namespace

void add_cohort_routes(std::vector<Route>& routes, Services& s) {
  routes.push_back({"GET", "/api/cohort", kAnyRole, "cohort", "The cohort analysis of the stored exams", "",
                    "crmo cohort --json (docs/cohort-json.md); researchers: pseudonymous ids", 200, "application/json",
                    kCohortQuery, {400, 404}, [&s](Call& c) {
                      CohortResult r = analyse_store(s, c);
                      return json_reply(report::cohort_to_json(r.analysis, r.sections));
                    }});
  routes.push_back({"GET", "/api/cohort/report", kAnyRole, "cohort",
                    "The cohort report as one self-contained HTML page", "", "HTML (as report.html of crmo cohort --out)",
                    200, "text/html; charset=utf-8", kCohortQuery, {400, 404}, [&s](Call& c) {
                      CohortResult a = analyse_store(s, c);
                      report::ReportOptions ro;
                      ro.source = "the crmo database";
                      Reply r;
                      r.body = report::cohort_html(a.analysis, a.sections, s.atlas, ro);
                      r.content_type = "text/html; charset=utf-8";
                      return r;
                    }});
}

}  // namespace crmo::server
