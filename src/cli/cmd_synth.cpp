// crmo synth --patients N --seed S OUT: a realistic synthetic cohort (docs/synth.md).
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "core/synth/synth.hpp"
#include "formats/cohort_csv.hpp"

namespace crmo::cli {

void register_synth(CLI::App& app, Action& action) {
  struct Opts {
    std::string out;
    int patients = 54;
    std::uint64_t seed = 1;
    SchemeChoice choice;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand(
      "synth", "Generate a realistic synthetic cohort folder (exams.csv + lesions.csv) from published CNO prevalences");
  sub->add_option("OUT", o->out, "Cohort folder to create (must not exist, or be empty)")->required();
  sub->add_option("--patients", o->patients, "Number of patients (one baseline exam each)")
      ->check(CLI::Range(1, 10000000));
  sub->add_option("--seed", o->seed, "Random seed: the same seed gives the same cohort on any platform");
  sub->callback([o, &action] {
    action = [o] {
      Domain d = load_domain(o->choice);
      synth::Request req;
      req.patients = o->patients;
      req.seed = o->seed;
      auto exams = synth::generate(req, d.atlas);
      write_cohort_folder(o->out, exams);
      std::size_t sites = 0;
      for (const auto& e : exams) sites += e.lesions.size();
      std::cerr << fmt::format("crmo: wrote {} patients, {} involved sites (seed {}) to {}\n", exams.size(), sites,
                               o->seed, o->out);
      return 0;
    };
  });
}

}  // namespace crmo::cli
