// The follow-up section of the cohort report (issue 7, docs/followup.md): each patient's
// first exam against their second (one reading per exam: the analysis's reader, else the
// consensus), the change table summed over patients, PedCNO responses, the paired
// Wilcoxon signed-rank tests, and a plot of RAI-CROMRIS at both exams.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/followup/followup.hpp"
#include "formats/followup_json.hpp"
#include "report/charts.hpp"
#include "report/cohort_section.hpp"

namespace crmo::report {

namespace {

std::string esc(const std::string& s) { return xml_escape(s); }
std::string num(const std::optional<double>& v) { return v ? fmt::format("{:g}", *v) : "NA"; }
std::string pval(double p) { return p < 0.0001 ? fmt::format("{:.1e}", p) : fmt::format("{:.4f}", p); }

constexpr double kW = 300, kH = 260, kLeft = 46, kTop = 30, kBottom = 40;

// Paired values at two exams, one line per patient.
void draw_paired(Canvas& c, const followup::PairedComparison& p, const std::string& title) {
  const Paint axis{"none", "#444444", 0.8, 1};
  c.text(0, 16, title, Font{13, true});
  double hi = 1;
  for (double v : p.from) hi = std::max(hi, v);
  for (double v : p.to) hi = std::max(hi, v);
  const auto yt = axis_ticks(0, hi, 5);
  const double x0 = kLeft, x1 = kW - 20, y0 = kH - kBottom, y1 = kTop;
  const double xa = x0 + (x1 - x0) * 0.2, xb = x0 + (x1 - x0) * 0.8;
  auto Y = [&](double v) { return y0 - v / yt.back() * (y0 - y1); };
  c.line(x0, y0, x1, y0, axis);
  c.line(x0, y0, x0, y1, axis);
  for (double t : yt) {
    c.line(x0 - 4, Y(t), x0, Y(t), axis);
    c.text(x0 - 6, Y(t) + 3, fmt::format("{:g}", t), Font{9.5, false, Anchor::End});
  }
  c.text(xa, y0 + 15, "first exam", Font{10, false, Anchor::Middle});
  c.text(xb, y0 + 15, "second exam", Font{10, false, Anchor::Middle});
  for (std::size_t i = 0; i < p.from.size(); ++i) {
    const std::string colour = p.to[i] < p.from[i] ? "#1b6ca8" : p.to[i] > p.from[i] ? "#d95f0e" : "#888888";
    c.line(xa, Y(p.from[i]), xb, Y(p.to[i]), Paint{"none", colour, 1, 0.6});
  }
  if (p.median_from && p.median_to) {
    c.line(xa, Y(*p.median_from), xb, Y(*p.median_to), Paint{"none", "#111111", 2.5, 1});
    c.text(xb + 4, Y(*p.median_to) + 3, "median", Font{9.5});
  }
  c.text((x0 + x1) / 2, kH - 6, "blue: lower, orange: higher, grey: same", Font{9, false, Anchor::Middle, "#555555"});
}

}  // namespace

std::optional<CohortSection> section_followup(const SectionInput& input) {
  const std::string reader = input.analysis.options.reader;
  auto f = followup::cohort_followup(input.exams, input.atlas, input.scheme, "", "", reader);
  if (f.pairs.empty()) return std::nullopt;
  CohortSection s;
  s.order = 5.5;
  s.id = "followup";
  s.title = "Follow-up";
  std::string& h = s.html;
  int n_new = 0, n_resolved = 0, n_improved = 0, n_worsened = 0, n_stable = 0;
  for (const auto& p : f.pairs) {
    n_new += p.new_sites, n_resolved += p.resolved_sites, n_improved += p.improved_sites;
    n_worsened += p.worsened_sites, n_stable += p.stable_sites;
  }
  h += fmt::format("<p>{} patient(s) with a follow-up exam: each patient's first exam against their second (by date){}. "
                   "{} patient(s) have a single exam. Unit scores and totals: scheme {}.</p>\n",
                   f.pairs.size(), reader.empty() ? "" : ", reader " + esc(reader), f.patients_without_pair.size(),
                   esc(input.scheme.name));
  h += "<h3>Paired Wilcoxon signed-rank test (as wilcox.test(first, second, paired = TRUE))</h3>\n<table><tr><th>measure</th>"
       "<th>n</th><th>median first</th><th>median second</th><th>median change</th><th>V</th><th>p</th><th>method</th></tr>\n";
  for (const auto& p : f.comparisons) {
    const std::string label = p.measure == "rai_total" ? "RAI-CROMRIS" : "lesion count";
    if (p.test)
      h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:g}</td><td>{}</td><td>{}</td></tr>\n",
                       label, p.from.size(), num(p.median_from), num(p.median_to), num(p.median_change),
                       p.test->statistic.value_or(NAN), pval(p.test->p_value),
                       p.test->exact ? "exact" : "normal approximation");
    else
      h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td colspan=\"3\">{}</td></tr>\n", label,
                       p.from.size(), num(p.median_from), num(p.median_to), num(p.median_change), esc(p.note));
    s.figures.push_back({{kW, kH}, [p, label](Canvas& c) { draw_paired(c, p, label + ", first and second exam"); },
                         label + " at each patient's first and second exam"});
  }
  h += "</table>\n";
  h += fmt::format("<h3>Change per site (summed over patients)</h3>\n<table><tr><th>new</th><th>resolved</th>"
                   "<th>improved</th><th>worsened</th><th>stable</th></tr><tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                   "<td>{}</td></tr></table>\n",
                   n_new, n_resolved, n_improved, n_worsened, n_stable);
  h += fmt::format("<p>PedCNO response (core set esr, MRI lesion count, PGA, patient global, CHAQ; reconstructed): "
                   "{} met, {} not met, {} undetermined (a core value missing that could change the answer).</p>\n",
                   f.pedcno_met, f.pedcno_not_met, f.pedcno_undetermined);
  h += "<details><summary>Per patient</summary><table><tr><th>patient</th><th>from</th><th>to</th><th>days</th>"
       "<th>RAI-CROMRIS</th><th>lesions</th><th>new</th><th>resolved</th><th>improved</th><th>worsened</th>"
       "<th>stable</th><th>volume change (mL)</th><th>PedCNO</th></tr>\n";
  std::string csv = "patient_id,from,to,days,rai_from,rai_to,rai_change,lesions_from,lesions_to,lesion_count_change,"
                    "new,resolved,improved,worsened,stable,volume_change_ml,pedcno_status,pedcno_level,pedcno_missing\n";
  for (const auto& p : f.pairs) {
    std::string missing;
    for (const auto& m : p.pedcno.missing) missing += (missing.empty() ? "" : ";") + m;
    const std::string ped = std::string(followup::to_string(p.pedcno.status)) +
                            (p.pedcno.level ? fmt::format(" (PedCNO{})", *p.pedcno.level) : "") +
                            (missing.empty() ? "" : ", missing " + missing);
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} &rarr; {}</td><td>{} &rarr; {}</td><td>{}</td>"
                     "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                     esc(p.patient_id), esc(p.from), esc(p.to), p.days, p.rai_from, p.rai_to, p.lesion_count_from,
                     p.lesion_count_to, p.new_sites, p.resolved_sites, p.improved_sites, p.worsened_sites, p.stable_sites,
                     num(p.volume_change_ml), esc(ped));
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", p.patient_id, p.from, p.to, p.days,
                       p.rai_from, p.rai_to, p.rai_change, p.lesion_count_from, p.lesion_count_to, p.lesion_count_change,
                       p.new_sites, p.resolved_sites, p.improved_sites, p.worsened_sites, p.stable_sites,
                       p.volume_change_ml ? fmt::format("{:g}", *p.volume_change_ml) : "",
                       followup::to_string(p.pedcno.status), p.pedcno.level ? std::to_string(*p.pedcno.level) : "", missing);
  }
  h += "</table></details>\n";
  s.csv["followup_pairs.csv"] = csv;

  s.text.push_back(fmt::format("{} patient(s) paired (first vs second exam), {} with one exam", f.pairs.size(),
                               f.patients_without_pair.size()));
  for (const auto& p : f.comparisons)
    s.text.push_back(fmt::format("{:<13} n {} median {} -> {}: {}", p.measure, p.from.size(), num(p.median_from),
                                 num(p.median_to),
                                 p.test ? fmt::format("V {:g}, p {}", p.test->statistic.value_or(NAN), pval(p.test->p_value))
                                        : p.note));
  s.text.push_back(fmt::format("sites: {} new, {} resolved, {} improved, {} worsened, {} stable", n_new, n_resolved,
                               n_improved, n_worsened, n_stable));
  s.text.push_back(fmt::format("PedCNO: {} met, {} not met, {} undetermined", f.pedcno_met, f.pedcno_not_met,
                               f.pedcno_undetermined));
  s.pdf_text = {s.text.front(), s.text[s.text.size() - 2], s.text.back()};
  TextTable measures;
  measures.title = "First against second exam (Wilcoxon signed rank, paired)";
  measures.header = {"measure", "n", "median first", "median second", "V", "p"};
  for (const auto& p : f.comparisons) {
    measures.rows.push_back({p.measure, std::to_string(p.from.size()), num(p.median_from), num(p.median_to),
                             p.test ? fmt::format("{:g}", p.test->statistic.value_or(NAN)) : "NA",
                             p.test ? pval(p.test->p_value) : "NA"});
    if (!p.test) s.pdf_text.push_back(p.measure + ": " + p.note);
  }
  s.tables.push_back(measures);
  s.json = cohort_followup_to_json(f);
  return s;
}

}  // namespace crmo::report
