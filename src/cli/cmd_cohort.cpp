// crmo cohort PATH: the seed study's analysis on any cohort (spec/analysis.md 1-5), as a
// terminal summary, --json, or a report folder (--out DIR: HTML, CSV, SVG, PNG; --pdf).
#include <algorithm>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "core/analysis/cohort.hpp"
#include "formats/readings_source.hpp"
#include "report/cohort_json.hpp"
#include "report/cohort_report.hpp"

namespace crmo::cli {

namespace {

std::string num(const std::optional<double>& v, const char* f = "{:.3g}") {
  return v ? fmt::format(fmt::runtime(f), *v) : std::string("NA");
}

std::string pval(const std::optional<double>& p) {
  if (!p) return "NA";
  if (*p < 0.0001) return fmt::format("{:.1e}", *p);
  return fmt::format("{:.4f}", *p);
}

void print_summary(const analysis::Analysis& a, const std::vector<report::CohortSection>& sections) {
  const auto& d = a.description;
  std::cout << fmt::format("crmo cohort: {} ({}), scheme {} {}, parameters {}\n", a.selection_text,
                           fmt::format("{} of {} exams", d.exams, d.exams_in_input), a.scheme, a.scheme_version,
                           a.parameter_scheme);
  std::cout << "\n1. Description\n";
  std::cout << fmt::format("  patients {}, exams {}, girls {} ({:.0f} %), boys {}, sex unknown {}\n", d.patients,
                           d.exams, d.female, d.patients ? 100.0 * d.female / d.patients : 0.0, d.male, d.sex_unknown);
  if (d.age)
    std::cout << fmt::format("  age at exam: median {:.1f} (IQR {:.1f}-{:.1f}, range {:.1f}-{:.1f}) years, n {}\n",
                             d.age->median, d.age->q1, d.age->q3, d.age->min, d.age->max, d.age->n);
  if (d.lesions_per_patient)
    std::cout << fmt::format("  lesions per patient: median {:g} (range {:g}-{:g}), mean {:.1f}; {} lesions, {} involved sites\n",
                             d.lesions_per_patient->median, d.lesions_per_patient->min, d.lesions_per_patient->max,
                             d.lesions_per_patient->mean, d.lesions, d.sites_involved);
  std::cout << fmt::format("  unifocal {} ({:.0f} %), exams without lesions {}\n", d.unifocal,
                           d.exams ? 100.0 * d.unifocal / d.exams : 0.0, d.without_lesions);

  const auto& dist = a.distribution;
  std::cout << "\n2. Where disease sits (lesions = involved sites; patients with >= 1 there)\n";
  std::cout << fmt::format("  {:<16} {:>8} {:>7} {:>9} {:>7}\n", "region", "lesions", "%", "patients", "%");
  for (const auto& r : dist.regions)
    std::cout << fmt::format("  {:<16} {:>8} {:>6.1f}% {:>9} {:>6.1f}%\n", r.key, r.lesions, r.lesions_pct, r.patients,
                             r.patients_pct);
  auto bones = dist.bones;
  std::stable_sort(bones.begin(), bones.end(), [](const auto& x, const auto& y) { return x.patients > y.patients; });
  std::cout << "  bones by % of patients:";
  int shown = 0;
  for (const auto& b : bones) {
    if (b.patients == 0 || shown++ == 8) break;
    std::cout << fmt::format(" {} {:.0f} %;", b.key, b.patients_pct);
  }
  std::cout << "\n";
  std::cout << fmt::format("  pelvis + lower limbs: {:.1f} % of lesions; symmetric involvement: {} patients ({:.1f} %)\n",
                           dist.pelvis_lower_limb_pct, dist.symmetric_patients, dist.symmetric_pct);
  std::cout << fmt::format("  long-bone lesions {}:", dist.long_bone_lesions);
  for (const auto& s : dist.segments) std::cout << fmt::format(" {} {:.0f} %;", s.key, s.pct);
  std::cout << " physis:";
  for (const auto& s : dist.physis) std::cout << fmt::format(" {} {:.0f} %;", s.key, s.pct);
  std::cout << "\n";

  std::cout << "\n3. Imaging against clinical outcomes (Spearman; Holm within each outcome)\n";
  for (const auto& outcome : a.outcome_names) {
    std::cout << fmt::format("  {:<20} {:>4} {:>7} {:>17} {:>9} {:>9}   vs {}\n", "parameter", "n", "rs", "95 % CI",
                             "p", "p Holm", outcome);
    for (const auto& c : a.correlations) {
      if (c.outcome != outcome) continue;
      std::string ci = c.ci_lower ? fmt::format("[{:.2f}, {:.2f}]", *c.ci_lower, *c.ci_upper) : "NA";
      std::cout << fmt::format("  {:<20} {:>4} {:>7} {:>17} {:>9} {:>9}{}\n", c.parameter, c.n, num(c.rs, "{:.3f}"), ci,
                               pval(c.p_value), pval(c.p_holm),
                               c.p_holm && *c.p_holm < 0.05 ? " *" : (c.note.empty() ? "" : "   (" + c.note.substr(0, 40) + ")"));
    }
  }
  const auto& m = a.mri_vs_clinic;
  std::cout << "\n4. MRI against the clinic\n";
  std::cout << fmt::format(
      "  clinically silent lesions: {} of {} involved sites with known symptom status ({:.1f} %); {} patients have one\n",
      m.silent, m.lesions_known, m.silent_pct, m.patients_with_silent);
  std::cout << fmt::format("  clinically symptomatic sites {}, of which without an MRI lesion {}\n", m.symptomatic_sites,
                           m.symptomatic_without_lesion);
  std::cout << "\n5. Group comparisons (Mann-Whitney)\n";
  for (const auto& g : a.groups)
    std::cout << fmt::format("  {:<18} {:<18} {} n={} median {} vs {} n={} median {}: W {} p {}{}\n", g.outcome,
                             g.grouping, g.group_yes, g.n_yes, num(g.median_yes, "{:g}"), g.group_no, g.n_no,
                             num(g.median_no, "{:g}"), num(g.w, "{:g}"), pval(g.p_value),
                             g.note.empty() ? "" : " (" + g.note + ")");
  for (const auto& p : a.over_time)
    std::cout << fmt::format("  over time, {} first vs second exam: n {}, medians {} -> {}, V {} p {}\n", p.parameter,
                             p.n, num(p.median_first, "{:g}"), num(p.median_second, "{:g}"), num(p.v, "{:g}"),
                             pval(p.p_value));
  for (const auto& sec : sections) {
    std::cout << "\n" << sec.title << "\n";
    for (const auto& line : sec.text) std::cout << "  " << line << "\n";
  }
  std::cout << "\nnotes:\n";
  for (const auto& n : a.notes) std::cout << "  - " << n << "\n";
}

}  // namespace

void register_cohort(CLI::App& app, Action& action) {
  struct Opts {
    std::string path, outcome = "clinical_severity", timepoint, out, reader;
    SchemeChoice choice;
    bool all_exams = false, json = false, pdf = false, r_compatible = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("cohort", "The cohort analysis of the seed study: distribution, imaging vs clinic, groups; reports");
  sub->add_option("PATH", o->path, "Cohort folder (exams.csv + lesions.csv; several readers: docs/readers.md) or a folder of exam documents")->required();
  sub->add_option("--outcome", o->outcome, "Main clinical outcome (clinical_severity and pga are always analysed)")
      ->check(CLI::IsMember(analysis::outcome_names()));
  add_scheme_options(sub, o->choice);
  auto* tp = sub->add_option("--timepoint", o->timepoint, "Analyse the exams at this timepoint (first per patient)");
  auto* all = sub->add_flag("--all-exams", o->all_exams, "Analyse every exam (default: each patient's first exam by date)");
  tp->excludes(all);
  sub->add_option("--reader", o->reader,
                  "Use this reader's readings (default: the consensus reading, else the reader sorting first)");
  sub->add_flag("--json", o->json, "Print the stable JSON of docs/analysis.md");
  sub->add_option("--out", o->out, "Write the report folder: report.html, tables/*.csv, skeleton.svg/.png, cohort.json");
  sub->add_flag("--pdf", o->pdf, "With --out: also report.pdf");
  sub->add_flag("--r-compatible", o->r_compatible, "Spearman p-values exactly as R's cor.test computes them");
  sub->callback([o, &action] {
    action = [o] {
      if (o->pdf && o->out.empty()) throw InputError("--pdf", "needs --out DIR (the PDF is written into the report folder)");
      Domain d = load_domain(o->choice);
      auto exams = load_readings(o->path, d.atlas, d.scheme);
      analysis::Options opt;
      opt.outcome = o->outcome;
      opt.r_compatible = o->r_compatible;
      opt.reader = o->reader;
      if (o->all_exams) opt.selection = analysis::ExamSelection::AllExams;
      if (!o->timepoint.empty()) {
        opt.selection = analysis::ExamSelection::Timepoint;
        opt.timepoint = o->timepoint;
      }
      analysis::Analysis a;
      try {
        a = analysis::analyse(exams, d.atlas, d.scheme, d.parameter_scheme, opt);
      } catch (const std::invalid_argument& e) {
        throw InputError(o->path, e.what());
      }
      auto sections = report::cohort_sections(report::SectionInput{exams, a, d.atlas, d.scheme, d.parameter_scheme});
      if (!o->out.empty()) {
        report::ReportOptions ro;
        ro.pdf = o->pdf;
        ro.source = o->path;
        report::write_cohort_report(a, sections, d.atlas, o->out, ro);
      }
      if (o->json) print_json(report::cohort_to_json(a, sections));
      else print_summary(a, sections);
      if (!o->out.empty())
        std::cerr << fmt::format("crmo: report written; open {}/report.html{}\n", o->out,
                                 o->pdf ? fmt::format(" (and {}/report.pdf)", o->out) : "");
      return 0;
    };
  });
}

}  // namespace crmo::cli
