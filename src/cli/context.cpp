#include "cli/context.hpp"

#include <unistd.h>

#include <iostream>

#include "formats/atlas_json.hpp"
#include "formats/scheme_json.hpp"

namespace crmo::cli {

void add_scheme_options(CLI::App* sub, SchemeChoice& choice) {
  sub->add_option("--scheme", choice.scheme, "Scoring scheme: a built-in name (see `crmo schemes`) or a scheme file");
  sub->add_option("--atlas", choice.atlas_file, "Atlas file to use instead of the built-in atlas")
      ->check(CLI::ExistingFile);
}

Domain load_domain(const SchemeChoice& choice) {
  Domain d;
  d.atlas = choice.atlas_file.empty() ? default_atlas() : load_atlas_file(choice.atlas_file);
  SchemeRegistry registry = SchemeRegistry::with_builtins();
  d.scheme = registry.get(choice.scheme);
  d.parameter_scheme = parameter_scheme_for(registry, d.scheme);
  return d;
}

void print_json(const nlohmann::ordered_json& j) { std::cout << j.dump(2) << "\n"; }

void report_problems(const InputError& e) {
  const auto& problems = e.problems();
  std::cerr << "crmo: bad input (" << problems.size() << (problems.size() == 1 ? " problem" : " problems")
            << "); nothing was written:\n";
  for (const auto& p : problems) std::cerr << "  " << p.place << ": " << p.message << "\n";
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

}  // namespace crmo::cli
