#pragma once
// What several commands share: loading the atlas and scheme a user chose, printing
// JSON, and reporting bad input.
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "core/atlas.hpp"
#include "core/scheme.hpp"
#include "formats/input_error.hpp"

namespace crmo::cli {

constexpr const char* kDefaultScheme = "rai-cromris";

struct SchemeChoice {
  std::string scheme = kDefaultScheme;
  std::string atlas_file;  // empty: the built-in atlas
};

// Adds --scheme NAME|FILE and --atlas FILE to a subcommand.
void add_scheme_options(CLI::App* sub, SchemeChoice& choice);

struct Domain {
  Atlas atlas;
  Scheme scheme;            // resolved: items, unit score, total (and index)
  Scheme parameter_scheme;  // the scheme whose parameter list is evaluated
};

// Throws InputError when a named scheme or atlas file is bad.
Domain load_domain(const SchemeChoice& choice);

void print_json(const nlohmann::ordered_json& j);
void report_problems(const InputError& e);
bool stderr_is_terminal();

}  // namespace crmo::cli
