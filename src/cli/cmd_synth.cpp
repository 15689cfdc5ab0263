// crmo synth --patients N --seed S OUT: a realistic synthetic cohort (docs/synth.md).
#include <iostream>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "core/synth/synth.hpp"
#include "formats/cohort_csv.hpp"
#include "formats/file_io.hpp"

namespace crmo::cli {

void register_synth(CLI::App& app, Action& action) {
  struct Opts {
    std::string out;
    int patients = 54;
    std::uint64_t seed = 1;
    double followup = 0, second_reader = 0;
    SchemeChoice choice;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand(
      "synth", "Generate a realistic synthetic cohort folder (exams.csv + lesions.csv) from published CNO prevalences");
  sub->add_option("OUT", o->out, "Cohort folder to create (must not exist, or be empty)")->required();
  sub->add_option("--patients", o->patients, "Number of patients (one baseline exam each)")
      ->check(CLI::Range(1, 10000000));
  sub->add_option("--seed", o->seed, "Random seed: the same seed gives the same cohort on any platform");
  sub->add_option("--followup", o->followup, "Share of patients with a follow-up exam about 6 months later (0-1)")
      ->check(CLI::Range(0.0, 1.0));
  sub->add_option("--second-reader", o->second_reader,
                  "Share of exams also read by a second reader R2 (0-1); lesions.csv then has a reader column")
      ->check(CLI::Range(0.0, 1.0));
  sub->callback([o, &action] {
    action = [o] {
      Domain d = load_domain(o->choice);
      synth::Request req;
      req.patients = o->patients;
      req.seed = o->seed;
      req.followup.share = o->followup;
      req.second_reader.share = o->second_reader;
      if (stderr_is_terminal() && o->patients >= 100000)
        std::cerr << fmt::format("crmo: generating {} patients...\n", o->patients);
      auto exams = synth::generate(req, d.atlas);
      const std::string exams_text = exams_csv_text(exams);
      const std::string lesions_text = lesions_csv_text(exams);  // with a reader column when read twice
      write_folder_atomically(o->out, [&](const std::filesystem::path& tmp) {
        write_file_atomically(tmp / "exams.csv", exams_text);
        write_file_atomically(tmp / "lesions.csv", lesions_text);
      });
      std::size_t sites = 0;
      std::set<std::string> patients, ids;
      for (const auto& e : exams) {
        sites += e.lesions.size();
        patients.insert(e.patient.id);
        ids.insert(e.id);
      }
      std::cerr << fmt::format("crmo: wrote {} patients, {} exams, {} readings, {} graded sites (seed {}) to {}\n",
                               patients.size(), ids.size(), exams.size(), sites, o->seed, o->out);
      return 0;
    };
  });
}

}  // namespace crmo::cli
