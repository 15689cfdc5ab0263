#include "formats/scheme_json.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "formats/file_io.hpp"
#include "formats/json_fields.hpp"
#include "resources/resources.hpp"

namespace crmo {

namespace {

std::vector<std::string> string_list(JsonFields& f, const std::string& key) {
  std::vector<std::string> out;
  const auto* v = f.raw(key);
  if (!v) return out;
  if (!v->is_array()) {
    f.problem(key, "expected a list of names");
    return out;
  }
  for (const auto& x : *v) {
    if (x.is_string()) out.push_back(x.get<std::string>());
    else f.problem(key, "expected a list of names, found " + json_type_name(x));
  }
  return out;
}

ParameterDef read_parameter(const nlohmann::json& j, const std::string& where, const std::string& path,
                            std::vector<InputProblem>& problems, bool with_bins,
                            std::vector<IndexBin>* bins) {
  JsonFields f(j, where, path, problems);
  ParameterDef p;
  p.name = f.text("name", true).value_or("");
  p.function = f.text("function", true).value_or("");
  const auto& fns = parameter_functions();
  if (!p.function.empty() && std::find(fns.begin(), fns.end(), p.function) == fns.end())
    f.problem("function", fmt::format("unknown function '{}'; expected one of {}", p.function, fmt::join(fns, ", ")));
  p.items = string_list(f, "items");
  p.min = f.integer("min").value_or(1);
  p.as_flag = f.boolean("as_flag").value_or(false);
  p.value = f.text("value").value_or("");
  p.description = f.text("description").value_or("");
  if (with_bins && bins) {
    const auto* b = f.raw("bins");
    if (!b || !b->is_array() || b->empty()) f.problem("bins", "expected a list of {from, to, points}");
    else
      for (std::size_t i = 0; i < b->size(); ++i) {
        JsonFields bf((*b)[i], where, fmt::format("{}.bins[{}]", path, i), problems);
        IndexBin bin;
        bin.from = bf.number("from", true).value_or(0);
        bin.to = bf.number("to");
        bin.points = bf.integer("points", true).value_or(0);
        bf.reject_unknown("from, to, points");
        bins->push_back(bin);
      }
  }
  f.reject_unknown(with_bins ? "name, function, items, min, as_flag, value, description, bins"
                             : "name, function, items, min, as_flag, value, description");
  return p;
}

}  // namespace

Scheme parse_scheme_json(std::string_view text, const std::string& source) {
  const auto doc = parse_json_text(text, source);
  std::vector<InputProblem> problems;
  const std::string where = source + ": ";
  JsonFields top(doc, where, "$", problems);
  Scheme s;
  top.expect_format("crmo.scheme/1");
  s.name = top.text("name", true).value_or("");
  s.version = top.text("version", true).value_or("");
  s.title = top.text("title").value_or(s.name);
  s.description = top.text("description").value_or("");
  s.based_on = top.text("based_on").value_or("");
  s.involvement_item = top.text("involvement_item").value_or("signal");
  s.notes = string_list(top, "notes");
  if (const auto* items = top.raw("items")) {
    if (!items->is_array()) top.problem("items", "expected a list of grade items");
    else
      for (std::size_t i = 0; i < items->size(); ++i) {
        JsonFields f((*items)[i], where, fmt::format("$.items[{}]", i), problems);
        GradeItem item;
        item.name = f.text("name", true).value_or("");
        item.min = f.integer("min", true).value_or(0);
        item.max = f.integer("max", true).value_or(0);
        if (item.max < item.min) f.problem("max", "max must not be below min");
        item.labels = string_list(f, "labels");
        if (!item.labels.empty() && item.labels.size() != static_cast<std::size_t>(item.max - item.min + 1))
          f.problem("labels", fmt::format("expected {} labels, one per grade from min to max", item.max - item.min + 1));
        for (const auto& k : string_list(f, "applies_to")) {
          if (auto kind = parse_unit_kind(k)) item.applies_to.push_back(*kind);
          else f.problem("applies_to", "unknown unit kind '" + k + "': expected long, vertebra, flat or short");
        }
        item.description = f.text("description").value_or("");
        f.reject_unknown("name, min, max, labels, applies_to, description");
        s.items.push_back(std::move(item));
      }
  }
  if (const auto* terms = top.raw("unit_score")) {
    if (!terms->is_array()) top.problem("unit_score", "expected a list of item names or {\"max\": [...]}");
    else
      for (std::size_t i = 0; i < terms->size(); ++i) {
        const auto& t = (*terms)[i];
        if (t.is_string()) s.unit_score.push_back({{t.get<std::string>()}});
        else if (t.is_object() && t.size() == 1 && t.contains("max") && t["max"].is_array()) {
          ScoreTerm term;
          for (const auto& x : t["max"])
            if (x.is_string()) term.items.push_back(x.get<std::string>());
          s.unit_score.push_back(term);
        } else {
          problems.push_back({fmt::format("{}$.unit_score[{}]", where, i), "expected an item name or {\"max\": [names]}"});
        }
      }
  }
  if (auto total = top.text("exam_total")) {
    if (*total != "sum") top.problem("exam_total", "expected \"sum\"");
    s.exam_total = true;
  }
  if (const auto* params = top.raw("parameters")) {
    if (!params->is_array()) top.problem("parameters", "expected a list of parameters");
    else
      for (std::size_t i = 0; i < params->size(); ++i)
        s.parameters.push_back(read_parameter((*params)[i], where, fmt::format("$.parameters[{}]", i), problems, false, nullptr));
  }
  if (const auto* index = top.raw("index")) {
    JsonFields f(*index, where, "$.index", problems);
    s.index_bins_published = f.boolean("bins_published").value_or(false);
    const auto* inputs = f.raw("inputs");
    if (!inputs || !inputs->is_array()) f.problem("inputs", "expected a list of index inputs");
    else
      for (std::size_t i = 0; i < inputs->size(); ++i) {
        IndexInput in;
        in.source = read_parameter((*inputs)[i], where, fmt::format("$.index.inputs[{}]", i), problems, true, &in.bins);
        s.index.push_back(std::move(in));
      }
    f.reject_unknown("bins_published, inputs");
  }
  top.reject_unknown("format, name, version, title, description, based_on, involvement_item, items, unit_score, exam_total, parameters, index, notes");
  // Unit score terms must name items of this scheme (checked once inheritance is known).
  throw_if_any(std::move(problems));
  return s;
}

SchemeRegistry SchemeRegistry::with_builtins() {
  SchemeRegistry r;
  for (const auto& path : resources::list("schemes/"))
    r.add(parse_scheme_json(*resources::find(path), "built-in " + path));
  return r;
}

void SchemeRegistry::add(Scheme scheme) {
  auto name = scheme.name;
  schemes_[name] = std::move(scheme);
}

const Scheme& SchemeRegistry::add_file(const std::filesystem::path& path) {
  Scheme s = parse_scheme_json(read_text_file(path), path.string());
  auto name = s.name;
  schemes_[name] = std::move(s);
  return schemes_[name];
}

const Scheme* SchemeRegistry::raw(const std::string& name) const {
  auto it = schemes_.find(name);
  return it == schemes_.end() ? nullptr : &it->second;
}

std::vector<std::string> SchemeRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : schemes_) out.push_back(k);
  return out;
}

