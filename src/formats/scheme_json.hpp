#pragma once
// Scheme definition files (`crmo.scheme/1`) and the registry of built-in schemes.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/scheme.hpp"

namespace crmo {

// Parses one scheme file; sections it inherits through based_on stay empty.
Scheme parse_scheme_json(std::string_view text, const std::string& source);

// The built-in schemes (data/schemes/*.json) plus any loaded from files.
class SchemeRegistry {
 public:
  static SchemeRegistry with_builtins();
  // Loads a scheme file; a file may replace a built-in of the same name.
  const Scheme& add_file(const std::filesystem::path& path);
  void add(Scheme scheme);
  // By name, or by file path when `name_or_file` names an existing file. Based_on
  // chains are resolved. Throws InputError when neither is found.
  Scheme get(const std::string& name_or_file);
  const Scheme* raw(const std::string& name) const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, Scheme> schemes_;
};

// The scheme whose parameters (lesion count, sites, ...) are evaluated on `scheme`'s
// grades: `scheme` itself when it defines parameters, else the seed study's parameters
// (kParameterScheme) on `scheme`'s items and unit scores.
constexpr const char* kParameterScheme = "seed-2022";
Scheme parameter_scheme_for(SchemeRegistry& registry, const Scheme& scheme);

nlohmann::ordered_json scheme_to_json(const Scheme& scheme);

}  // namespace crmo
