// crmo fhir PATH OUT.json: a FHIR R4 Bundle of the scored exams (docs/exchange.md).
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "core/scoring.hpp"
#include "exchange/fhir.hpp"
#include "exchange/pseudonym.hpp"
#include "formats/exam_source.hpp"
#include "formats/file_io.hpp"

namespace crmo::cli {

void register_fhir(CLI::App& app, Action& action) {
  struct Opts {
    std::string in, out, key, codesystems;
    SchemeChoice choice;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("fhir",
      "Write a FHIR R4 Bundle: per exam a Patient, an ImagingStudy, a DiagnosticReport and Observations "
      "(each graded site, the RAI-CROMRIS total, the seed-2022 parameters)");
  sub->add_option("PATH", o->in, "Exam JSON, folder of exam JSONs, or cohort folder")->required();
  sub->add_option("OUT", o->out, "Bundle JSON to write")->required();
  sub->add_option("--deid", o->key, "De-identify with this key file (pseudonyms, shifted dates)")->check(CLI::ExistingFile);
  sub->add_option("--codesystems", o->codesystems, "Also write crmo's two CodeSystem resources into this new folder");
  add_scheme_options(sub, o->choice);
  sub->callback([o, &action] {
    action = [o] {
      Domain d = load_domain(o->choice);
      auto exams = load_exams(o->in, d.atlas, d.scheme);
      if (!o->key.empty()) exams = exchange::deidentify_exams(exams, exchange::Pseudonymizer(exchange::load_key_file(o->key)));
      std::vector<ExamScore> scores;
      for (const auto& e : exams) scores.push_back(score_exam(e, d.atlas, d.scheme, d.parameter_scheme.parameters));
      exchange::FhirInput in;
      in.atlas = &d.atlas;
      in.scheme = &d.scheme;
      in.parameter_scheme = &d.parameter_scheme;
      auto bundle = exchange::fhir_bundle(exams, scores, in);
      write_file_atomically(o->out, bundle.dump(2) + "\n");
      std::cout << "wrote " << o->out << ": " << bundle["entry"].size() << " resource(s) for " << exams.size()
                << " exam(s)" << (o->key.empty() ? "" : " (de-identified)") << "\n";
      if (!o->codesystems.empty()) {
        auto crmo_cs = exchange::crmo_code_system(d.scheme, d.parameter_scheme).dump(2) + "\n";
        auto atlas_cs = exchange::atlas_code_system(d.atlas).dump(2) + "\n";
        write_folder_atomically(o->codesystems, [&](const std::filesystem::path& tmp) {
          write_file_atomically(tmp / "CodeSystem-crmo.json", crmo_cs);
          write_file_atomically(tmp / "CodeSystem-crmo-atlas-site.json", atlas_cs);
        });
        std::cout << "wrote " << o->codesystems << "/CodeSystem-crmo.json and CodeSystem-crmo-atlas-site.json\n";
      }
      return 0;
    };
  });
}

}  // namespace crmo::cli
