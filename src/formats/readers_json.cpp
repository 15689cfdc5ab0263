#include "formats/readers_json.hpp"

#include <fmt/format.h>

#include "formats/exam_json.hpp"
#include "formats/followup_json.hpp"
#include "formats/json_fields.hpp"

namespace crmo {

using J = nlohmann::ordered_json;
using namespace crmo::readers;

namespace {

J opt(const std::optional<double>& v) { return v ? J(*v) : J(nullptr); }

J grading_json(const std::optional<SiteGrading>& g) {
  if (!g) return nullptr;
  Exam e;
  e.lesions.push_back(*g);
  return exam_to_json(e)["lesions"][0];
}

}  // namespace

J kappa_to_json(const KappaCell& c) {
  if (!c.value) return {{"kappa", nullptr}, {"note", c.note}};
  const auto& k = *c.value;
  return {{"kappa", k.kappa},          {"conf_int", k.conf_int ? J::array({k.conf_int->lower, k.conf_int->upper}) : J(nullptr)},
          {"observed", k.observed},    {"expected", k.expected},
          {"n", k.n},                  {"categories", k.categories}};
}

J agreement_to_json(const AgreementReport& r) {
  J j{{"readers", r.readers}, {"grade_item", r.grade_item}, {"grade_categories", r.grade_categories},
      {"exams_in_input", r.exams_in_input}, {"exams", r.exam_ids.size()}, {"exam_ids", r.exam_ids},
      {"exams_left_out", r.exams_left_out}};
  J cats = J::array();
  for (const auto& c : r.categories)
    cats.push_back({{"category", c.category}, {"items", c.items}, {"abnormal_items", c.abnormal_items},
                    {"free_marginal_abnormal", kappa_to_json(c.abnormal)}, {"free_marginal_grade", kappa_to_json(c.grade)}});
  j["categories"] = cats;
  j["fleiss"] = {{"abnormal", kappa_to_json(r.fleiss_abnormal)}, {"grade", kappa_to_json(r.fleiss_grade)}};
  J pairs = J::array();
  for (const auto& p : r.pairs)
    pairs.push_back({{"reader_a", p.reader_a}, {"reader_b", p.reader_b},
                     {"cohen_abnormal", kappa_to_json(p.abnormal)},
                     {"cohen_grade_unweighted", kappa_to_json(p.grade_unweighted)},
                     {"cohen_grade_linear", kappa_to_json(p.grade_linear)},
                     {"cohen_grade_quadratic", kappa_to_json(p.grade_quadratic)}});
  j["cohen"] = pairs;
  if (r.icc) {
    J forms = J::array();
    for (const auto& f : r.icc->forms)
      forms.push_back({{"type", f.type}, {"icc", f.icc}, {"f", f.f}, {"df1", f.df1}, {"df2", f.df2},
                       {"p_value", f.p_value}, {"conf_int", J::array({f.conf_int.lower, f.conf_int.upper})}});
    j["icc"] = {{"measure", "rai_total"}, {"n", r.icc->n}, {"raters", r.icc->raters}, {"forms", forms}};
  } else {
    j["icc"] = {{"measure", "rai_total"}, {"forms", nullptr}, {"note", r.icc_note}};
  }
  J ba = J::array();
  for (const auto& b : r.bland_altman)
    ba.push_back({{"reader_a", b.reader_a}, {"reader_b", b.reader_b}, {"measure", "rai_total"},
                  {"difference", "reader_b - reader_a"}, {"n", b.difference.size()}, {"bias", opt(b.bias)},
                  {"sd", opt(b.sd)}, {"lower", opt(b.lower)}, {"upper", opt(b.upper)},
                  {"means", b.mean}, {"differences", b.difference}});
  j["bland_altman"] = ba;
  J totals = J::array();
  for (std::size_t i = 0; i < r.totals.size(); ++i) totals.push_back({{"exam_id", r.exam_ids[i]}, {"rai_total", r.totals[i]}});
  j["totals"] = totals;
  j["notes"] = r.notes;
  return j;
}

namespace {
J disagreement_json(const Disagreement& d, bool worksheet) {
  J fields = J::array();
  for (const auto& f : d.fields) fields.push_back({{"field", f.field}, {"a", f.a}, {"b", f.b}});
  J j{{"site", d.site}, {"fields", fields}};
  if (d.site != "clinical") {
    j["a"] = grading_json(d.a);
    j["b"] = grading_json(d.b);
    j["a_score"] = d.a_score;
    j["b_score"] = d.b_score;
  }
  if (worksheet) j["choice"] = nullptr;
  else j["resolution"] = d.resolution.empty() ? J("pending") : J(d.resolution);
  return j;
}
}  // namespace

J consensus_to_json(const ConsensusResult& r, const std::string& reader_a, const std::string& reader_b) {
  J j{{"exam_id", r.consensus.id}, {"reader_a", reader_a}, {"reader_b", reader_b},
      {"complete", r.complete()}, {"reader", r.consensus.reader}, {"sites_agreed", r.sites_agreed},
      {"sites_resolved", r.sites_resolved}, {"sites_pending", r.sites_pending}};
  J ds = J::array();
  for (const auto& d : r.disagreements) ds.push_back(disagreement_json(d, false));
  j["disagreements"] = ds;
  return j;
}

J adjudication_worksheet(const ConsensusResult& r, const std::string& reader_a, const std::string& reader_b) {
  J ds = J::array();
  for (const auto& d : r.disagreements)
    if (d.resolution.empty()) ds.push_back(disagreement_json(d, true));
  return {{"format", "crmo.adjudication/1"},
          {"exam_id", r.consensus.id},
          {"reader_a", reader_a},
          {"reader_b", reader_b},
          {"instructions", "set each choice to \"a\", \"b\", \"normal\" (no lesion), or \"grading\" with a "
                           "\"grading\" site record; then run crmo consensus again with --adjudication this file"},
          {"decisions", ds}};
}

std::map<std::string, Decision> read_adjudication_json(std::string_view text, const std::string& source,
                                                       const std::string& exam_id, const Atlas& atlas,
                                                       const Scheme& scheme) {
  const auto doc = parse_json_text(text, source);
  std::vector<InputProblem> problems;
  const std::string where = source + ": ";
  JsonFields top(doc, where, "$", problems);
  std::map<std::string, Decision> out;
  top.expect_format("crmo.adjudication/1");
  if (auto id = top.text("exam_id"); id && *id != exam_id)
    top.problem("exam_id", "adjudication of exam '" + *id + "', but the readings are of exam '" + exam_id + "'");
  top.text("reader_a");
  top.text("reader_b");
  top.text("instructions");
  const auto* list = top.raw("decisions");
  if (!list || !list->is_array()) {
    top.problem("decisions", "required: a list of decisions");
  } else {
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string path = fmt::format("$.decisions[{}]", i);
      JsonFields f((*list)[i], where, path, problems);
      if (!f.is_object()) {
        problems.push_back({where + path, "expected a decision object"});
        continue;
      }
      auto site = f.text("site", true).value_or("");
      f.accept("fields");
      f.accept("a");
      f.accept("b");
      f.accept("a_score");
      f.accept("b_score");
      Decision d;
      auto choice = f.text("choice");
      if (!choice) {
        f.problem("choice", "not chosen yet: expected \"a\", \"b\", \"normal\" or \"grading\"");
      } else if (*choice == "grading") {
        d.choice = "grading";
        if (const auto* g = f.raw("grading")) {
          // Checked as a site record of an exam document, with the same messages.
          nlohmann::json mini = {{"format", "crmo.exam/1"},
                                 {"patient", {{"id", "adjudication"}}},
                                 {"exam", {{"id", exam_id}, {"date", "2000-01-01"}}},
                                 {"lesions", nlohmann::json::array({*g})}};
          try {
            Exam e = read_exam_json(mini.dump(), where + path + ".grading", atlas, scheme);
            d.grading = e.lesions.at(0);
            if (d.grading->site != site)
              f.problem("grading", "grades site " + d.grading->site + ", but the decision is for " + site);
          } catch (const InputError& e) {
            problems.insert(problems.end(), e.problems().begin(), e.problems().end());
          }
        } else {
          f.problem("grading", "required with choice \"grading\": the site record to use");
        }
      } else if (*choice == "a" || *choice == "b" || *choice == "normal") {
        d.choice = *choice;
        if (site == "clinical" && *choice == "normal") f.problem("choice", "the clinical measures take \"a\" or \"b\"");
      } else {
        f.problem("choice", "\"" + *choice + "\": expected \"a\", \"b\", \"normal\" or \"grading\"");
      }
      f.reject_unknown("site, fields, a, b, a_score, b_score, choice, grading");
      if (!site.empty() && !out.emplace(site, d).second) f.problem("site", "a second decision for " + site);
    }
  }
  top.reject_unknown("format, exam_id, reader_a, reader_b, instructions, decisions");
  throw_if_any(std::move(problems));
  return out;
}

}  // namespace crmo
