// crmo clinical EXAM: the clinical instruments of clinical.md for one exam, each naming
// the inputs it misses (docs/instruments.md).
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "cli/exam_pick.hpp"
#include "core/instruments/instrument.hpp"
#include "formats/readings_source.hpp"
#include "formats/file_io.hpp"
#include "formats/instrument_json.hpp"

namespace crmo::cli {

namespace {

using instruments::InputDef;
using instruments::InputType;
using instruments::Value;

const InputDef* find_def(const std::vector<instruments::Instrument>& list, const std::string& name) {
  for (const auto& ins : list)
    for (const auto& d : ins.inputs)
      if (d.name == name) return &d;
  for (const auto& d : instruments::builtin_inputs())
    if (d.name == name) return &d;
  return nullptr;
}

Value parse_set(const std::vector<instruments::Instrument>& list, const std::string& arg) {
  auto eq = arg.find('=');
  const std::string place = "--set " + arg;
  if (eq == std::string::npos || eq == 0) throw InputError(place, "expected NAME=VALUE");
  std::string name = arg.substr(0, eq), text = arg.substr(eq + 1);
  const InputDef* d = find_def(list, name);
  if (!d) throw InputError(place, "no instrument input named '" + name + "'");
  if (d->source == "mri") throw InputError(place, "'" + name + "' comes from the MRI record and cannot be set");
  std::string low = text;
  std::transform(low.begin(), low.end(), low.begin(), ::tolower);
  switch (d->type) {
    case InputType::Boolean:
      if (low == "true" || low == "yes" || low == "1") return true;
      if (low == "false" || low == "no" || low == "0") return false;
      throw InputError(place, "expected true/false, yes/no or 1/0");
    case InputType::Number: {
      char* end = nullptr;
      double x = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size()) throw InputError(place, "expected a number");
      if (x < d->min || (d->max && x > *d->max))
        throw InputError(place, fmt::format("out of range {:g} to {}", d->min, d->max ? fmt::format("{:g}", *d->max) : "any"));
      return x;
    }
    case InputType::Text:
      if (!d->values.empty() && std::find(d->values.begin(), d->values.end(), text) == d->values.end())
        throw InputError(place, "not one of the allowed values");
      return text;
    case InputType::TextSet: break;
  }
  throw InputError(place, "cannot be set");
}

}  // namespace

void register_clinical(CLI::App& app, Action& action) {
  struct Opts {
    std::string path, exam, reader, baseline, only;
    std::vector<std::string> instrument_files, points_files, sets;
    SchemeChoice choice;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("clinical", "Clinical instruments for one exam (clinical severity, CDAS, PedCNO, Jansson, Bristol, EULAR/ACR 2025)");
  sub->add_option("EXAM", o->path, "Exam document, or a folder/cohort with --exam ID")->required();
  sub->add_option("--exam", o->exam, "Exam id within the input");
  sub->add_option("--reader", o->reader, "Reader whose reading to use (default: consensus, else the only reading)");
  sub->add_option("--baseline", o->baseline, "Earlier exam for PedCNO: an exam document, or an exam id within the input");
  sub->add_option("--instrument", o->instrument_files, "Instrument file to load (replaces a built-in of the same name)")
      ->check(CLI::ExistingFile);
  sub->add_option("--points", o->points_files, "Points table (crmo.points/1) for an instrument that needs one")
      ->check(CLI::ExistingFile);
  sub->add_option("--set", o->sets, "NAME=VALUE: an input crmo's records do not hold (e.g. onset_age_years=9)");
  sub->add_option("--only", o->only, "Evaluate only this instrument");
  add_scheme_options(sub, o->choice);
  sub->add_flag("--json", o->json, "Print the stable JSON (docs/instruments.md)");
  sub->callback([o, &action] {
    action = [o] {
      Domain d = load_domain(o->choice);
      auto list = builtin_instruments();
      for (const auto& f : o->instrument_files) {
        auto ins = parse_instrument_json(read_text_file(f), f);
        auto it = std::find_if(list.begin(), list.end(), [&](const auto& x) { return x.name == ins.name; });
        if (it != list.end()) *it = ins;
        else list.push_back(ins);
      }
      for (const auto& f : o->points_files) load_points_table(list, f);
      if (!o->only.empty()) {
        std::erase_if(list, [&](const auto& x) { return x.name != o->only; });
        if (list.empty()) throw InputError("--only " + o->only, "no such instrument");
      }
      auto exams = load_readings(o->path, d.atlas, d.scheme);
      const Exam& exam = o->exam.empty() ? only_exam(exams, o->path) : pick_exam(exams, o->exam, o->reader, o->path);
      auto inputs = instruments::exam_inputs(exam, d.atlas, d.scheme);
      for (const auto& s : o->sets) {
        auto eq = s.find('=');
        inputs[s.substr(0, eq)] = parse_set(list, s);
      }
      std::optional<std::map<std::string, Value>> base;
      std::vector<Exam> base_store;
      if (!o->baseline.empty()) {
        std::error_code ec;
        const Exam* b = nullptr;
        if (std::filesystem::exists(o->baseline, ec)) {
          base_store = load_readings(o->baseline, d.atlas, d.scheme);
          b = &only_exam(base_store, o->baseline);
        } else {
          b = &pick_exam(exams, o->baseline, o->reader, o->path);
        }
        if (b->patient.id != exam.patient.id)
          throw InputError("--baseline " + o->baseline, "exam of another patient (" + b->patient.id + ")");
        base = instruments::exam_inputs(*b, d.atlas, d.scheme);
      }
      std::vector<instruments::Result> results;
      for (const auto& ins : list) results.push_back(instruments::evaluate(ins, inputs, base ? &*base : nullptr));
      if (o->json) {
        nlohmann::ordered_json arr = nlohmann::ordered_json::array();
        for (const auto& r : results) arr.push_back(instrument_result_to_json(r));
        print_json({{"exam_id", exam.id}, {"patient_id", exam.patient.id}, {"instruments", arr}});
        return 0;
      }
      std::cout << fmt::format("exam {} (patient {})\n", exam.id, exam.patient.id);
      for (const auto& r : results) {
        std::string value = r.value ? fmt::format("{:g}", *r.value) : "";
        std::string bounds;
        if (!r.value && r.lower)
          bounds = fmt::format("between {:g} and {}", *r.lower, r.upper ? fmt::format("{:g}", *r.upper) : "unbounded");
        std::cout << fmt::format("  {:<18} {:<24} {}{}{}\n", r.name, r.status, value,
                                 r.outcome ? (value.empty() ? "" : ", ") + *r.outcome : "", bounds);
        std::cout << "      " << r.title << "\n";  // says what it is (crmo's own composite, ...)
        if (!r.missing.empty()) {
          std::string m;
          for (const auto& x : r.missing) m += (m.empty() ? "" : ", ") + x;
          std::cout << "      missing: " << m << "\n";
        }
        for (const auto& n : r.notes) std::cout << "      " << n << "\n";
      }
      std::cout << "  (instrument provenance: crmo clinical --json, docs/instruments.md)\n";
      return 0;
    };
  });
}

}  // namespace crmo::cli
