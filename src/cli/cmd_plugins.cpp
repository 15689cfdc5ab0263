// crmo plugins: which plugins this crmo finds and loads, from where (docs/architecture.md,
// "Plugins"); for whoever installs crmo or wonders why a command cannot load one.
#include <iostream>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "plugins/loader.hpp"

namespace crmo::cli {

namespace {

struct Known {
  const char* name;
  const char* purpose;
};

// Every plugin the build makes (cmake crmo_add_plugin), with what it is for.
constexpr Known kPlugins[] = {
    {"gdcm", "decoding compressed DICOM pixel data"},
    {"dcmtk", "DICOM SR, DICOM de-identification and retrieval, with DCMTK"},
    {"dicomweb", "the DICOMweb client (QIDO-RS, WADO-RS)"},
    {"postgresql", "the store on PostgreSQL, libpq"},
    {"server", "the HTTP server of crmo serve"},
};

}  // namespace

void register_plugins(CLI::App& app, Action& action) {
  auto json = std::make_shared<bool>(false);
  auto* sub = app.add_subcommand("plugins", "List the plugins (GDCM, DCMTK, DICOMweb, PostgreSQL, server): where each is "
                                            "loaded from, or why it cannot be; exit 1 when one cannot");
  sub->add_flag("--json", *json, "Print as JSON");
  sub->callback([json, &action] {
    action = [json] {
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      bool all = true;
      for (const Known& k : kPlugins) {
        nlohmann::ordered_json row{{"name", k.name}, {"for", k.purpose}};
        try {
          row["path"] = plugins::loaded_path(k.name, k.purpose);
        } catch (const std::exception& e) {
          row["error"] = e.what();
          all = false;
        }
        out.push_back(row);
      }
      if (*json) {
        std::cout << out.dump(2) << "\n";
      } else {
        for (const auto& row : out)
          std::cout << fmt::format("{:<11} {}\n{:<11} {}\n", row["name"].get<std::string>(),
                                   row.contains("path") ? row["path"].get<std::string>() : "NOT LOADED", "",
                                   row.contains("path") ? row["for"].get<std::string>()
                                                        : row["error"].get<std::string>());
      }
      return all ? 0 : 1;
    };
  });
}

}  // namespace crmo::cli
