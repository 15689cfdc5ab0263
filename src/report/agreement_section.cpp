#include "report/agreement_section.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "formats/readers_json.hpp"
#include "report/charts.hpp"

namespace crmo::report {

namespace {

constexpr double kW = 380, kH = 280, kLeft = 52, kRight = 86, kTop = 34, kBottom = 42;

std::string k3(const readers::KappaCell& c) { return c.value ? fmt::format("{:.3f}", c.value->kappa) : "NA"; }
std::string ci(const readers::KappaCell& c) {
  if (!c.value) return "";
  if (!c.value->conf_int) return "not computed";
  return fmt::format("{:.2f} to {:.2f}", c.value->conf_int->lower, c.value->conf_int->upper);
}
std::string esc(const std::string& s) { return xml_escape(s); }
std::string pval(double p) { return p < 0.0001 ? fmt::format("{:.1e}", p) : fmt::format("{:.4f}", p); }

}  // namespace

Point bland_altman_size() { return {kW, kH}; }

void draw_bland_altman(Canvas& c, const readers::BlandAltman& ba) {
  const Paint axis{"none", "#444444", 0.8, 1};
  c.text(0, 16, fmt::format("Bland-Altman: RAI-CROMRIS, {} - {}", ba.reader_b, ba.reader_a), Font{13, true});
  if (ba.mean.empty()) return;
  double xlo = *std::min_element(ba.mean.begin(), ba.mean.end());
  double xhi = *std::max_element(ba.mean.begin(), ba.mean.end());
  double ylo = *std::min_element(ba.difference.begin(), ba.difference.end());
  double yhi = *std::max_element(ba.difference.begin(), ba.difference.end());
  for (const auto& v : {ba.lower, ba.upper, ba.bias})
    if (v) ylo = std::min(ylo, *v), yhi = std::max(yhi, *v);
  ylo = std::min(ylo, 0.0), yhi = std::max(yhi, 0.0);
  const auto xt = axis_ticks(std::min(0.0, xlo), xhi, 5), yt = axis_ticks(ylo, yhi, 5);
  const double x0 = kLeft, x1 = kW - kRight, y0 = kH - kBottom, y1 = kTop;
  auto X = [&](double v) { return x0 + (v - xt.front()) / (xt.back() - xt.front()) * (x1 - x0); };
  auto Y = [&](double v) { return y0 - (v - yt.front()) / (yt.back() - yt.front()) * (y0 - y1); };
  c.line(x0, y0, x1, y0, axis);
  c.line(x0, y0, x0, y1, axis);
  for (double t : xt) {
    c.line(X(t), y0, X(t), y0 + 4, axis);
    c.text(X(t), y0 + 15, fmt::format("{:g}", t), Font{9.5, false, Anchor::Middle});
  }
  for (double t : yt) {
    c.line(x0 - 4, Y(t), x0, Y(t), axis);
    c.text(x0 - 6, Y(t) + 3, fmt::format("{:g}", t), Font{9.5, false, Anchor::End});
  }
  c.text((x0 + x1) / 2, kH - 6, "mean of the two readers' totals", Font{10.5, false, Anchor::Middle});
  c.text(14, (y0 + y1) / 2, "difference", Font{10.5, false, Anchor::Middle, "#222222", -90});
  c.line(x0, Y(0), x1, Y(0), Paint{"none", "#bbbbbb", 0.6, 1});
  auto hline = [&](const std::optional<double>& v, const std::string& label, const std::string& colour, double width) {
    if (!v) return;
    c.line(x0, Y(*v), x1, Y(*v), Paint{"none", colour, width, 1});
    c.text(x1 + 4, Y(*v) + 3, fmt::format("{} {:.2f}", label, *v), Font{9.5, false, Anchor::Start, colour});
  };
  hline(ba.bias, "bias", "#1b6ca8", 1.4);
  hline(ba.upper, "+1.96 SD", "#d95f0e", 1);
  hline(ba.lower, "-1.96 SD", "#d95f0e", 1);
  for (std::size_t i = 0; i < ba.mean.size(); ++i)
    c.circle(X(ba.mean[i]), Y(ba.difference[i]), 3, Paint{"#1b6ca8", "#ffffff", 0.6, 0.75},
             Tag{"", "point", "", fmt::format("mean {:g}, difference {:g}", ba.mean[i], ba.difference[i]), false});
}

CohortSection agreement_section(const readers::AgreementReport& r) {
  CohortSection s;
  s.order = 6;
  s.id = "agreement";
  s.title = "6. Agreement between readers";
  std::string readers;
  for (const auto& x : r.readers) readers += (readers.empty() ? "" : ", ") + x;
  std::string& h = s.html;
  h += fmt::format("<p>Readers {} on {} exam(s) read by all of them ({} left out). Rated items: every atlas site of "
                   "every such exam (a site a reader did not record is graded 0). Abnormal signal: {} &gt; 0; "
                   "grade: the {} grade ({} categories).</p>\n",
                   esc(readers), r.exam_ids.size(), r.exams_left_out.size(), esc(r.grade_item), esc(r.grade_item),
                   r.grade_categories);
  h += "<h3>Free-marginal multirater kappa per bone category (Randolph)</h3>\n<table><tr><th>bone</th><th>items</th>"
       "<th>items rated abnormal by a reader</th><th>kappa, abnormal</th><th>kappa, grade</th></tr>\n";
  std::string csv = "category,items,abnormal_items,free_marginal_abnormal,free_marginal_grade\n";
  for (const auto& c : r.categories) {
    const bool all = c.category == "all sites";
    h += fmt::format("<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", all ? " class=\"total\"" : "",
                     esc(c.category), c.items, c.abnormal_items, k3(c.abnormal), k3(c.grade));
    csv += fmt::format("{},{},{},{},{}\n", c.category, c.items, c.abnormal_items,
                       c.abnormal.value ? fmt::format("{:.17g}", c.abnormal.value->kappa) : "",
                       c.grade.value ? fmt::format("{:.17g}", c.grade.value->kappa) : "");
  }
  h += "</table>\n";
  s.csv["agreement_categories.csv"] = csv;
  h += "<h3>Fleiss' kappa (all sites)</h3>\n<table><tr><th></th><th>kappa</th><th>95 % CI</th></tr>\n";
  h += fmt::format("<tr><td>abnormal signal</td><td>{}</td><td>{}</td></tr>\n", k3(r.fleiss_abnormal), ci(r.fleiss_abnormal));
  h += fmt::format("<tr><td>grade</td><td>{}</td><td>{}</td></tr>\n</table>\n", k3(r.fleiss_grade), ci(r.fleiss_grade));
  h += "<h3>Cohen's kappa per pair of readers (as psych::cohen.kappa)</h3>\n<table><tr><th>readers</th>"
       "<th>abnormal</th><th>grade, unweighted</th><th>grade, linear</th><th>grade, quadratic</th></tr>\n";
  for (const auto& p : r.pairs)
    h += fmt::format("<tr><td>{} / {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", esc(p.reader_a),
                     esc(p.reader_b), k3(p.abnormal), k3(p.grade_unweighted), k3(p.grade_linear), k3(p.grade_quadratic));
  h += "</table>\n<h3>ICC of RAI-CROMRIS totals (Shrout-Fleiss, as psych::ICC)</h3>\n";
  if (r.icc) {
    h += "<table><tr><th>form</th><th>ICC</th><th>F</th><th>df1</th><th>df2</th><th>p</th><th>95 % CI</th></tr>\n";
    for (const auto& f : r.icc->forms)
      h += fmt::format("<tr><td>{}</td><td>{:.3f}</td><td>{:.3g}</td><td>{:g}</td><td>{:g}</td><td>{}</td><td>{:.2f} to {:.2f}</td></tr>\n",
                       f.type, f.icc, f.f, f.df1, f.df2, pval(f.p_value), f.conf_int.lower, f.conf_int.upper);
    h += "</table>\n";
  } else {
    h += "<p>ICC not computed: " + esc(r.icc_note) + "</p>\n";
  }
  std::string totals = "exam_id";
  for (const auto& x : r.readers) totals += "," + x;
  totals += "\n";
  for (std::size_t i = 0; i < r.totals.size(); ++i) {
    totals += r.exam_ids[i];
    for (double t : r.totals[i]) totals += fmt::format(",{:g}", t);
    totals += "\n";
  }
  s.csv["agreement_totals.csv"] = totals;
  h += "<h3>Bland-Altman limits of RAI-CROMRIS totals</h3>\n<table><tr><th>readers</th><th>n</th><th>bias (b - a)</th>"
       "<th>SD</th><th>95 % limits of agreement</th></tr>\n";
  for (const auto& ba : r.bland_altman) {
    h += fmt::format("<tr><td>{} / {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", esc(ba.reader_a),
                     esc(ba.reader_b), ba.difference.size(), ba.bias ? fmt::format("{:.2f}", *ba.bias) : "NA",
                     ba.sd ? fmt::format("{:.2f}", *ba.sd) : "NA",
                     ba.lower ? fmt::format("{:.2f} to {:.2f}", *ba.lower, *ba.upper) : "NA");
    s.figures.push_back({bland_altman_size(), [ba](Canvas& c) { draw_bland_altman(c, ba); },
                         fmt::format("Bland-Altman plot of RAI-CROMRIS totals, {} minus {}", ba.reader_b, ba.reader_a)});
  }
  h += "</table>\n";
  if (!r.notes.empty()) {
    h += "<ul>";
    for (const auto& n : r.notes) h += "<li>" + esc(n) + "</li>";
    h += "</ul>\n";
  }

  auto& t = s.text;
  t.push_back(fmt::format("readers {}; {} exam(s) read by all ({} left out)", readers, r.exam_ids.size(), r.exams_left_out.size()));
  t.push_back("free-marginal kappa per bone (abnormal / grade):");
  for (const auto& c : r.categories)
    if (c.abnormal_items > 0 || c.category == "all sites")
      t.push_back(fmt::format("  {:<14} items {:>5}, abnormal {:>4}: {} / {}", c.category, c.items, c.abnormal_items,
                              k3(c.abnormal), k3(c.grade)));
  t.push_back(fmt::format("Fleiss' kappa: abnormal {}, grade {}", k3(r.fleiss_abnormal), k3(r.fleiss_grade)));
  for (const auto& p : r.pairs)
    t.push_back(fmt::format("Cohen {} / {}: abnormal {}, grade {} (linear {}, quadratic {})", p.reader_a, p.reader_b,
                            k3(p.abnormal), k3(p.grade_unweighted), k3(p.grade_linear), k3(p.grade_quadratic)));
  if (r.icc)
    for (const auto& f : r.icc->forms)
      t.push_back(fmt::format("{:<6} {:.3f} [{:.2f}, {:.2f}] p {}", f.type, f.icc, f.conf_int.lower, f.conf_int.upper,
                              pval(f.p_value)));
  else t.push_back("ICC: " + r.icc_note);
  for (const auto& ba : r.bland_altman)
    t.push_back(fmt::format("Bland-Altman {} - {}: bias {}, limits {}", ba.reader_b, ba.reader_a,
                            ba.bias ? fmt::format("{:.2f}", *ba.bias) : "NA",
                            ba.lower ? fmt::format("{:.2f} to {:.2f}", *ba.lower, *ba.upper) : "NA"));
  // The PDF: the first line, then the same figures as tables.
  s.pdf_text = {t.front(), fmt::format("Fleiss' kappa over all sites: abnormal {}, grade {}", k3(r.fleiss_abnormal),
                                       k3(r.fleiss_grade))};
  TextTable bones;
  bones.title = "Free-marginal kappa per bone (bones with an abnormal item)";
  bones.header = {"bone", "items", "abnormal items", "kappa abnormal", "kappa grade"};
  for (const auto& c : r.categories)
    if (c.abnormal_items > 0 || c.category == "all sites")
      bones.rows.push_back({c.category, std::to_string(c.items), std::to_string(c.abnormal_items), k3(c.abnormal), k3(c.grade)});
  s.tables.push_back(bones);
  TextTable cohen;
  cohen.title = "Cohen's kappa per pair of readers";
  cohen.header = {"readers", "abnormal", "grade", "grade, linear", "grade, quadratic"};
  for (const auto& p : r.pairs)
    cohen.rows.push_back({p.reader_a + " / " + p.reader_b, k3(p.abnormal), k3(p.grade_unweighted), k3(p.grade_linear),
                          k3(p.grade_quadratic)});
  s.tables.push_back(cohen);
  if (r.icc) {
    TextTable icc;
    icc.title = "ICC of RAI-CROMRIS totals (Shrout-Fleiss, as psych::ICC)";
    icc.header = {"form", "ICC", "F", "df1", "df2", "p", "95 % CI"};
    for (const auto& f : r.icc->forms)
      icc.rows.push_back({f.type, fmt::format("{:.3f}", f.icc), fmt::format("{:.3g}", f.f), fmt::format("{:g}", f.df1),
                          fmt::format("{:g}", f.df2), pval(f.p_value),
                          fmt::format("{:.2f} to {:.2f}", f.conf_int.lower, f.conf_int.upper)});
    s.tables.push_back(icc);
  } else {
    s.pdf_text.push_back("ICC: " + r.icc_note);
  }
  TextTable ba;
  ba.title = "Bland-Altman limits of RAI-CROMRIS totals";
  ba.header = {"readers", "n", "bias (b - a)", "SD", "95 % limits of agreement"};
  for (const auto& x : r.bland_altman)
    ba.rows.push_back({x.reader_a + " / " + x.reader_b, std::to_string(x.difference.size()),
                       x.bias ? fmt::format("{:.2f}", *x.bias) : "NA", x.sd ? fmt::format("{:.2f}", *x.sd) : "NA",
                       x.lower ? fmt::format("{:.2f} to {:.2f}", *x.lower, *x.upper) : "NA"});
  s.tables.push_back(ba);
  s.json = agreement_to_json(r);
  return s;
}

std::optional<CohortSection> section_agreement(const SectionInput& input) {
  if (!readers::has_second_readings(input.exams)) return std::nullopt;
  try {
    return agreement_section(readers::agreement_report(input.exams, input.atlas, input.scheme));
  } catch (const std::invalid_argument& e) {
    CohortSection s;
    s.order = 6;
    s.id = "agreement";
    s.title = "6. Agreement between readers";
    s.html = "<p>Not computed: " + esc(e.what()) + "</p>\n";
    s.text.push_back(std::string("not computed: ") + e.what());
    s.json = {{"note", e.what()}};
    return s;
  }
}

std::string section_page_html(const CohortSection& s, const std::string& source) {
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>crmo: " + esc(s.title) +
                  "</title>\n<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}"
                  "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;"
                  "text-align:left}tr.total td{font-weight:bold}figure{margin:1em 0}</style></head><body>\n";
  h += "<h1>" + esc(s.title) + "</h1>\n<p>Input: " + esc(source) + "</p>\n<section id=\"" + esc(s.id) + "\">\n" + s.html;
  for (const auto& f : s.figures) {
    SvgCanvas c(f.size.x, f.size.y);
    f.draw(c);
    h += "<figure>" + c.svg("role=\"img\" aria-label=\"" + esc(f.caption) + "\"") + "<figcaption>" + esc(f.caption) +
         "</figcaption></figure>\n";
  }
  h += "</section>\n<footer>Made by crmo; statistics as R's psych and base R (docs/readers.md).</footer></body></html>\n";
  return h;
}

}  // namespace crmo::report