Scheme SchemeRegistry::get(const std::string& name_or_file) {
  const Scheme* s = raw(name_or_file);
  std::string source = "scheme '" + name_or_file + "'";
  if (!s) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(name_or_file, ec)) {
      throw InputError("--scheme " + name_or_file,
                       fmt::format("no such scheme or file; built-in schemes: {}", fmt::join(names(), ", ")));
    }
    s = &add_file(name_or_file);
    source = name_or_file;
  }
  Scheme resolved;
  try {
    resolved = resolve_scheme(*s, [this](const std::string& n) { return raw(n); });
  } catch (const std::runtime_error& e) {
    throw InputError(source, e.what());
  }
  std::vector<InputProblem> problems;
  if (resolved.items.empty()) problems.push_back({source, "the scheme (with its based_on chain) defines no grade items"});
  if (!resolved.item(resolved.involvement_item))
    problems.push_back({source, "involvement_item '" + resolved.involvement_item + "' is not one of its items"});
  for (const auto& term : resolved.unit_score)
    for (const auto& name : term.items)
      if (!resolved.item(name)) problems.push_back({source, "unit_score names unknown item '" + name + "'"});
  throw_if_any(std::move(problems));
  return resolved;
}

Scheme parameter_scheme_for(SchemeRegistry& registry, const Scheme& scheme) {
  if (!scheme.parameters.empty()) return scheme;
  Scheme p = registry.get(kParameterScheme);
  p.items = scheme.items;
  p.unit_score = scheme.unit_score;
  return p;
}

nlohmann::ordered_json scheme_to_json(const Scheme& s) {
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  for (const auto& i : s.items) {
    nlohmann::ordered_json kinds = nlohmann::ordered_json::array();
    for (auto k : i.applies_to) kinds.push_back(to_string(k));
    items.push_back({{"name", i.name}, {"min", i.min}, {"max", i.max}, {"labels", i.labels},
                     {"applies_to", kinds}, {"description", i.description}});
  }
  nlohmann::ordered_json terms = nlohmann::ordered_json::array();
  for (const auto& t : s.unit_score) {
    if (t.items.size() == 1) terms.push_back(t.items[0]);
    else terms.push_back({{"max", t.items}});
  }
  auto param_json = [](const ParameterDef& p) {
    nlohmann::ordered_json j{{"name", p.name}, {"function", p.function}};
    if (!p.items.empty()) j["items"] = p.items;
    if (p.min != 1) j["min"] = p.min;
    if (p.as_flag) j["as_flag"] = true;
    if (!p.value.empty()) j["value"] = p.value;
    if (!p.description.empty()) j["description"] = p.description;
    return j;
  };
  nlohmann::ordered_json j{{"format", "crmo.scheme/1"}, {"name", s.name}, {"version", s.version},
                           {"title", s.title}, {"description", s.description}};
  if (!s.based_on.empty()) j["based_on"] = s.based_on;
  j["involvement_item"] = s.involvement_item;
  j["items"] = items;
  j["unit_score"] = terms;
  if (s.exam_total) j["exam_total"] = "sum";
  if (!s.parameters.empty()) {
    j["parameters"] = nlohmann::ordered_json::array();
    for (const auto& p : s.parameters) j["parameters"].push_back(param_json(p));
  }
  if (!s.index.empty()) {
    nlohmann::ordered_json inputs = nlohmann::ordered_json::array();
    for (const auto& in : s.index) {
      auto pj = param_json(in.source);
      pj["bins"] = nlohmann::ordered_json::array();
      for (const auto& b : in.bins) {
        nlohmann::ordered_json bj{{"from", b.from}};
        if (b.to) bj["to"] = *b.to;
        bj["points"] = b.points;
        pj["bins"].push_back(bj);
      }
      inputs.push_back(pj);
    }
    j["index"] = {{"bins_published", s.index_bins_published}, {"inputs", inputs}};
  }
  if (!s.notes.empty()) j["notes"] = s.notes;
  return j;
}

}  // namespace crmo
