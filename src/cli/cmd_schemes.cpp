// crmo schemes [NAME|FILE]: the scoring schemes crmo knows, or one in full.
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "formats/scheme_json.hpp"

namespace crmo::cli {

void register_schemes(CLI::App& app, Action& action) {
  struct Opts {
    std::string name;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("schemes", "List the scoring schemes, or show one (resolved) with NAME");
  sub->add_option("NAME", o->name, "A scheme name or scheme file to show in full");
  sub->add_flag("--json", o->json, "Print as JSON");
  sub->callback([o, &action] {
    action = [o] {
      SchemeRegistry registry = SchemeRegistry::with_builtins();
      if (!o->name.empty()) {
        Scheme s = registry.get(o->name);
        if (o->json) {
          print_json(scheme_to_json(s));
          return 0;
        }
        std::cout << fmt::format("{} {}: {}\n{}\n", s.name, s.version, s.title, s.description);
        for (const auto& i : s.items) {
          std::cout << fmt::format("  item {:<12} {}..{}  [{}]  {}\n", i.name, i.min, i.max,
                                   fmt::join(kind_names(i.applies_to), ","), i.description);
        }
        for (const auto& p : s.parameters) std::cout << fmt::format("  parameter {:<20} {}\n", p.name, p.description);
        for (const auto& in : s.index) std::cout << fmt::format("  index input {:<18} ({} bins)\n", in.source.name, in.bins.size());
        for (const auto& n : s.notes) std::cout << "  note: " << n << "\n";
        return 0;
      }
      nlohmann::ordered_json list = nlohmann::ordered_json::array();
      for (const auto& name : registry.names()) {
        Scheme s = registry.get(name);
        list.push_back({{"name", s.name}, {"version", s.version}, {"title", s.title},
                        {"based_on", s.based_on.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.based_on)},
                        {"items", s.items.size()}, {"parameters", s.parameters.size()}, {"index_inputs", s.index.size()}});
      }
      if (o->json) {
        print_json({{"schemes", list}});
        return 0;
      }
      for (const auto& s : list)
        std::cout << fmt::format("{:<12} {:<16} {}\n", s["name"].get<std::string>(), s["version"].get<std::string>(),
                                 s["title"].get<std::string>());
      return 0;
    };
  });
}

}  // namespace crmo::cli
