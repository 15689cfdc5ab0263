// crmo compare A B | crmo compare PATH --from ID --to ID: the change between two exams of
// one patient (spec/scoring.md, docs/followup.md).
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "cli/exam_pick.hpp"
#include "core/followup/followup.hpp"
#include "formats/readings_source.hpp"
#include "formats/followup_json.hpp"

namespace crmo::cli {

namespace {

std::string opt_num(const std::optional<double>& v) { return v ? fmt::format("{:g}", *v) : "NA"; }

void print_change(const followup::ExamChange& c) {
  std::cout << fmt::format("patient {}: {} ({}) -> {} ({}), {} days\n", c.patient_id, c.from, c.from_date.iso(), c.to,
                           c.to_date.iso(), c.days);
  std::cout << fmt::format("  RAI-CROMRIS  {} -> {} ({:+d})\n", c.rai_from, c.rai_to, c.rai_change);
  std::cout << fmt::format("  lesions      {} -> {} ({:+d})\n", c.lesion_count_from, c.lesion_count_to, c.lesion_count_change);
  std::cout << fmt::format("  sites        {} new, {} resolved, {} improved, {} worsened, {} stable\n", c.new_sites,
                           c.resolved_sites, c.improved_sites, c.worsened_sites, c.stable_sites);
  if (c.volume_change_ml)
    std::cout << fmt::format("  volume       {:g} -> {:g} mL ({:+g})\n", *c.volume_from_ml, *c.volume_to_ml, *c.volume_change_ml);
  else
    std::cout << "  volume       not measured on every involved site of both exams\n";
  for (const auto& s : c.sites) {
    std::cout << fmt::format("    {:<36} {:<9} {} -> {}", s.site, followup::to_string(s.change), s.from_score, s.to_score);
    if (s.volume_change_ml) std::cout << fmt::format("   volume {:+g} mL", *s.volume_change_ml);
    std::cout << "\n";
  }
  const auto& p = c.pedcno;
  std::cout << "  PedCNO: ";
  if (p.status == followup::ResponseStatus::Met) std::cout << "PedCNO" << *p.level << " met";
  else if (p.status == followup::ResponseStatus::NotMet) std::cout << "not met (not even PedCNO30)";
  else std::cout << "undetermined";
  if (!p.missing.empty()) {
    std::string m;
    for (const auto& x : p.missing) m += (m.empty() ? "" : ", ") + x;
    std::cout << (p.status == followup::ResponseStatus::Undetermined ? "; depends on the missing " : "; holds whatever the missing ")
              << m << (p.status == followup::ResponseStatus::Undetermined ? "" : " are");
  }
  std::cout << "\n";
  for (const auto& l : p.levels)
    if (l.status == followup::ResponseStatus::Undetermined && p.status == followup::ResponseStatus::Met)
      std::cout << fmt::format("    PedCNO{} depends on the missing values\n", l.level);
  for (const auto& v : p.values)
    std::cout << fmt::format("    {:<15} {:>6} -> {:<6} {}\n", v.name, opt_num(v.from), opt_num(v.to),
                             v.improvement_pct ? fmt::format("improved {:.1f} %", *v.improvement_pct) : "");
}

}  // namespace

void register_compare(CLI::App& app, Action& action) {
  struct Opts {
    std::vector<std::string> paths;
    std::string from, to, reader;
    SchemeChoice choice;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("compare", "Change between two exams of one patient: per site and per exam, PedCNO response");
  sub->add_option("EXAMS", o->paths, "Two exam documents (earlier first), or one input with --from/--to")
      ->required()
      ->expected(1, 2);
  sub->add_option("--from", o->from, "Earlier exam id (within the input)");
  sub->add_option("--to", o->to, "Later exam id (within the input)");
  sub->add_option("--reader", o->reader, "Use this reader's readings (default: consensus, else the only reading)");
  add_scheme_options(sub, o->choice);
  sub->add_flag("--json", o->json, "Print the stable JSON (docs/followup.md)");
  sub->callback([o, &action] {
    action = [o] {
      Domain d = load_domain(o->choice);
      std::vector<Exam> store_a, store_b;
      const Exam* a = nullptr;
      const Exam* b = nullptr;
      store_a = load_readings(o->paths[0], d.atlas, d.scheme);
      if (o->paths.size() == 2) {
        store_b = load_readings(o->paths[1], d.atlas, d.scheme);
        a = o->from.empty() ? &only_exam(store_a, o->paths[0]) : &pick_exam(store_a, o->from, o->reader, o->paths[0]);
        b = o->to.empty() ? &only_exam(store_b, o->paths[1]) : &pick_exam(store_b, o->to, o->reader, o->paths[1]);
      } else {
        if (o->from.empty() || o->to.empty())
          throw InputError(o->paths[0], "one input: name the two exams with --from ID --to ID");
        a = &pick_exam(store_a, o->from, o->reader, o->paths[0]);
        b = &pick_exam(store_a, o->to, o->reader, o->paths[0]);
      }
      if (a->patient.id != b->patient.id)
        throw InputError(b->id, "exam of patient " + b->patient.id + ", not of " + a->patient.id +
                                    ": compare takes two exams of one patient");
      if (b->date < a->date) {
        std::cerr << "crmo: note: " << b->id << " is earlier than " << a->id << "; compared in date order\n";
        std::swap(a, b);
      }
      auto change = followup::compare_exams(*a, *b, d.atlas, d.scheme);
      if (o->json) print_json(change_to_json(change));
      else print_change(change);
      return 0;
    };
  });
}

}  // namespace crmo::cli
