// crmo consensus A.json B.json --out C.json: the consensus of two readings of one exam,
// site by site; disagreements are listed for adjudication (docs/readers.md).
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "cli/exam_pick.hpp"
#include "core/readers/consensus.hpp"
#include "formats/exam_json.hpp"
#include "formats/file_io.hpp"
#include "formats/readers_json.hpp"
#include "formats/readings_source.hpp"

namespace crmo::cli {

namespace {

std::string grading_text(const std::optional<SiteGrading>& g) {
  if (!g) return "normal";
  std::string s;
  for (const auto& [k, v] : g->grades)
    if (v) s += fmt::format("{}{} {}", s.empty() ? "" : ", ", k, v);
  if (g->physis) s += ", physis " + *g->physis;
  if (g->lesion) s += ", lesion " + *g->lesion;
  return s;
}

std::filesystem::path worksheet_path(const std::filesystem::path& out) {
  auto p = out;
  return p.replace_extension(".adjudication.json");
}

}  // namespace

void register_consensus(CLI::App& app, Action& action) {
  struct Opts {
    std::vector<std::string> paths;
    std::string out, exam, readers, rule = "none", adjudication, worksheet;
    SchemeChoice choice;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("consensus", "Consensus of two readings of one exam, site by site; disagreements listed for adjudication");
  sub->add_option("READINGS", o->paths, "Two exam documents (reading A, reading B), or one input with --exam and --readers")
      ->required()
      ->expected(1, 2);
  sub->add_option("--exam", o->exam, "Exam id within one input holding several readings");
  sub->add_option("--readers", o->readers, "A,B: the two readers within one input");
  sub->add_option("--out", o->out, "Write the consensus reading here (crmo.exam/1)");
  sub->add_option("--rule", o->rule, "Resolve disagreements no adjudication decides: none (list them), a, b, higher, lower (unit score)")
      ->check(CLI::IsMember({"none", "a", "b", "higher", "lower"}));
  sub->add_option("--adjudication", o->adjudication, "Decisions (crmo.adjudication/1), e.g. the worksheet with each choice filled in")
      ->check(CLI::ExistingFile);
  sub->add_option("--worksheet", o->worksheet, "Where to write the adjudication worksheet (default: beside --out, .adjudication.json)");
  add_scheme_options(sub, o->choice);
  sub->add_flag("--json", o->json, "Print the consensus summary as JSON (docs/readers.md)");
  sub->callback([o, &action] {
    action = [o] {
      Domain d = load_domain(o->choice);
      std::vector<Exam> first = load_readings(o->paths[0], d.atlas, d.scheme), second;
      const Exam* a = nullptr;
      const Exam* b = nullptr;
      if (o->paths.size() == 2) {
        second = load_readings(o->paths[1], d.atlas, d.scheme);
        a = o->exam.empty() ? &only_exam(first, o->paths[0]) : &pick_exam(first, o->exam, "", o->paths[0]);
        b = o->exam.empty() ? &only_exam(second, o->paths[1]) : &pick_exam(second, o->exam, "", o->paths[1]);
      } else {
        auto comma = o->readers.find(',');
        if (o->exam.empty() || comma == std::string::npos)
          throw InputError(o->paths[0], "one input: name the exam with --exam ID and the two readers with --readers A,B");
        a = &pick_exam(first, o->exam, o->readers.substr(0, comma), o->paths[0]);
        b = &pick_exam(first, o->exam, o->readers.substr(comma + 1), o->paths[0]);
      }
      if (a->id != b->id)
        throw InputError(o->paths.back(), "reading of exam '" + b->id + "', not of '" + a->id + "': a consensus needs two readings of one exam");
      std::map<std::string, readers::Decision> decisions;
      if (!o->adjudication.empty())
        decisions = read_adjudication_json(read_text_file(o->adjudication), o->adjudication, a->id, d.atlas, d.scheme);
      static const std::map<std::string, readers::Rule> rules = {{"none", readers::Rule::None}, {"a", readers::Rule::A},
                                                                 {"b", readers::Rule::B}, {"higher", readers::Rule::Higher},
                                                                 {"lower", readers::Rule::Lower}};
      readers::ConsensusResult r;
      try {
        r = readers::build_consensus(*a, *b, d.atlas, d.scheme, decisions, rules.at(o->rule));
      } catch (const std::invalid_argument& e) {
        throw InputError(o->adjudication.empty() ? o->paths.back() : o->adjudication, e.what());
      }
      std::filesystem::path sheet = o->worksheet;
      if (sheet.empty() && !o->out.empty()) sheet = worksheet_path(o->out);
      if (!o->out.empty()) write_file_atomically(o->out, write_exam_json(r.consensus));
      if (!r.complete() && !sheet.empty())
        write_file_atomically(sheet, adjudication_worksheet(r, a->reader, b->reader).dump(2) + "\n");
      if (o->json) {
        auto j = consensus_to_json(r, a->reader, b->reader);
        j["out"] = o->out.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(o->out);
        j["worksheet"] = !r.complete() && !sheet.empty() ? nlohmann::ordered_json(sheet.string()) : nlohmann::ordered_json(nullptr);
        print_json(j);
        return 0;
      }
      std::cout << fmt::format("exam {}: readings by {} (a) and {} (b)\n", a->id, a->reader, b->reader);
      std::cout << fmt::format("  {} site(s) agreed, {} disagreement(s): {} resolved, {} pending adjudication\n",
                               r.sites_agreed, r.disagreements.size(), r.sites_resolved, r.sites_pending);
      for (const auto& dis : r.disagreements) {
        std::cout << fmt::format("  {:<30} {}\n", dis.site, dis.resolution.empty() ? "PENDING" : "resolved: " + dis.resolution);
        if (dis.site != "clinical")
          std::cout << fmt::format("      a: {} (score {})\n      b: {} (score {})\n", grading_text(dis.a), dis.a_score,
                                   grading_text(dis.b), dis.b_score);
        for (const auto& f : dis.fields) std::cout << fmt::format("      {}: {} vs {}\n", f.field, f.a, f.b);
      }
      if (!o->out.empty())
        std::cout << fmt::format("  wrote {} (reader \"{}\"{})\n", o->out, r.consensus.reader,
                                 r.complete() ? "" : ": agreed and resolved sites only");
      if (!r.complete()) {
        if (!sheet.empty())
          std::cout << fmt::format("  adjudicate: fill in each \"choice\" in {}, then run again with --adjudication {}\n",
                                   sheet.string(), sheet.string());
        else
          std::cout << "  adjudicate: give --out (or --worksheet FILE) to write the adjudication worksheet, or --rule\n";
      }
      return 0;
    };
  });
}

}  // namespace crmo::cli
