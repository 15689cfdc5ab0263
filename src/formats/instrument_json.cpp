#include "formats/instrument_json.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "formats/file_io.hpp"
#include "formats/json_fields.hpp"
#include "resources/resources.hpp"

namespace crmo {

using namespace crmo::instruments;

namespace {

std::vector<std::string> names(JsonFields& f, const std::string& key) {
  std::vector<std::string> out;
  const auto* v = f.raw(key);
  if (!v) return out;
  if (!v->is_array()) {
    f.problem(key, "expected a list of text values");
    return out;
  }
  for (const auto& x : *v) {
    if (x.is_string()) out.push_back(x.get<std::string>());
    else f.problem(key, "expected a list of text values, found " + json_type_name(x));
  }
  return out;
}

Condition read_condition(const nlohmann::json& j, const std::string& where, const std::string& path,
                         std::vector<InputProblem>& problems) {
  JsonFields f(j, where, path, problems);
  Condition c;
  if (!f.is_object()) {
    problems.push_back({where + path, "expected a condition object"});
    return c;
  }
  auto children = [&](const char* key, Condition::Kind kind) {
    c.kind = kind;
    const auto* v = f.raw(key);
    if (!v->is_array()) {
      f.problem(key, "expected a list of conditions");
      return;
    }
    for (std::size_t i = 0; i < v->size(); ++i)
      c.children.push_back(read_condition((*v)[i], where, fmt::format("{}.{}[{}]", path, key, i), problems));
  };
  if (f.has("all")) children("all", Condition::Kind::All);
  else if (f.has("any")) children("any", Condition::Kind::Any);
  else if (f.has("not")) {
    c.kind = Condition::Kind::Not;
    c.children.push_back(read_condition(*f.raw("not"), where, path + ".not", problems));
  } else {
    c.input = f.text("input", true).value_or("");
    if (f.has("op")) {
      c.kind = Condition::Kind::Compare;
      c.op = f.text("op").value_or("");
      c.value = f.number("value", true).value_or(0);
      static const std::vector<std::string> ops = {"<", "<=", ">", ">=", "==", "!="};
      if (std::find(ops.begin(), ops.end(), c.op) == ops.end())
        f.problem("op", "unknown comparison '" + c.op + "': expected <, <=, >, >=, == or !=");
    } else if (f.has("one_of")) {
      c.kind = Condition::Kind::OneOf;
      c.values = names(f, "one_of");
    } else if (f.has("includes")) {
      c.kind = Condition::Kind::Includes;
      c.values = names(f, "includes");
    } else if (f.has("only")) {
      c.kind = Condition::Kind::Within;
      c.values = names(f, "only");
    } else {
      c.kind = Condition::Kind::IsTrue;
    }
  }
  f.text("description");
  f.reject_unknown("all, any, not, input, op, value, one_of, includes, only, description");
  return c;
}

std::optional<InputType> parse_type(const std::string& s) {
  if (s == "boolean") return InputType::Boolean;
  if (s == "number") return InputType::Number;
  if (s == "text") return InputType::Text;
  if (s == "text_set") return InputType::TextSet;
  return std::nullopt;
}

}  // namespace

Instrument parse_instrument_json(std::string_view text, const std::string& source) {
  const auto doc = parse_json_text(text, source);
  std::vector<InputProblem> problems;
  const std::string where = source + ": ";
  JsonFields top(doc, where, "$", problems);
  Instrument ins;
  auto format = top.text("format", true);
  if (format && *format != "crmo.instrument/1")
    top.problem("format", "expected \"crmo.instrument/1\", got \"" + *format + "\"");
  ins.name = top.text("name", true).value_or("");
  ins.version = top.text("version").value_or("");
  ins.title = top.text("title").value_or(ins.name);
  ins.description = top.text("description").value_or("");
  ins.kind = top.text("kind", true).value_or("");
  ins.notes = names(top, "notes");
  if (const auto* v = top.raw("inputs"); v && v->is_array())
    for (std::size_t i = 0; i < v->size(); ++i) {
      JsonFields f((*v)[i], where, fmt::format("$.inputs[{}]", i), problems);
      InputDef d;
      d.name = f.text("name", true).value_or("");
      std::string type = f.text("type", true).value_or("");
      if (auto t = parse_type(type)) d.type = *t;
      else if (!type.empty()) f.problem("type", "unknown type '" + type + "': expected boolean, number, text or text_set");
      d.min = f.number("min").value_or(0);
      d.max = f.number("max");
      d.values = names(f, "values");
      d.source = "user";
      d.description = f.text("description").value_or("");
      f.reject_unknown("name, type, min, max, values, description");
      ins.inputs.push_back(d);
    }
  ins.override_input = top.text("override");
  if (const auto* v = top.raw("terms"); v && v->is_array())
    for (std::size_t i = 0; i < v->size(); ++i) {
      JsonFields f((*v)[i], where, fmt::format("$.terms[{}]", i), problems);
      ins.terms.push_back({f.text("input", true).value_or(""), f.number("cap")});
      f.reject_unknown("input, cap");
    }
  auto conditions = [&](const char* key, std::vector<Condition>& out) {
    if (const auto* v = top.raw(key); v && v->is_array())
      for (std::size_t i = 0; i < v->size(); ++i)
        out.push_back(read_condition((*v)[i], where, fmt::format("$.{}[{}]", key, i), problems));
  };
  conditions("entry", ins.entry);
  conditions("exclusions", ins.exclusions);
  if (const auto* v = top.raw("items"); v && v->is_array())
    for (std::size_t i = 0; i < v->size(); ++i) {
      const std::string path = fmt::format("$.items[{}]", i);
      JsonFields f((*v)[i], where, path, problems);
      PointsItem item;
      item.name = f.text("name", true).value_or("");
      item.description = f.text("description").value_or("");
      item.domain = f.text("domain").value_or("");
      item.points = f.number("points");
      if (const auto* w = f.raw("when")) item.when = read_condition(*w, where, path + ".when", problems);
      else f.problem("when", "required field missing: the condition under which the item counts");
      f.reject_unknown("name, description, domain, points, when");
      ins.items.push_back(item);
    }
  ins.threshold = top.number("threshold");
  ins.at_or_above = top.text("at_or_above").value_or("met");
  ins.below = top.text("below").value_or("not met");
  ins.points_table_required = top.boolean("points_table_required").value_or(false);
  if (const auto* v = top.raw("required")) ins.required = read_condition(*v, where, "$.required", problems);
  if (const auto* v = top.raw("outcomes"); v && v->is_array())
    for (std::size_t i = 0; i < v->size(); ++i) {
      const std::string path = fmt::format("$.outcomes[{}]", i);
      JsonFields f((*v)[i], where, path, problems);
      Outcome o;
      o.label = f.text("label", true).value_or("");
      if (const auto* w = f.raw("when")) o.when = read_condition(*w, where, path + ".when", problems);
      else f.problem("when", "required field missing");
      f.reject_unknown("label, when");
      ins.outcomes.push_back(o);
    }
  ins.otherwise = top.text("otherwise").value_or("not met");
  if (const auto* v = top.raw("core"); v && v->is_array())
    for (std::size_t i = 0; i < v->size(); ++i) {
      JsonFields f((*v)[i], where, fmt::format("$.core[{}]", i), problems);
      ResponseCore c{f.text("input", true).value_or(""), f.number("min").value_or(0), f.number("max")};
      f.reject_unknown("input, min, max");
      ins.core.push_back(c);
    }
  if (const auto* v = top.raw("levels"); v && v->is_array()) {
    for (const auto& x : *v) {
      if (x.is_number_integer()) ins.levels.push_back(x.get<int>());
      else top.problem("levels", "expected whole-number percentages");
    }
  }
  ins.min_improved = top.integer("min_improved").value_or(3);
  ins.max_worsened = top.integer("max_worsened").value_or(1);
  ins.worsen_pct = top.number("worsen_pct").value_or(30);
  ins.response_label = top.text("response_label").value_or(ins.name);
  top.reject_unknown(
      "format, name, version, title, description, kind, notes, inputs, override, terms, entry, exclusions, items, "
      "threshold, at_or_above, below, points_table_required, required, outcomes, otherwise, core, levels, "
      "min_improved, max_worsened, worsen_pct, response_label");
  if (problems.empty())
    for (const auto& p : check_instrument(ins)) problems.push_back({where + "$", p});
  if (problems.empty() && !ins.points_table_required) ins.points_table_loaded = true;
  throw_if_any(std::move(problems));
  return ins;
}

std::vector<Instrument> builtin_instruments() {
  static const std::vector<std::string> order = {"clinical-severity", "cdas", "pedcno", "jansson", "bristol",
                                                 "eular-acr-2025"};
  std::vector<Instrument> out;
  for (const auto& path : resources::list("instruments/")) {
    if (!path.ends_with(".json")) continue;
    out.push_back(parse_instrument_json(*resources::find(path), "builtin:" + path));
  }
  auto rank = [&](const Instrument& i) {
    auto it = std::find(order.begin(), order.end(), i.name);
    return it - order.begin();
  };
  std::stable_sort(out.begin(), out.end(), [&](const Instrument& a, const Instrument& b) { return rank(a) < rank(b); });
  return out;
}

PointsTable parse_points_table_json(std::string_view text, const std::string& source) {
  const auto doc = parse_json_text(text, source);
  std::vector<InputProblem> problems;
  const std::string where = source + ": ";
  JsonFields top(doc, where, "$", problems);
  PointsTable t;
  auto format = top.text("format", true);
  if (format && *format != "crmo.points/1") top.problem("format", "expected \"crmo.points/1\", got \"" + *format + "\"");
  t.instrument = top.text("instrument", true).value_or("");
  top.text("source");
  if (const auto* p = top.raw("points"); p && p->is_object()) {
    for (const auto& [k, v] : p->items()) {
      if (v.is_number()) t.points[k] = v.get<double>();
      else problems.push_back({where + "$.points." + k, "expected a number of points, got " + json_type_name(v)});
    }
  } else {
    top.problem("points", "required: an object mapping item names to points");
  }
  top.reject_unknown("format, instrument, source, points");
  throw_if_any(std::move(problems));
  return t;
}

void load_points_table(std::vector<Instrument>& list, const std::filesystem::path& file) {
  PointsTable t = parse_points_table_json(read_text_file(file), file.string());
  for (auto& ins : list) {
    if (ins.name != t.instrument) continue;
    auto unknown = apply_points_table(ins, t.points);
    std::vector<InputProblem> problems;
    for (const auto& u : unknown)
      problems.push_back({file.string() + ": $.points." + u, "instrument '" + ins.name + "' has no item '" + u + "'"});
    if (!ins.points_table_loaded) {
      std::string missing;
      for (const auto& i : ins.items)
        if (!i.points) missing += (missing.empty() ? "" : ", ") + i.name;
      problems.push_back({file.string() + ": $.points", "no points for: " + missing});
    }
    throw_if_any(std::move(problems));
    return;
  }
  throw InputError(file.string() + ": $.instrument", "no instrument named '" + t.instrument + "'");
}

nlohmann::ordered_json instrument_result_to_json(const Result& r) {
  using J = nlohmann::ordered_json;
  J j{{"name", r.name}, {"status", r.status}, {"value", nullptr}, {"missing", r.missing}};
  if (r.value) j["value"] = *r.value;
  j["title"] = r.title;
  j["kind"] = r.kind;
  j["outcome"] = r.outcome ? J(*r.outcome) : J(nullptr);
  if (r.lower) j["bounds"] = J::array({*r.lower, r.upper ? J(*r.upper) : J(nullptr)});
  if (!r.items.empty()) {
    J items = J::array();
    for (const auto& i : r.items) {
      J x{{"name", i.name}, {"holds", i.holds ? J(*i.holds) : J(nullptr)}};
      if (i.points) x["points"] = *i.points;
      items.push_back(x);
    }
    j["items"] = items;
  }
  j["notes"] = r.notes;
  return j;
}

}  // namespace crmo
