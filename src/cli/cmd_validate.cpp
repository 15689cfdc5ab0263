// crmo validate PATH: checks exam documents or a cohort folder and lists every problem.
#include <iostream>
#include <set>
#include <memory>

#include "cli/commands.hpp"
#include "formats/readings_source.hpp"
#include "cli/context.hpp"
#include "formats/exam_source.hpp"

namespace crmo::cli {

void register_validate(CLI::App& app, Action& action) {
  struct Opts {
    std::string path;
    SchemeChoice choice;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("validate", "Check an exam document, a folder of them, or a cohort folder; exit 2 listing every problem");
  sub->add_option("PATH", o->path, "Exam JSON, folder of exam JSONs, or cohort folder (exams.csv + lesions.csv)")->required();
  add_scheme_options(sub, o->choice);
  sub->add_flag("--json", o->json, "Print the result as JSON");
  sub->callback([o, &action] {
    action = [o] {
      Domain d = load_domain(o->choice);
      try {
        // Several readers' readings of one exam are valid input (docs/readers.md).
        auto readings = load_readings(o->path, d.atlas, d.scheme);
        std::size_t sites = 0;
        std::set<std::string> exam_ids;
        for (const auto& e : readings) {
          sites += e.lesions.size();
          exam_ids.insert(e.id);
        }
        const std::string read_by =
            readings.size() > exam_ids.size() ? " (" + std::to_string(readings.size()) + " readings)" : "";
        if (o->json)
          print_json({{"valid", true}, {"path", o->path}, {"exams", exam_ids.size()}, {"readings", readings.size()},
                      {"site_records", sites}, {"problems", nlohmann::ordered_json::array()}});
        else
          std::cout << "ok: " << o->path << ": " << exam_ids.size() << " exam(s)" << read_by << ", " << sites
                    << " site record(s), valid against atlas '" << d.atlas.name() << "' and scheme '" << d.scheme.name
                    << "' " << d.scheme.version << "\n";
        return 0;
      } catch (const InputError& e) {
        if (o->json) {
          nlohmann::ordered_json problems = nlohmann::ordered_json::array();
          for (const auto& p : e.problems()) problems.push_back({{"place", p.place}, {"message", p.message}});
          print_json({{"valid", false}, {"path", o->path}, {"problems", problems}});
        }
        throw;
      }
    };
  });
}

}  // namespace crmo::cli
