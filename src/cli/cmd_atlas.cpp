// crmo atlas: the bone units of the atlas in use.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "formats/atlas_json.hpp"

namespace crmo::cli {

void register_atlas(CLI::App& app, Action& action) {
  struct Opts {
    std::string atlas_file;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("atlas", "List the bone units: id, sides, kind, bone, region");
  sub->add_option("--atlas", o->atlas_file, "Atlas file to use instead of the built-in atlas")->check(CLI::ExistingFile);
  sub->add_flag("--json", o->json, "Print the atlas as JSON");
  sub->callback([o, &action] {
    action = [o] {
      Atlas atlas = o->atlas_file.empty() ? default_atlas() : load_atlas_file(o->atlas_file);
      if (o->json) {
        print_json(atlas_to_json(atlas));
        return 0;
      }
      std::cout << fmt::format("atlas {} {}: {} units, {} unit-sides\n", atlas.name(), atlas.version(),
                               atlas.units().size(), atlas.site_count());
      std::cout << fmt::format("{:<30} {:<5} {:<9} {:<12} {}\n", "unit", "sides", "kind", "bone", "region");
      for (const auto& u : atlas.units())
        std::cout << fmt::format("{:<30} {:<5} {:<9} {:<12} {}\n", u.id, u.paired ? "L/R" : "M", to_string(u.kind), u.bone, u.region);
      return 0;
    };
  });
}

}  // namespace crmo::cli
