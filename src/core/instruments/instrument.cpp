#include "core/instruments/instrument.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "core/followup/followup.hpp"
#include "core/scoring.hpp"

namespace crmo::instruments {

std::string_view to_string(InputType type) {
  switch (type) {
    case InputType::Boolean: return "boolean";
    case InputType::Number: return "number";
    case InputType::Text: return "text";
    case InputType::TextSet: return "text_set";
  }
  return "?";
}

const std::vector<InputDef>& builtin_inputs() {
  using T = InputType;
  static const std::vector<InputDef> inputs = {
      {"pga", T::Number, 0, 10.0, {}, "clinical", "physician global assessment, 0-10"},
      {"pain", T::Number, 0, 10.0, {}, "clinical", "patient pain, 0-10"},
      {"patient_global", T::Number, 0, 10.0, {}, "clinical", "patient/parent global assessment, 0-10"},
      {"chaq", T::Number, 0, 3.0, {}, "clinical", "CHAQ disability index, 0-3"},
      {"esr", T::Number, 0, std::nullopt, {}, "clinical", "ESR, mm/h"},
      {"crp", T::Number, 0, std::nullopt, {}, "clinical", "CRP, mg/L"},
      {"clinical_severity", T::Number, 0, std::nullopt, {}, "clinical", "total clinical severity supplied by the center"},
      {"fever", T::Boolean, 0, {}, {}, "clinical", "temperature >= 38 C at presentation"},
      {"normal_blood_count", T::Boolean, 0, {}, {}, "clinical", "normal blood count"},
      {"marginal_sclerosis", T::Boolean, 0, {}, {}, "clinical", "lesions with marginal sclerosis on radiographs"},
      {"biopsy", T::Text, 0, {}, {"not_done", "inflammatory_sterile", "other"}, "clinical", "bone biopsy result"},
      {"age_years", T::Number, 0, 18.0, {}, "clinical", "age at the exam, years"},
      {"symptomatic_site_count", T::Number, 0, std::nullopt, {}, "clinical",
       "clinically symptomatic sites: clinical.symptomatic_sites and lesion records marked symptomatic (0 when none are recorded)"},
      {"lesion_count", T::Number, 0, std::nullopt, {}, "mri", "distinct MRI lesions"},
      {"sites_involved", T::Number, 0, std::nullopt, {}, "mri", "sites with abnormal signal"},
      {"bones_involved", T::Number, 0, std::nullopt, {}, "mri", "distinct bones with a lesion"},
      {"regions_involved", T::Number, 0, std::nullopt, {}, "mri", "distinct regions with a lesion"},
      {"symmetric_units", T::Number, 0, std::nullopt, {}, "mri", "units involved on both sides"},
      {"bones", T::TextSet, 0, {}, {}, "mri", "the bones with a lesion (atlas bone names)"},
      {"regions", T::TextSet, 0, {}, {}, "mri", "the regions with a lesion"},
  };
  return inputs;
}

std::map<std::string, Value> exam_inputs(const Exam& exam, const Atlas& atlas, const Scheme& scheme) {
  std::map<std::string, Value> v;
  const auto& c = exam.clinical;
  auto num = [&](const char* k, const std::optional<double>& x) { if (x) v[k] = *x; };
  auto flag = [&](const char* k, const std::optional<bool>& x) { if (x) v[k] = *x; };
  num("pga", c.pga);
  num("pain", c.pain);
  num("patient_global", c.patient_global);
  num("chaq", c.chaq);
  num("esr", c.esr);
  num("crp", c.crp);
  num("clinical_severity", c.clinical_severity);
  flag("fever", c.fever);
  flag("normal_blood_count", c.normal_blood_count);
  flag("marginal_sclerosis", c.marginal_sclerosis);
  if (c.biopsy) v["biopsy"] = *c.biopsy;
  num("age_years", exam.age_at_exam());
  std::set<std::string> symptomatic(c.symptomatic_sites.begin(), c.symptomatic_sites.end());
  for (const auto& g : exam.lesions)
    if (g.symptomatic.value_or(false)) symptomatic.insert(g.site);
  v["symptomatic_site_count"] = static_cast<double>(symptomatic.size());
  auto param = [&](const char* name, const char* function) {
    ParameterDef def;
    def.name = name;
    def.function = function;
    v[name] = evaluate_parameter(def, exam, atlas, scheme).value_or(0);
  };
  param("lesion_count", "lesion_count");
  param("sites_involved", "sites_involved");
  param("bones_involved", "distinct_bones");
  param("regions_involved", "distinct_regions");
  param("symmetric_units", "symmetric_units");
  std::set<std::string> bones, regions;
  for (const auto& g : exam.lesions) {
    if (g.grade(scheme.involvement_item) <= 0) continue;
    if (auto s = atlas.parse_site(g.site)) {
      bones.insert(s->unit->bone);
      regions.insert(s->unit->region);
    }
  }
  v["bones"] = std::vector<std::string>(bones.begin(), bones.end());
  v["regions"] = std::vector<std::string>(regions.begin(), regions.end());
  return v;
}

namespace {

using Inputs = std::map<std::string, Value>;

bool known(const Inputs& in, const std::string& name) {
  auto it = in.find(name);
  return it != in.end() && !std::holds_alternative<std::monostate>(it->second);
}

const InputDef* find_input(const Instrument& ins, const std::string& name) {
  for (const auto& d : ins.inputs)
    if (d.name == name) return &d;
  for (const auto& d : builtin_inputs())
    if (d.name == name) return &d;
  return nullptr;
}

void walk(const Condition& c, const std::function<void(const Condition&)>& f) {
  f(c);
  for (const auto& ch : c.children) walk(ch, f);
}

void for_each_condition(const Instrument& ins, const std::function<void(const Condition&)>& f) {
  for (const auto& c : ins.entry) walk(c, f);
  for (const auto& c : ins.exclusions) walk(c, f);
  for (const auto& i : ins.items) walk(i.when, f);
  if (ins.required) walk(*ins.required, f);
  for (const auto& o : ins.outcomes) walk(o.when, f);
}

// Inputs the instrument reads, in first-use order.
std::vector<std::string> referenced(const Instrument& ins) {
  std::vector<std::string> out;
  auto add = [&](const std::string& n) {
    if (!n.empty() && std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  };
  if (ins.override_input) add(*ins.override_input);
  for (const auto& t : ins.terms) add(t.input);
  for (const auto& c : ins.core) add(c.input);
  for_each_condition(ins, [&](const Condition& c) {
    if (c.kind != Condition::Kind::All && c.kind != Condition::Kind::Any && c.kind != Condition::Kind::Not) add(c.input);
  });
  return out;
}

double as_number(const Value& v) {
  if (auto d = std::get_if<double>(&v)) return *d;
  if (auto b = std::get_if<bool>(&v)) return *b ? 1 : 0;
  throw std::invalid_argument("expected a number");
}

bool eval(const Condition& c, const Inputs& in) {
  using K = Condition::Kind;
  switch (c.kind) {
    case K::All:
      return std::all_of(c.children.begin(), c.children.end(), [&](const Condition& x) { return eval(x, in); });
    case K::Any:
      return std::any_of(c.children.begin(), c.children.end(), [&](const Condition& x) { return eval(x, in); });
    case K::Not: return !eval(c.children.at(0), in);
    default: break;
  }
  const Value& v = in.at(c.input);
  switch (c.kind) {
    case K::IsTrue:
      if (auto b = std::get_if<bool>(&v)) return *b;
      return as_number(v) != 0;
    case K::Compare: {
      double x = as_number(v);
      if (c.op == "<") return x < c.value;
      if (c.op == "<=") return x <= c.value;
      if (c.op == ">") return x > c.value;
      if (c.op == ">=") return x >= c.value;
      if (c.op == "==") return x == c.value;
      if (c.op == "!=") return x != c.value;
      throw std::invalid_argument("unknown comparison '" + c.op + "'");
    }
    case K::OneOf: {
      const auto& s = std::get<std::string>(v);
      return std::find(c.values.begin(), c.values.end(), s) != c.values.end();
    }
    case K::Includes: {
      const auto& set = std::get<std::vector<std::string>>(v);
      return std::any_of(set.begin(), set.end(), [&](const std::string& s) {
        return std::find(c.values.begin(), c.values.end(), s) != c.values.end();
      });
    }
    case K::Within: {
      const auto& set = std::get<std::vector<std::string>>(v);
      return !set.empty() && std::all_of(set.begin(), set.end(), [&](const std::string& s) {
        return std::find(c.values.begin(), c.values.end(), s) != c.values.end();
      });
    }
    default: break;
  }
  return false;
}

// Values standing for every case a missing input can make.
std::vector<Value> representatives(const Instrument& ins, const InputDef& def) {
  std::vector<Value> out;
  switch (def.type) {
    case InputType::Boolean: return {false, true};
    case InputType::Text:
      for (const auto& v : def.values) out.emplace_back(v);
      return out;
    case InputType::TextSet: return {std::vector<std::string>{}};
    case InputType::Number: break;
  }
  std::set<double> xs = {def.min};
  if (def.max) xs.insert(*def.max);
  double top = def.min;
  for_each_condition(ins, [&](const Condition& c) {
    if (c.kind != Condition::Kind::Compare || c.input != def.name) return;
    double d = 1e-6 * std::max(1.0, std::fabs(c.value));
    for (double x : {c.value - d, c.value, c.value + d}) xs.insert(x);
    top = std::max(top, c.value + 1);
  });
  if (!def.max) xs.insert(top + 1);
  for (double x : xs)
    if (x >= def.min && (!def.max || x <= *def.max)) out.emplace_back(x);
  return out;
}

struct Outcomes {
  std::set<std::string> outcomes;
  double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();
  std::vector<std::set<bool>> item_holds;
  bool has_value = false;
};

// Calls f for every completion of the missing inputs; false when there are too many.
bool for_each_completion(const Instrument& ins, const Inputs& in, const std::vector<std::string>& missing,
                         const std::function<void(const Inputs&)>& f) {
  std::vector<std::vector<Value>> reps;
  double combos = 1;
  for (const auto& name : missing) {
    const InputDef* def = find_input(ins, name);
    reps.push_back(def ? representatives(ins, *def) : std::vector<Value>{});
    combos *= std::max<std::size_t>(1, reps.back().size());
  }
  if (combos > (1 << 20)) return false;
  Inputs work = in;
  std::vector<std::size_t> idx(missing.size(), 0);
  while (true) {
    for (std::size_t i = 0; i < missing.size(); ++i)
      if (!reps[i].empty()) work[missing[i]] = reps[i][idx[i]];
    f(work);
    std::size_t i = 0;
    for (; i < missing.size(); ++i) {
      if (++idx[i] < reps[i].size()) break;
      idx[i] = 0;
    }
    if (i == missing.size()) break;
  }
  return true;
}

std::string fmt_value(double x) { return fmt::format("{:g}", x); }

Result evaluate_sum(const Instrument& ins, const Inputs& in, Result r) {
  if (ins.override_input && known(in, *ins.override_input)) {
    r.value = as_number(in.at(*ins.override_input));
    r.lower = r.upper = r.value;
    r.missing.clear();
    r.status = "complete";
    r.notes.push_back("'" + *ins.override_input + "' supplied, used as is");
    return r;
  }
  if (ins.override_input) {
    auto it = std::find(r.missing.begin(), r.missing.end(), *ins.override_input);
    if (it != r.missing.end()) r.missing.erase(it);  // optional: the composite stands in
  }
  double lo = 0, hi = 0;
  bool unbounded = false;
  for (const auto& t : ins.terms) {
    const InputDef* def = find_input(ins, t.input);
    auto capped = [&](double x) { return t.cap ? std::min(x, *t.cap) : x; };
    if (known(in, t.input)) {
      double x = capped(as_number(in.at(t.input)));
      lo += x;
      hi += x;
    } else {
      lo += capped(def ? def->min : 0);
      if (t.cap) hi += *t.cap;
      else if (def && def->max) hi += *def->max;
      else unbounded = true;
    }
  }
  r.lower = lo;
  if (unbounded) r.unbounded = true;
  else r.upper = hi;
  if (r.missing.empty()) {
    r.value = lo;
    r.status = "complete";
  } else {
    r.status = "undetermined";
  }
  return r;
}

Result evaluate_enumerated(const Instrument& ins, const Inputs& in, Result r) {
  const bool points = ins.kind == "points";
  Outcomes o;
  o.item_holds.resize(ins.items.size());
  auto run = [&](const Inputs& w) {
    std::string outcome;
    if (points) {
      std::map<std::string, double> domain_best;
      double total = 0;
      for (std::size_t i = 0; i < ins.items.size(); ++i) {
        const auto& item = ins.items[i];
        bool holds = eval(item.when, w);
        o.item_holds[i].insert(holds);
        if (!holds) continue;
        double p = item.points.value_or(0);
        if (item.domain.empty()) total += p;
        else {
          auto [it, fresh] = domain_best.emplace(item.domain, p);
          if (!fresh) it->second = std::max(it->second, p);
        }
      }
      for (const auto& [d, p] : domain_best) total += p;
      o.lo = std::min(o.lo, total);
      o.hi = std::max(o.hi, total);
      bool entered = std::all_of(ins.entry.begin(), ins.entry.end(), [&](const Condition& c) { return eval(c, w); });
      bool excluded = std::any_of(ins.exclusions.begin(), ins.exclusions.end(), [&](const Condition& c) { return eval(c, w); });
      if (!entered) outcome = "not classifiable: entry criteria not met";
      else if (excluded) outcome = "not classifiable: an exclusion applies";
      else if (ins.threshold) outcome = total >= *ins.threshold ? ins.at_or_above : ins.below;
    } else {
      outcome = ins.otherwise;
      if (!ins.required || eval(*ins.required, w))
        for (const auto& oc : ins.outcomes)
          if (eval(oc.when, w)) {
            outcome = oc.label;
            break;
          }
    }
    if (!outcome.empty()) o.outcomes.insert(outcome);
  };
  if (!for_each_completion(ins, in, r.missing, run)) {
    r.status = "undetermined";
    r.notes.push_back("too many missing inputs to evaluate every case");
    return r;
  }
  if (points) {
    for (std::size_t i = 0; i < ins.items.size(); ++i) {
      ItemResult ir{ins.items[i].name, std::nullopt, std::nullopt};
      if (o.item_holds[i].size() == 1) ir.holds = *o.item_holds[i].begin();
      if (ir.holds) ir.points = ins.items[i].points;
      r.items.push_back(ir);
    }
    r.lower = o.lo;
    r.upper = o.hi;
    if (o.lo == o.hi) r.value = o.lo;
  }
  if (o.outcomes.size() == 1) r.outcome = *o.outcomes.begin();
  const bool has_outcome = !o.outcomes.empty();
  if (r.missing.empty()) r.status = "complete";
  else if (has_outcome ? r.outcome.has_value() : r.value.has_value()) r.status = "determined";
  else r.status = "undetermined";
  if (!r.missing.empty() && r.outcome && !r.value && points)
    r.notes.push_back(fmt::format("total between {} and {} whatever the missing inputs are; the outcome is the same",
                                  fmt_value(o.lo), fmt_value(o.hi)));
  return r;
}

Result evaluate_response(const Instrument& ins, const Inputs& in, const Inputs* baseline, Result r) {
  if (!baseline) {
    r.status = "needs_baseline";
    r.missing.insert(r.missing.begin(), "baseline exam");
    r.notes.push_back("a response compares two exams: give the earlier one (crmo clinical --baseline, crmo compare)");
    return r;
  }
  std::vector<followup::CoreValue> values;
  for (const auto& c : ins.core) {
    followup::CoreValue v;
    v.name = c.input;
    v.min = c.min;
    v.max = c.max;
    if (known(*baseline, c.input)) v.from = as_number(baseline->at(c.input));
    if (known(in, c.input)) v.to = as_number(in.at(c.input));
    values.push_back(v);
  }
  followup::ResponseRule rule;
  if (!ins.levels.empty()) rule.levels = ins.levels;
  rule.min_improved = ins.min_improved;
  rule.max_worsened = ins.max_worsened;
  rule.worsen_pct = ins.worsen_pct;
  auto p = followup::pedcno_response(values, rule);
  r.missing = p.missing;
  if (p.level) r.value = *p.level;
  r.outcome = p.status == followup::ResponseStatus::Met ? fmt::format("{}{}", ins.response_label, *p.level)
              : p.status == followup::ResponseStatus::NotMet ? std::string("not met")
                                                             : std::string();
  if (r.outcome && r.outcome->empty()) r.outcome.reset();
  if (p.status == followup::ResponseStatus::Undetermined) r.status = "undetermined";
  else r.status = r.missing.empty() ? "complete" : "determined";
  for (const auto& l : p.levels)
    if (l.status == followup::ResponseStatus::Undetermined)
      r.notes.push_back(fmt::format("level {} depends on the missing values", l.level));
  return r;
}

}  // namespace

std::vector<std::string> apply_points_table(Instrument& ins, const std::map<std::string, double>& points) {
  std::vector<std::string> unknown;
  for (const auto& [name, p] : points) {
    bool found = false;
    for (auto& item : ins.items)
      if (item.name == name) item.points = p, found = true;
    if (!found) unknown.push_back(name);
  }
  ins.points_table_loaded = std::all_of(ins.items.begin(), ins.items.end(), [](const PointsItem& i) { return i.points.has_value(); });
  return unknown;
}

std::vector<std::string> check_instrument(const Instrument& ins) {
  std::vector<std::string> problems;
  static const std::set<std::string> kinds = {"sum", "points", "criteria", "response"};
  if (!kinds.count(ins.kind)) problems.push_back("kind '" + ins.kind + "': expected sum, points, criteria or response");
  for (const auto& name : referenced(ins))
    if (!find_input(ins, name)) problems.push_back("input '" + name + "' is neither built in nor declared in 'inputs'");
  for_each_condition(ins, [&](const Condition& c) {
    using K = Condition::Kind;
    const InputDef* d = c.input.empty() ? nullptr : find_input(ins, c.input);
    if (!d) return;
    auto need = [&](bool ok, const char* what) {
      if (!ok) problems.push_back(fmt::format("input '{}' is {}: {}", c.input, to_string(d->type), what));
    };
    if (c.kind == K::Compare) need(d->type == InputType::Number, "a comparison needs a number");
    if (c.kind == K::IsTrue) need(d->type == InputType::Boolean, "a bare input condition needs a boolean");
    if (c.kind == K::OneOf) need(d->type == InputType::Text, "'one_of' needs a text input");
    if (c.kind == K::Includes || c.kind == K::Within) need(d->type == InputType::TextSet, "'includes'/'only' need a set input");
  });
  if (ins.kind == "sum" && ins.terms.empty()) problems.push_back("a sum instrument needs 'terms'");
  if (ins.kind == "points" && ins.items.empty()) problems.push_back("a points instrument needs 'items'");
  if (ins.kind == "points" && !ins.points_table_required)
    for (const auto& i : ins.items)
      if (!i.points) problems.push_back("item '" + i.name + "' has no points");
  if (ins.kind == "criteria" && ins.outcomes.empty()) problems.push_back("a criteria instrument needs 'outcomes'");
  if (ins.kind == "response" && ins.core.empty()) problems.push_back("a response instrument needs 'core'");
  return problems;
}

Result evaluate(const Instrument& ins, const Inputs& in, const Inputs* baseline) {
  Result r;
  r.name = ins.name;
  r.title = ins.title;
  r.kind = ins.kind;
  for (const auto& name : referenced(ins))
    if (!known(in, name)) r.missing.push_back(name);
  if (ins.kind == "sum") return evaluate_sum(ins, in, std::move(r));
  if (ins.kind == "response") return evaluate_response(ins, in, baseline, std::move(r));
  if (ins.kind == "points" && ins.points_table_required && !ins.points_table_loaded) {
    r.status = "points_table_not_loaded";
    r.notes.push_back("points table not loaded: the per-item points are not shipped; load them with --points FILE");
    return r;
  }
  return evaluate_enumerated(ins, in, std::move(r));
}

}  // namespace crmo::instruments
