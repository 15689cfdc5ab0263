#include "report/cohort_report.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "formats/csv.hpp"
#include "formats/file_io.hpp"
#include "report/canvas.hpp"
#include "report/charts.hpp"
#include "report/cohort_parts.hpp"
#include "report/cohort_json.hpp"
#include "report/skeleton_draw.hpp"

namespace crmo::report {

namespace parts {  // shared with cohort_pdf.cpp (report/cohort_parts.hpp)

namespace fs = std::filesystem;
using analysis::Analysis;

std::string f1(double v) { return fmt::format("{:.1f}", v); }
std::string opt_num(const std::optional<double>& v, const char* f) {
  return v ? fmt::format(fmt::runtime(f), *v) : std::string("NA");
}
std::string pv(const std::optional<double>& p) {
  if (!p) return "NA";
  if (*p < 0.0001) return fmt::format("{:.2e}", *p);
  return fmt::format("{:.4f}", *p);
}
std::string csv_num(const std::optional<double>& v) { return v ? fmt::format("{:.10g}", *v) : std::string(); }
std::string csv_num(double v) { return fmt::format("{:.10g}", v); }

std::string outcome_label(const std::string& o) {
  if (o == "clinical_severity") return "clinical severity";
  if (o == "pga") return "PGA";
  if (o == "patient_global") return "patient global";
  if (o == "chaq") return "CHAQ";
  if (o == "esr") return "ESR";
  if (o == "crp") return "CRP";
  return o;
}

std::string outcome_axis(const Analysis& a, const std::string& o) {
  if (o == "clinical_severity" && a.description.severity_composite > 0)
    return "clinical severity (crmo default composite)";
  return outcome_label(o);
}

std::vector<Bar> bars_by_patients(const std::vector<analysis::CountRow>& rows, bool sort, std::size_t limit) {
  std::vector<analysis::CountRow> r = rows;
  if (sort) std::stable_sort(r.begin(), r.end(), [](const auto& x, const auto& y) { return x.patients > y.patients; });
  std::vector<Bar> bars;
  for (const auto& row : r) {
    if (bars.size() == limit) break;
    if (sort && row.patients == 0) continue;
    bars.push_back(Bar{row.key, row.patients_pct, fmt::format("{} ({:.0f} %)", row.patients, row.patients_pct)});
  }
  return bars;
}

BarChart region_chart(const Analysis& a) {
  BarChart c;
  c.title = "Patients with the region involved";
  c.axis_label = "% of patients";
  c.bars = bars_by_patients(a.distribution.regions, false, 100);
  c.max = 100;
  return c;
}

BarChart bone_chart(const Analysis& a) {
  BarChart c;
  c.title = "Patients with the bone involved";
  c.axis_label = "% of patients";
  c.bars = bars_by_patients(a.distribution.bones, true, 100);
  c.max = 100;
  return c;
}

std::vector<double> column(const Analysis& a, bool outcome, std::size_t i) {
  std::vector<double> v;
  for (const auto& r : a.rows) {
    const auto& x = outcome ? r.outcomes[i] : r.parameters[i];
    v.push_back(x ? *x : std::nan(""));
  }
  return v;
}

std::vector<Scatter> scatters(const Analysis& a, std::size_t outcome_index) {
  std::vector<Scatter> out;
  const std::string& o = a.outcome_names[outcome_index];
  for (std::size_t p = 0; p < a.parameter_names.size(); ++p) {
    const analysis::Correlation* c = nullptr;
    for (const auto& k : a.correlations)
      if (k.outcome == o && k.parameter == a.parameter_names[p]) c = &k;
    if (!c || !c->rs) continue;  // constant columns have nothing to show
    Scatter s;
    s.title = a.parameter_names[p];
    s.subtitle = fmt::format("rs = {:.2f}, p = {}, p Holm = {}, n = {}", *c->rs, pv(c->p_value), pv(c->p_holm), c->n);
    s.x_label = a.parameter_names[p];
    s.y_label = outcome_label(o);  // short: the section heading says when it is the composite
    s.x = column(a, false, p);
    s.y = column(a, true, outcome_index);
    out.push_back(std::move(s));
  }
  return out;
}

std::string table_row(const std::vector<std::string>& cells, bool header = false) {
  std::string s = "<tr>";
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const char* tag = header ? "th" : "td";
    bool numeric = !header && i > 0;
    s += fmt::format("<{}{}>{}</{}>", tag, numeric ? " class=\"n\"" : "", xml_escape(cells[i]), tag);
  }
  return s + "</tr>\n";
}

std::string count_table(const std::vector<analysis::CountRow>& rows, const std::string& what, bool only_involved) {
  std::string s = "<table>\n" + table_row({what, "lesions", "% of lesions", "patients", "% of patients"}, true);
  for (const auto& r : rows) {
    if (only_involved && r.lesions == 0) continue;
    s += table_row({r.key, std::to_string(r.lesions), f1(r.lesions_pct), std::to_string(r.patients), f1(r.patients_pct)});
  }
  return s + "</table>\n";
}

std::string svg_of(const BarChart& chart) {
  Point size = bar_chart_size(chart);
  SvgCanvas c(size.x, size.y);
  draw_bar_chart(c, chart);
  return c.svg("role=\"img\" class=\"chart\" aria-label=\"" + xml_escape(chart.title) + "\"");
}

std::string svg_of(const Scatter& s) {
  SvgCanvas c(s.width, s.height);
  draw_scatter(c, s);
  return c.svg("role=\"img\" class=\"scatter\" aria-label=\"" + xml_escape(s.title) + "\"");
}

SkeletonStyle heat_style(double legend_max) {
  SkeletonStyle st;
  st.title = "Patients with the unit involved";
  st.legend_label = "% of patients";
  st.legend_max = legend_max;
  return st;
}

const char* kCss = R"css(
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;margin:0;color:#222;background:#fff;line-height:1.4}
header{background:#33425b;color:#fff;padding:18px 28px}
header h1{margin:0 0 4px;font-size:22px}
header p{margin:2px 0;font-size:13px;opacity:.9}
main{padding:8px 28px 40px;max-width:1200px}
h2{border-bottom:2px solid #33425b;padding-bottom:3px;margin-top:34px;font-size:19px}
h3{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;font-size:12.5px;margin:6px 0 14px}
th,td{border:1px solid #d4d4d4;padding:3px 8px;text-align:left}
th{background:#eef1f6}
td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.sig td{background:#fff3d6}
.notes{background:#fff8e1;border-left:4px solid #f0a500;padding:8px 14px;font-size:13px}
.notes li{margin:3px 0}
.row{display:flex;flex-wrap:wrap;gap:28px;align-items:flex-start}
.grid{display:flex;flex-wrap:wrap;gap:14px}
.grid svg{border:1px solid #eee}
.kv td:first-child{font-weight:bold}
figure{margin:0}
figcaption{font-size:12px;color:#555;max-width:460px}
footer{font-size:12px;color:#666;padding:10px 28px;border-top:1px solid #ddd}
)css";

}  // namespace parts

using namespace parts;

std::vector<SiteShade> patient_shades(const Analysis& a, double* legend_max) {
  double max = 0;
  for (const auto& u : a.distribution.units) max = std::max(max, u.patients_pct);
  double top = std::max(10.0, std::ceil(max / 10) * 10);
  if (legend_max) *legend_max = top;
  std::vector<SiteShade> shades;
  for (const auto& u : a.distribution.units)
    shades.push_back(SiteShade{u.key, u.patients_pct / top,
                               fmt::format("{}: {} patients ({:.1f} %), {} lesions", u.key, u.patients, u.patients_pct,
                                           u.lesions)});
  return shades;
}

std::string cohort_html(const Analysis& a, const std::vector<CohortSection>& sections, const Atlas& atlas,
                        const ReportOptions& options) {
  const auto& d = a.description;
  const auto& dist = a.distribution;
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>crmo cohort report</title>\n<style>" + std::string(kCss) + "</style>\n</head>\n<body>\n";
  h += "<header><h1>Whole-body MRI in CRMO: cohort report</h1>\n";
  h += fmt::format("<p>{} patients, {} exams ({}); data: {}</p>\n", d.patients, d.exams, xml_escape(a.selection_text),
                   xml_escape(options.source.empty() ? "(not named)" : options.source));
  h += fmt::format("<p>scheme {} {}; imaging parameters {}; main outcome {}</p></header>\n<main>\n", xml_escape(a.scheme),
                   xml_escape(a.scheme_version), xml_escape(a.parameter_scheme), xml_escape(outcome_axis(a, a.options.outcome)));
  h += "<section class=\"notes\" id=\"notes\"><strong>Read first</strong><ul>\n";
  for (const auto& n : a.notes) h += "<li>" + xml_escape(n) + "</li>\n";
  h += "</ul></section>\n";

  // 1. Description
  h += "<section id=\"description\"><h2>1. Cohort description</h2>\n<table class=\"kv\">\n";
  auto kv = [&](const std::string& k, const std::string& v) { h += table_row({k, v}); };
  kv("patients", std::to_string(d.patients));
  kv("exams analysed (in input)", fmt::format("{} ({})", d.exams, d.exams_in_input));
  if (d.age)
    kv("age at exam, years", fmt::format("median {:.1f} (IQR {:.1f}-{:.1f}; range {:.1f}-{:.1f}; n {})", d.age->median,
                                         d.age->q1, d.age->q3, d.age->min, d.age->max, d.age->n));
  kv("sex", fmt::format("{} girls ({:.0f} %), {} boys, {} unknown", d.female,
                        d.patients ? 100.0 * d.female / d.patients : 0.0, d.male, d.sex_unknown));
  if (d.lesions_per_patient)
    kv("lesions per patient", fmt::format("median {:g} (range {:g}-{:g}); mean {:.1f}", d.lesions_per_patient->median,
                                          d.lesions_per_patient->min, d.lesions_per_patient->max,
                                          d.lesions_per_patient->mean));
  kv("lesions; involved sites", fmt::format("{}; {}", d.lesions, d.sites_involved));
  kv("unifocal", fmt::format("{} ({:.1f} %)", d.unifocal, d.exams ? 100.0 * d.unifocal / d.exams : 0.0));
  kv("exams without lesions", std::to_string(d.without_lesions));
  kv("clinical severity source",
     fmt::format("given {}; crmo default composite {}; missing {}", d.severity_given, d.severity_composite, d.severity_missing));
  h += "</table></section>\n";

  // 2. Distribution
  double legend_max = 100;
  auto shades = patient_shades(a, &legend_max);
  h += "<section id=\"distribution\"><h2>2. Where disease sits</h2>\n";
  h += "<p>A lesion in these tables is an involved site (signal &ge; 1): a lesion crossing two units counts in each. "
       "A patient has a unit, bone or region when an analysed exam has an involved site there.</p>\n";
  h += "<div class=\"row\"><figure id=\"skeleton-figure\">" + skeleton_svg(atlas, shades, heat_style(legend_max)) +
       "<figcaption>Front view, the patient's right on the left. Colour: % of patients with the unit-side "
       "involved; grey: not in the data. Hover a unit for its numbers.</figcaption></figure>\n";
  h += "<div>" + svg_of(region_chart(a)) + "\n" + svg_of(bone_chart(a)) + "</div></div>\n";
  h += fmt::format(
      "<p><strong>Pelvis and lower limbs:</strong> {} of {} lesions ({:.1f} %). <strong>Symmetric involvement</strong> "
      "(the same unit on both sides): {} patients ({:.1f} %).</p>\n",
      dist.pelvis_lower_limb_lesions, dist.total_lesions, dist.pelvis_lower_limb_pct, dist.symmetric_patients,
      dist.symmetric_pct);
  h += "<div class=\"row\"><div><h3>By region</h3>" + count_table(dist.regions, "region", false) + "</div>";
  auto bones = dist.bones;
  std::stable_sort(bones.begin(), bones.end(), [](const auto& x, const auto& y) { return x.patients > y.patients; });
  h += "<div><h3>By bone</h3>" + count_table(bones, "bone", false) + "</div>";
  h += "<div><h3>Bilateral involvement per bone</h3><table>\n" +
       table_row({"bone", "patients involved", "bilateral", "% of patients", "% of involved"}, true);
  for (const auto& b : dist.bilateral)
    h += table_row({b.bone, std::to_string(b.patients_involved), std::to_string(b.patients_bilateral),
                    f1(b.pct_of_patients), f1(b.pct_of_involved)});
  h += "</table>\n";
  h += fmt::format("<h3>Long-bone segments ({} lesions)</h3><table>\n", dist.long_bone_lesions) +
       table_row({"segment", "lesions", "%"}, true);
  for (const auto& s : dist.segments) h += table_row({s.key, std::to_string(s.count), f1(s.pct)});
  h += "</table><h3>Relation to the physis</h3><table>\n" + table_row({"relation", "lesions", "%"}, true);
  for (const auto& s : dist.physis) h += table_row({s.key, std::to_string(s.count), f1(s.pct)});
  h += "</table></div></div>\n";
  h += "<details><summary>Every unit-side with a lesion</summary>" + count_table(dist.units, "site", true) +
       "</details></section>\n";

  // 3. Correlations
  h += "<section id=\"correlations\"><h2>3. Imaging against clinical outcomes</h2>\n";
  h += "<p>Spearman rs with a 95 % confidence interval (Fisher z, SE &radic;(1.06/(n&minus;3))), p-value, and "
       "Holm-adjusted p across the imaging parameters for each outcome. Highlighted: Holm p &lt; 0.05.</p>\n";
  for (std::size_t o = 0; o < a.outcome_names.size(); ++o) {
    const std::string& outcome = a.outcome_names[o];
    h += fmt::format("<h3>against {}</h3><table class=\"corr\" data-outcome=\"{}\">\n", xml_escape(outcome_axis(a, outcome)),
                     xml_escape(outcome));
    h += table_row({"parameter", "n", "rs", "95 % CI", "p", "p Holm", "method"}, true);
    for (const auto& c : a.correlations) {
      if (c.outcome != outcome) continue;
      std::string ci = c.ci_lower ? fmt::format("{:.3f} to {:.3f}", *c.ci_lower, *c.ci_upper) : "NA";
      std::string row = table_row({c.parameter, std::to_string(c.n), opt_num(c.rs), ci, pv(c.p_value), pv(c.p_holm),
                                   c.note.empty() ? (c.exact ? "exact" : "approximate") : c.note});
      if (c.p_holm && *c.p_holm < 0.05) row.replace(0, 4, "<tr class=\"sig\">");
      h += row;
    }
    h += "</table>\n";
  }
  h += "<p>Published figures to compare with: lesion count against total clinical severity significant (P &lt; 0.01), "
       "no other parameter significant (Menashe 2022, n = 54); RAI-CROMRIS against PGA rs = 0.32, p = 0.0055 "
       "(Capponi 2021, n = 76).</p>\n";
  for (std::size_t o = 0; o < a.outcome_names.size() && o < 2; ++o) {
    h += fmt::format("<h3>Scatter plots against {}</h3><div class=\"grid\">\n", xml_escape(outcome_axis(a, a.outcome_names[o])));
    for (const auto& s : scatters(a, o)) h += svg_of(s);
    h += "</div>\n";
  }
  h += "</section>\n";

  // 4. MRI against the clinic
  const auto& m = a.mri_vs_clinic;
  h += "<section id=\"mri-vs-clinic\"><h2>4. MRI against the clinic</h2>\n";
  h += fmt::format(
      "<p>Clinically silent lesions (involved sites recorded as not symptomatic): <strong>{} of {}</strong> involved "
      "sites with a known symptom status ({:.1f} %); {} patients have at least one. Clinically symptomatic sites: {}, "
      "of which {} without an MRI lesion.</p>\n",
      m.silent, m.lesions_known, m.silent_pct, m.patients_with_silent, m.symptomatic_sites, m.symptomatic_without_lesion);
  h += "<table>\n" + table_row({"region", "sites with known status", "silent", "% silent"}, true);
  for (const auto& r : m.by_region)
    h += table_row({r.region, std::to_string(r.lesions_known), std::to_string(r.silent), f1(r.silent_pct)});
  h += "</table></section>\n";

  // 5. Groups
  h += "<section id=\"groups\"><h2>5. Group comparisons</h2>\n<p>Mann-Whitney U (R's W), as wilcox.test.</p><table>\n";
  h += table_row({"outcome", "groups", "n", "medians", "W", "p", "method"}, true);
  for (const auto& g : a.groups)
    h += table_row({outcome_label(g.outcome), g.group_yes + " vs " + g.group_no, fmt::format("{} vs {}", g.n_yes, g.n_no),
                    opt_num(g.median_yes, "{:g}") + " vs " + opt_num(g.median_no, "{:g}"), opt_num(g.w, "{:g}"),
                    pv(g.p_value), g.note.empty() ? (g.exact ? "exact" : "normal approximation") : g.note});
  h += "</table>\n";
  if (!a.over_time.empty()) {
    h += "<h3>Over time: first against second exam (Wilcoxon signed rank, paired)</h3><table>\n" +
         table_row({"parameter", "n", "median first", "median second", "V", "p"}, true);
    for (const auto& p : a.over_time)
      h += table_row({p.parameter, std::to_string(p.n), opt_num(p.median_first, "{:g}"), opt_num(p.median_second, "{:g}"),
                      opt_num(p.v, "{:g}"), pv(p.p_value)});
    h += "</table>\n";
  }
  h += "</section>\n";

  // Extra sections (follow-up, agreement, ...): cohort_section.hpp.
  for (const auto& sec : sections) {
    h += fmt::format("<section id=\"{}\" class=\"extra\"><h2>{}</h2>\n", xml_escape(sec.id), xml_escape(sec.title));
    h += sec.html;
    if (!sec.figures.empty()) {
      h += "<div class=\"grid\">\n";
      for (const auto& f : sec.figures) {
        SvgCanvas c(f.size.x, f.size.y);
        f.draw(c);
        h += "<figure>" + c.svg("role=\"img\" class=\"figure\" aria-label=\"" + xml_escape(f.caption) + "\"") +
             (f.caption.empty() ? "" : "<figcaption>" + xml_escape(f.caption) + "</figcaption>") + "</figure>\n";
      }
      h += "</div>\n";
    }
    h += "</section>\n";
  }
  h += "</main>\n<footer>Made by crmo (statistics checked against R 4.x; see docs/analysis.md). Tables: "
       "tables/*.csv beside this file; every key of cohort.json is documented in docs/analysis.md.</footer>\n"
       "</body>\n</html>\n";
  return h;
}

std::map<std::string, std::string> cohort_csv_tables(const Analysis& a, const std::vector<CohortSection>& sections) {
  std::map<std::string, std::string> t;
  auto table = [](const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
    std::string s = csv::format_row(header);
    for (const auto& r : rows) s += csv::format_row(r);
    return s;
  };
  auto counts = [&](const std::vector<analysis::CountRow>& rows, const std::string& key) {
    std::vector<std::vector<std::string>> r;
    for (const auto& c : rows)
      r.push_back({c.key, std::to_string(c.lesions), csv_num(c.lesions_pct), std::to_string(c.patients), csv_num(c.patients_pct)});
    return table({key, "lesions", "lesions_pct", "patients", "patients_pct"}, r);
  };
  const auto& d = a.description;
  const auto& dist = a.distribution;
  std::vector<std::vector<std::string>> desc = {
      {"patients", std::to_string(d.patients)}, {"exams", std::to_string(d.exams)},
      {"exams_in_input", std::to_string(d.exams_in_input)}, {"lesions", std::to_string(d.lesions)},
      {"sites_involved", std::to_string(d.sites_involved)}, {"female", std::to_string(d.female)},
      {"male", std::to_string(d.male)}, {"sex_unknown", std::to_string(d.sex_unknown)},
      {"unifocal", std::to_string(d.unifocal)}, {"without_lesions", std::to_string(d.without_lesions)},
      {"pelvis_lower_limb_lesions", std::to_string(dist.pelvis_lower_limb_lesions)},
      {"pelvis_lower_limb_pct", csv_num(dist.pelvis_lower_limb_pct)},
      {"symmetric_patients", std::to_string(dist.symmetric_patients)}, {"symmetric_pct", csv_num(dist.symmetric_pct)},
      {"clinical_severity_given", std::to_string(d.severity_given)},
      {"clinical_severity_crmo_default_composite", std::to_string(d.severity_composite)},
      {"clinical_severity_missing", std::to_string(d.severity_missing)}};
  auto add_summary = [&](const std::string& name, const std::optional<analysis::Summary>& s) {
    if (!s) return;
    for (auto [k, v] : std::vector<std::pair<std::string, double>>{{"median", s->median}, {"q1", s->q1}, {"q3", s->q3},
                                                                   {"min", s->min}, {"max", s->max}, {"mean", s->mean}})
      desc.push_back({name + "_" + k, csv_num(v)});
  };
  add_summary("age", d.age);
  add_summary("lesions_per_patient", d.lesions_per_patient);
  t["description.csv"] = table({"measure", "value"}, desc);
  t["regions.csv"] = counts(dist.regions, "region");
  t["bones.csv"] = counts(dist.bones, "bone");
  t["units.csv"] = counts(dist.units, "site");
  {
    std::vector<std::vector<std::string>> r;
    for (const auto& b : dist.bilateral)
      r.push_back({b.bone, std::to_string(b.patients_involved), std::to_string(b.patients_bilateral),
                   csv_num(b.pct_of_patients), csv_num(b.pct_of_involved)});
    t["bilateral_bones.csv"] = table({"bone", "patients_involved", "patients_bilateral", "pct_of_patients", "pct_of_involved"}, r);
  }
  {
    std::vector<std::vector<std::string>> r;
    for (const auto& s : dist.segments) r.push_back({"segment", s.key, std::to_string(s.count), csv_num(s.pct)});
    for (const auto& s : dist.physis) r.push_back({"physis", s.key, std::to_string(s.count), csv_num(s.pct)});
    t["long_bones.csv"] = table({"table", "key", "lesions", "lesions_pct"}, r);
  }
  {
    std::vector<std::vector<std::string>> r;
    for (const auto& c : a.correlations)
      r.push_back({c.parameter, c.outcome, std::to_string(c.n), csv_num(c.rs), csv_num(c.ci_lower), csv_num(c.ci_upper),
                   csv_num(c.p_value), csv_num(c.p_holm), csv_num(c.statistic), c.exact ? "true" : "false", c.note});
    t["correlations.csv"] = table({"parameter", "outcome", "n", "rs", "ci_lower", "ci_upper", "p_value", "p_holm", "statistic",
                                   "exact", "note"}, r);
  }
  {
    std::vector<std::vector<std::string>> r;
    for (const auto& s : a.mri_vs_clinic.by_region)
      r.push_back({s.region, std::to_string(s.lesions_known), std::to_string(s.silent), csv_num(s.silent_pct)});
    r.push_back({"all", std::to_string(a.mri_vs_clinic.lesions_known), std::to_string(a.mri_vs_clinic.silent),
                 csv_num(a.mri_vs_clinic.silent_pct)});
    t["mri_vs_clinic.csv"] = table({"region", "lesions_known", "silent", "silent_pct"}, r);
  }
  {
    std::vector<std::vector<std::string>> r;
    for (const auto& g : a.groups)
      r.push_back({g.grouping, g.outcome, g.group_yes, g.group_no, std::to_string(g.n_yes), std::to_string(g.n_no),
                   csv_num(g.median_yes), csv_num(g.median_no), csv_num(g.w), csv_num(g.p_value), g.exact ? "true" : "false",
                   g.note});
    t["groups.csv"] = table({"grouping", "outcome", "group_yes", "group_no", "n_yes", "n_no", "median_yes", "median_no", "w",
                             "p_value", "exact", "note"}, r);
  }
  {
    std::vector<std::vector<std::string>> r;
    for (const auto& p : a.over_time)
      r.push_back({p.parameter, std::to_string(p.n), csv_num(p.median_first), csv_num(p.median_second), csv_num(p.v),
                   csv_num(p.p_value), p.note});
    t["over_time.csv"] = table({"parameter", "n", "median_first", "median_second", "v", "p_value", "note"}, r);
  }
  {
    std::vector<std::string> header = {"patient_id", "exam_id", "exam_date", "timepoint", "sex", "age"};
    for (const auto& p : a.parameter_names) header.push_back(p);
    for (const auto& o : a.outcome_names) header.push_back(o);
    header.insert(header.end(), {"clinical_severity_source", "symptomatic_sites", "silent_sites", "symptom_known_sites"});
    std::vector<std::vector<std::string>> r;
    for (const auto& row : a.rows) {
      std::vector<std::string> cells = {row.patient_id, row.exam_id, row.date, row.timepoint, row.sex, csv_num(row.age)};
      for (const auto& v : row.parameters) cells.push_back(csv_num(v));
      for (const auto& v : row.outcomes) cells.push_back(csv_num(v));
      std::size_t cs = static_cast<std::size_t>(
          std::find(a.outcome_names.begin(), a.outcome_names.end(), "clinical_severity") - a.outcome_names.begin());
      cells.push_back(cs < row.outcomes.size() && row.outcomes[cs] ? (row.severity_composite ? "crmo_default_composite" : "given")
                                                                   : "missing");
      cells.push_back(std::to_string(row.symptomatic_sites));
      cells.push_back(std::to_string(row.silent_sites));
      cells.push_back(std::to_string(row.symptom_known_sites));
      r.push_back(std::move(cells));
    }
    t["exams.csv"] = table(header, r);
  }
  for (const auto& sec : sections)
    for (const auto& [name, text] : sec.csv) {
      if (t.count(name)) throw std::logic_error("report section " + sec.id + ": table " + name + " exists already");
      t[name] = text;
    }
  return t;
}

void write_cohort_report(const Analysis& a, const std::vector<CohortSection>& sections, const Atlas& atlas,
                         const fs::path& dir, const ReportOptions& options) {
  const std::string html = cohort_html(a, sections, atlas, options);
  const auto tables = cohort_csv_tables(a, sections);
  const std::string json = cohort_to_json(a, sections).dump(2) + "\n";
  double legend_max = 100;
  auto shades = patient_shades(a, &legend_max);
  const std::string skeleton = skeleton_svg(atlas, shades, heat_style(legend_max));
  write_folder_atomically(dir, [&](const fs::path& tmp) {
    write_file_atomically(tmp / "report.html", html);
    write_file_atomically(tmp / "cohort.json", json);
    write_file_atomically(tmp / "skeleton.svg", skeleton);
    write_skeleton_png(atlas, shades, heat_style(legend_max), tmp / "skeleton.png");
    fs::create_directories(tmp / "tables");
    for (const auto& [name, text] : tables) write_file_atomically(tmp / "tables" / name, text);
    if (options.pdf) write_cohort_pdf(a, sections, atlas, options, tmp / "report.pdf");
  });
}

}  // namespace crmo::report
