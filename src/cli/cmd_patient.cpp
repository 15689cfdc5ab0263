// crmo patient ID PATH: one patient's exams over time and the change between them.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "core/followup/followup.hpp"
#include "formats/readings_source.hpp"
#include "formats/followup_json.hpp"

namespace crmo::cli {

void register_patient(CLI::App& app, Action& action) {
  struct Opts {
    std::string id, path, reader;
    SchemeChoice choice;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("patient", "One patient's timeline: RAI-CROMRIS, lesions and PGA per exam, changes between exams");
  sub->add_option("ID", o->id, "Patient id")->required();
  sub->add_option("PATH", o->path, "Cohort folder, folder of exam documents, or one exam document");
  sub->add_option("--in", o->path, "Same as PATH");
  sub->add_option("--reader", o->reader, "Use this reader's readings (default: consensus, else the first reader)");
  add_scheme_options(sub, o->choice);
  sub->add_flag("--json", o->json, "Print the stable JSON (docs/followup.md)");
  sub->callback([o, &action] {
    action = [o] {
      if (o->path.empty()) throw InputError("PATH", "give the cohort folder or folder of exams: crmo patient ID PATH");
      Domain d = load_domain(o->choice);
      auto exams = load_readings(o->path, d.atlas, d.scheme);
      followup::Timeline t;
      try {
        t = followup::patient_timeline(exams, o->id, d.atlas, d.scheme, o->reader);
      } catch (const std::invalid_argument& e) {
        throw InputError(o->path, e.what());
      }
      if (o->json) {
        print_json(timeline_to_json(t));
        return 0;
      }
      std::cout << fmt::format("patient {}: {} exam(s)\n", t.patient_id, t.points.size());
      std::cout << fmt::format("  {:<12} {:<10} {:<10} {:<8} {:>5} {:>7} {:>5} {:>9}\n", "exam", "date", "timepoint",
                               "reader", "RAI", "lesions", "PGA", "volume");
      auto opt = [](const std::optional<double>& v) { return v ? fmt::format("{:g}", *v) : std::string("NA"); };
      for (const auto& p : t.points)
        std::cout << fmt::format("  {:<12} {:<10} {:<10} {:<8} {:>5} {:>7} {:>5} {:>9}\n", p.exam_id, p.date.iso(),
                                 p.timepoint, p.reader, p.rai_total, p.lesion_count, opt(p.pga), opt(p.volume_ml));
      for (std::size_t i = 0; i < t.steps.size(); ++i) {
        const auto& c = t.steps[i];
        std::cout << fmt::format("  {} -> {}: RAI-CROMRIS {:+d}, lesions {:+d}, {} new, {} resolved, {} improved, "
                                 "{} worsened, {} stable; PedCNO {}{}\n",
                                 c.from, c.to, c.rai_change, c.lesion_count_change, c.new_sites, c.resolved_sites,
                                 c.improved_sites, c.worsened_sites, c.stable_sites, followup::to_string(c.pedcno.status),
                                 c.pedcno.level ? fmt::format(" (PedCNO{})", *c.pedcno.level) : "");
      }
      if (t.steps.size() > 1) {
        const auto& c = t.from_first.back();
        std::cout << fmt::format("  first -> last ({} -> {}): RAI-CROMRIS {:+d}, lesions {:+d}; PedCNO {}{}\n", c.from, c.to,
                                 c.rai_change, c.lesion_count_change, followup::to_string(c.pedcno.status),
                                 c.pedcno.level ? fmt::format(" (PedCNO{})", *c.pedcno.level) : "");
      }
      std::cout << "  (crmo compare --from ID --to ID for the per-site table)\n";
      return 0;
    };
  });
}

}  // namespace crmo::cli
