// crmo followup PATH: the cohort between two timepoints: paired Wilcoxon signed-rank on
// RAI-CROMRIS and lesion count, PedCNO counts (docs/followup.md).
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "core/followup/followup.hpp"
#include "formats/readings_source.hpp"
#include "formats/followup_json.hpp"

namespace crmo::cli {

void register_followup(CLI::App& app, Action& action) {
  struct Opts {
    std::string path, from, to, reader;
    SchemeChoice choice;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("followup", "Cohort follow-up between two timepoints: paired Wilcoxon on RAI-CROMRIS and lesion count, PedCNO");
  sub->add_option("PATH", o->path, "Folder of exam documents or cohort folder")->required();
  sub->add_option("--from", o->from, "Earlier timepoint label (default: each patient's first exam)");
  sub->add_option("--to", o->to, "Later timepoint label (default: each patient's second exam)");
  sub->add_option("--reader", o->reader, "Use this reader's readings (default: consensus, else the first reader)");
  add_scheme_options(sub, o->choice);
  sub->add_flag("--json", o->json, "Print the stable JSON (docs/followup.md)");
  sub->callback([o, &action] {
    action = [o] {
      if (o->from.empty() != o->to.empty()) throw InputError("--from/--to", "give both timepoints or neither");
      Domain d = load_domain(o->choice);
      auto exams = load_readings(o->path, d.atlas, d.scheme);
      auto c = followup::cohort_followup(exams, d.atlas, d.scheme, o->from, o->to, o->reader);
      if (o->json) {
        print_json(cohort_followup_to_json(c));
        return 0;
      }
      std::cout << fmt::format("follow-up {} -> {}: {} patient(s) paired, {} without a pair\n",
                               o->from.empty() ? "first exam" : o->from, o->to.empty() ? "second exam" : o->to,
                               c.pairs.size(), c.patients_without_pair.size());
      for (const auto& p : c.comparisons) {
        std::cout << fmt::format("  {:<13} n={} median {} -> {} (change {})", p.measure, p.from.size(),
                                 p.median_from ? fmt::format("{:g}", *p.median_from) : "NA",
                                 p.median_to ? fmt::format("{:g}", *p.median_to) : "NA",
                                 p.median_change ? fmt::format("{:g}", *p.median_change) : "NA");
        if (p.test)
          std::cout << fmt::format("; Wilcoxon signed-rank V = {:g}, p = {:.4g} ({})\n", p.test->statistic.value_or(0),
                                   p.test->p_value, p.test->exact ? "exact" : "normal approximation");
        else std::cout << "; " << p.note << "\n";
      }
      std::cout << fmt::format("  PedCNO: {} met, {} not met, {} undetermined\n", c.pedcno_met, c.pedcno_not_met,
                               c.pedcno_undetermined);
      return 0;
    };
  });
}

}  // namespace crmo::cli
