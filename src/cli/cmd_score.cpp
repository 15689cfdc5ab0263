// crmo score PATH: unit scores, the RAI-CROMRIS total and the seed-2022 parameters.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "formats/readings_source.hpp"
#include "cli/context.hpp"
#include "core/scoring.hpp"
#include "formats/exam_source.hpp"
#include "formats/score_json.hpp"

namespace crmo::cli {

namespace {

void print_table(const Domain& d, const std::vector<ExamScore>& scores) {
  std::cout << fmt::format("scheme {} {}; parameters {} {}\n", d.scheme.name, d.scheme.version,
                           d.parameter_scheme.name, d.parameter_scheme.version);
  for (const auto& note : d.scheme.notes) std::cout << "note: " << note << "\n";
  for (const ExamScore& s : scores) {
    std::cout << fmt::format("\nexam {} (patient {}): RAI-CROMRIS total {}\n", s.exam_id, s.patient_id, s.total);
    if (s.sites.empty()) std::cout << "  no involved sites\n";
    for (const auto& site : s.sites) std::cout << fmt::format("  {:<36} {:>2}\n", site.site, site.score);
    std::string line = "  parameters:";
    for (const auto& p : s.parameters) {
      std::string item = fmt::format(" {}={}", p.name, p.value ? fmt::format("{:g}", *p.value) : "NA");
      if (line.size() + item.size() > 100) {
        std::cout << line << "\n";
        line = "             ";
      }
      line += item;
    }
    std::cout << line << "\n";
    if (!s.index.empty()) {
      std::cout << fmt::format("  {} index: {}{}\n", d.scheme.name,
                               s.index_total ? std::to_string(*s.index_total) : "undetermined (a measurement is missing)",
                               d.scheme.index_bins_published ? "" : " (placeholder bins, not the published cut-points)");
      for (const auto& in : s.index)
        std::cout << fmt::format("    {:<20} {:>8} -> {} point(s)\n", in.name,
                                 in.value ? fmt::format("{:g}", *in.value) : "NA", in.points);
    }
  }
}

}  // namespace

void register_score(CLI::App& app, Action& action) {
  struct Opts {
    std::string path;
    SchemeChoice choice;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("score", "Score exams: unit scores, RAI-CROMRIS total and seed-2022 parameters");
  sub->add_option("PATH", o->path, "Exam JSON, folder of exam JSONs, or cohort folder")->required();
  add_scheme_options(sub, o->choice);
  sub->add_flag("--json", o->json, "Print the stable JSON of docs/json-output.md");
  sub->callback([o, &action] {
    action = [o] {
      Domain d = load_domain(o->choice);
      auto exams = load_readings(o->path, d.atlas, d.scheme);  // every reader's reading
      std::vector<ExamScore> scores;
      for (const auto& e : exams) {
        ExamScore s = score_exam(e, d.atlas, d.scheme, d.parameter_scheme.parameters);
        scores.push_back(std::move(s));
      }
      if (o->json) print_json(scores_to_json(d.scheme, d.parameter_scheme, scores));
      else print_table(d, scores);
      return 0;
    };
  });
}

}  // namespace crmo::cli
