#include "formats/json_fields.hpp"

#include <cmath>

#include <fmt/format.h>

namespace crmo {

nlohmann::json parse_json_text(std::string_view text, const std::string& source) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') { ++line; col = 1; } else { ++col; }
    }
    std::string what = e.what();
    auto pos = what.find("syntax error");
    throw InputError(fmt::format("{} line {}, column {}", source, line, col),
                     "invalid JSON: " + (pos == std::string::npos ? what : what.substr(pos)));
  }
}

std::string json_type_name(const nlohmann::json& v) {
  if (v.is_number_integer()) return "an integer";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "text";
  if (v.is_boolean()) return "true/false";
  if (v.is_null()) return "null";
  if (v.is_array()) return "a list";
  return "an object";
}

JsonFields::JsonFields(const nlohmann::json& object, std::string where, std::string path,
                       std::vector<InputProblem>& problems)
    : object_(object), where_(std::move(where)), path_(std::move(path)), problems_(problems) {
  if (!object_.is_object())
    problems_.push_back({where_ + path_, "expected an object, got " + json_type_name(object_)});
}

std::string JsonFields::place(const std::string& key) const { return where_ + path_ + "." + key; }

void JsonFields::problem(const std::string& key, std::string message) {
  problems_.push_back({key.empty() ? where_ + path_ : place(key), std::move(message)});
}

const nlohmann::json* JsonFields::get(const std::string& key, bool required, const char* what) {
  known_.insert(key);
  if (!object_.is_object()) return nullptr;
  auto it = object_.find(key);
  if (it == object_.end() || it->is_null()) {
    if (required) problem(key, fmt::format("required field missing: expected {}", what));
    return nullptr;
  }
  return &*it;
}

bool JsonFields::has(const std::string& key) { return get(key, false, "") != nullptr; }
const nlohmann::json* JsonFields::raw(const std::string& key) { return get(key, false, ""); }

std::optional<std::string> JsonFields::text(const std::string& key, bool required) {
  const auto* v = get(key, required, "text");
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    problem(key, "expected text, got " + json_type_name(*v));
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<double> JsonFields::number(const std::string& key, bool required) {
  const auto* v = get(key, required, "a number");
  if (!v) return std::nullopt;
  if (!v->is_number()) {
    problem(key, "expected a number, got " + json_type_name(*v));
    return std::nullopt;
  }
  return v->get<double>();
}

std::optional<int> JsonFields::integer(const std::string& key, bool required) {
  const auto* v = get(key, required, "an integer");
  if (!v) return std::nullopt;
  if (v->is_number_integer()) {
    auto value = v->get<long long>();
    if (value < -1000000 || value > 1000000) {
      problem(key, fmt::format("integer {} is out of any meaningful range", value));
      return std::nullopt;
    }
    return static_cast<int>(value);
  }
  if (v->is_number_float() && std::floor(v->get<double>()) == v->get<double>() &&
      std::fabs(v->get<double>()) < 1e6)
    return static_cast<int>(v->get<double>());
  problem(key, "expected an integer grade, got " +
                   (v->is_number() ? fmt::format("{}", v->get<double>()) : json_type_name(*v)));
  return std::nullopt;
}

std::optional<bool> JsonFields::boolean(const std::string& key) {
  const auto* v = get(key, false, "true or false");
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    problem(key, "expected true or false, got " + json_type_name(*v));
    return std::nullopt;
  }
  return v->get<bool>();
}

void JsonFields::expect_format(const std::string& expected) {
  auto format = text("format", true);
  if (format && *format != expected) problem("format", "expected \"" + expected + "\", got \"" + *format + "\"");
}

void JsonFields::reject_unknown(const std::string& expected_fields) {
  if (!object_.is_object()) return;
  for (const auto& [key, value] : object_.items())
    if (!known_.count(key)) problem(key, "unknown field '" + key + "' (expected: " + expected_fields + ")");
}

}  // namespace crmo
