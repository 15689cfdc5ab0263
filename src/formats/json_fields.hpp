#pragma once
// Reads the fields of one JSON object with a path for every error, and reports the
// fields nobody asked for: an unknown (misspelt) field is an error, never dropped.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "formats/input_error.hpp"

namespace crmo {

// Parses JSON text; a syntax error becomes an InputError naming source, line and column.
nlohmann::json parse_json_text(std::string_view text, const std::string& source);

class JsonFields {
 public:
  // `where` prefixes every place ("P017.json: "), `path` is the object's JSON path ("$.exam").
  JsonFields(const nlohmann::json& object, std::string where, std::string path,
             std::vector<InputProblem>& problems);
  bool is_object() const { return object_.is_object(); }

  bool has(const std::string& key);  // present and not null; marks it as known
  const nlohmann::json* raw(const std::string& key);
  std::optional<std::string> text(const std::string& key, bool required = false);
  std::optional<double> number(const std::string& key, bool required = false);
  std::optional<int> integer(const std::string& key, bool required = false);
  std::optional<bool> boolean(const std::string& key);
  // Reads the required "format" field and reports any value but `expected`.
  void expect_format(const std::string& expected);
  // Marks fields as known without reading them (read elsewhere).
  void accept(const std::string& key) { known_.insert(key); }
  // Reports every field not read or accepted.
  void reject_unknown(const std::string& expected_fields);

  std::string place(const std::string& key) const;
  void problem(const std::string& key, std::string message);
  const std::string& path() const { return path_; }

 private:
  const nlohmann::json* get(const std::string& key, bool required, const char* what);
  const nlohmann::json& object_;
  std::string where_, path_;
  std::vector<InputProblem>& problems_;
  std::set<std::string> known_;
};

std::string json_type_name(const nlohmann::json& value);

}  // namespace crmo
