// crmo validate PATH: checks exam documents or a cohort folder and lists every problem.
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
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
        auto exams = load_exams(o->path, d.atlas, d.scheme);
        std::size_t sites = 0;
        for (const auto& e : exams) sites += e.lesions.size();
        if (o->json)
          print_json({{"valid", true}, {"path", o->path}, {"exams", exams.size()}, {"site_records", sites}, {"problems", nlohmann::ordered_json::array()}});
        else
          std::cout << "ok: " << o->path << ": " << exams.size() << " exam(s), " << sites << " site record(s), valid against atlas '"
                    << d.atlas.name() << "' and scheme '" << d.scheme.name << "' " << d.scheme.version << "\n";
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
