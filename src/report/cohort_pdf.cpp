// The cohort report as a PDF (cairo, A4) and the skeleton as a PNG: the same content as
// report.html, drawn on cairo surfaces.
#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "report/canvas.hpp"
#include "report/charts.hpp"
#include "report/cohort_parts.hpp"
#include "report/cohort_report.hpp"
#include "report/pdf_table.hpp"
#include "report/skeleton_draw.hpp"

namespace crmo::report {

using namespace parts;
namespace fs = std::filesystem;
using analysis::Analysis;

void write_skeleton_png(const Atlas& atlas, const std::vector<SiteShade>& shades, const SkeletonStyle& style,
                        const fs::path& file, double scale) {
  Point size = skeleton_figure_size(style);
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, static_cast<int>(std::ceil(size.x * scale)),
                                                        static_cast<int>(std::ceil(size.y * scale)));
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  CairoCanvas canvas(cr, 0, 0, scale);
  draw_skeleton(canvas, atlas, shades, style);
  cairo_destroy(cr);
  cairo_status_t st = cairo_surface_write_to_png(surface, file.c_str());
  cairo_surface_destroy(surface);
  if (st != CAIRO_STATUS_SUCCESS)
    throw std::runtime_error("cannot write " + file.string() + ": " + cairo_status_to_string(st));
}

namespace {

// A4 pages drawn top to bottom, a new page when the next block does not fit.
class PdfWriter {
 public:
  PdfWriter(const fs::path& file) : surface_(cairo_pdf_surface_create(file.c_str(), kW, kH)), cr_(cairo_create(surface_)) {
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_TITLE, "crmo cohort report");
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATOR, "crmo");
  }
  ~PdfWriter() {
    if (cr_) cairo_destroy(cr_);
    if (surface_) cairo_surface_destroy(surface_);
  }
  static constexpr double kW = 595.28, kH = 841.89, kMargin = 40;
  double width() const { return kW - 2 * kMargin; }
  void need(double h) {
    if (y_ + h > kH - kMargin) new_page();
  }
  void new_page() {
    cairo_show_page(cr_);
    y_ = kMargin;
    ++page_;
  }
  // Text lines wrapped to the page width.
  void text(const std::string& s, double size = 10, bool bold = false, const std::string& colour = "#222222") {
    std::size_t per_line = static_cast<std::size_t>(width() / (size * 0.55));
    std::vector<std::string> lines;
    std::string line;
    std::size_t pos = 0;
    while (pos < s.size()) {
      std::size_t sp = s.find(' ', pos);
      std::string word = s.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos);
      if (!line.empty() && line.size() + 1 + word.size() > per_line) {
        lines.push_back(line);
        line.clear();
      }
      line += (line.empty() ? "" : " ") + word;
      if (sp == std::string::npos) break;
      pos = sp + 1;
    }
    if (!line.empty()) lines.push_back(line);
    for (const auto& l : lines) {
      need(size * 1.4);
      CairoCanvas c(cr_, kMargin, y_);
      c.text(0, size, l, Font{size, bold, Anchor::Start, colour});
      y_ += size * 1.4;
    }
  }
  void gap(double h) { y_ += h; }
  // A table with measured columns; rows that do not fit go on the next page under the
  // header again.
  void table(const TextTable& t) {
    if (!t.title.empty()) {
      // The title stays with the first rows (or with the whole table when it is short).
      const double row = t.font_size * 1.45;
      const double whole = static_cast<double>(t.rows.size() + 1) * row;
      need(11 * 1.4 + (whole < (kH - 2 * kMargin) / 2 ? whole : 4 * row));
      text(t.title, 11, true);
    }
    std::size_t from = 0;
    do {
      const double row = layout_table(t, width()).row_height;
      const double room = kH - kMargin - y_ - row - 2;
      auto fit = static_cast<std::size_t>(std::max(0.0, room / row));
      const std::size_t left = t.rows.size() - from;
      const bool short_table = from == 0 && static_cast<double>(left + 1) * row < (kH - 2 * kMargin) / 2;
      if (fit == 0 || (left > fit && (fit < 3 || short_table))) {  // short tables are not split
        new_page();
        continue;
      }
      TextTable part = t;
      const std::size_t to = std::min(t.rows.size(), from + fit);
      part.rows.assign(t.rows.begin() + static_cast<std::ptrdiff_t>(from), t.rows.begin() + static_cast<std::ptrdiff_t>(to));
      part.row_colours.clear();
      for (std::size_t r = from; r < to; ++r) part.row_colours.push_back(r < t.row_colours.size() ? t.row_colours[r] : "");
      const TableLayout l = layout_table(part, width());
      CairoCanvas c(cr_, kMargin, y_);
      draw_table(c, part, l);
      y_ += l.height + 4;
      from = to;
    } while (from < t.rows.size());
  }
  // Draws a block of the given size, scaled to fit the width (and at most `max_scale`).
  template <typename F>
  void block(Point size, F draw, double max_scale = 1, double x_offset = 0) {
    double s = std::min(max_scale, width() / size.x);
    s = std::min(s, (kH - 2 * kMargin) / size.y);
    need(size.y * s);
    CairoCanvas c(cr_, kMargin + x_offset, y_, s);
    draw(c);
    y_ += size.y * s;
  }
  cairo_t* cr() { return cr_; }
  double y() const { return y_; }
  void set_y(double y) { y_ = y; }
  void finish() {
    cairo_show_page(cr_);
    cairo_destroy(cr_);
    cr_ = nullptr;
    cairo_surface_finish(surface_);
    cairo_status_t st = cairo_surface_status(surface_);
    cairo_surface_destroy(surface_);
    surface_ = nullptr;
    if (st != CAIRO_STATUS_SUCCESS) throw std::runtime_error(std::string("PDF: ") + cairo_status_to_string(st));
  }

 private:
  cairo_surface_t* surface_;
  cairo_t* cr_;
  double y_ = kMargin;
  int page_ = 1;
};

}  // namespace

void write_cohort_pdf(const Analysis& a, const std::vector<CohortSection>& sections, const Atlas& atlas,
                      const ReportOptions& options, const fs::path& file) {
  PdfWriter pdf(file);
  const auto& d = a.description;
  const auto& dist = a.distribution;
  pdf.text("Whole-body MRI in CRMO: cohort report", 18, true, "#33425b");
  pdf.gap(4);
  pdf.text(fmt::format("{} patients, {} exams ({}); data: {}", d.patients, d.exams, a.selection_text,
                       options.source.empty() ? "(not named)" : options.source), 10);
  pdf.text(fmt::format("scheme {} {}; imaging parameters {}", a.scheme, a.scheme_version, a.parameter_scheme), 10);
  pdf.gap(8);
  pdf.text("Read first", 11, true, "#8a5a00");
  for (const auto& n : a.notes) pdf.text("- " + n, 9, false, "#5a3d00");
  pdf.gap(8);
  pdf.text("1. Cohort description", 14, true, "#33425b");
  if (d.age)
    pdf.text(fmt::format("Age at exam: median {:.1f} years (IQR {:.1f}-{:.1f}, range {:.1f}-{:.1f})", d.age->median,
                         d.age->q1, d.age->q3, d.age->min, d.age->max));
  pdf.text(fmt::format("Sex: {} girls ({:.0f} %), {} boys, {} unknown", d.female,
                       d.patients ? 100.0 * d.female / d.patients : 0.0, d.male, d.sex_unknown));
  if (d.lesions_per_patient)
    pdf.text(fmt::format("Lesions per patient: median {:g} (range {:g}-{:g}), mean {:.1f}; unifocal {} ({:.1f} %); "
                         "{} lesions, {} involved sites; exams without lesions {}",
                         d.lesions_per_patient->median, d.lesions_per_patient->min, d.lesions_per_patient->max,
                         d.lesions_per_patient->mean, d.unifocal, d.exams ? 100.0 * d.unifocal / d.exams : 0.0, d.lesions,
                         d.sites_involved, d.without_lesions));
  pdf.gap(8);
  pdf.text("2. Where disease sits", 14, true, "#33425b");
  pdf.text(fmt::format("Pelvis and lower limbs: {} of {} lesions ({:.1f} %). Symmetric involvement: {} patients ({:.1f} %).",
                       dist.pelvis_lower_limb_lesions, dist.total_lesions, dist.pelvis_lower_limb_pct,
                       dist.symmetric_patients, dist.symmetric_pct));
  std::string seg = "Long-bone lesions by segment:";
  for (const auto& s : dist.segments) seg += fmt::format(" {} {:.0f} %;", s.key, s.pct);
  seg += " physis:";
  for (const auto& s : dist.physis) seg += fmt::format(" {} {:.0f} %;", s.key, s.pct);
  pdf.text(seg, 10);
  auto rc = region_chart(a);
  pdf.gap(6);
  pdf.block(bar_chart_size(rc), [&](Canvas& c) { draw_bar_chart(c, rc); });
  // The skeleton gets its own page.
  pdf.new_page();
  double legend_max = 100;
  auto shades = patient_shades(a, &legend_max);
  auto style = heat_style(legend_max);
  Point ss = skeleton_figure_size(style);
  double scale = std::min(pdf.width() / ss.x, (PdfWriter::kH - 2 * PdfWriter::kMargin) / ss.y);
  pdf.block(ss, [&](Canvas& c) { draw_skeleton(c, atlas, shades, style); }, scale, (pdf.width() - ss.x * scale) / 2);
  pdf.new_page();
  auto bc = bone_chart(a);
  pdf.block(bar_chart_size(bc), [&](Canvas& c) { draw_bar_chart(c, bc); });
  pdf.gap(10);
  pdf.text("3. Imaging against clinical outcomes", 14, true, "#33425b");
  pdf.text("Spearman rs, 95 % CI (Fisher z, SE sqrt(1.06/(n-3))), p, Holm-adjusted p within each outcome.", 9);
  for (const auto& outcome : a.outcome_names) {
    pdf.gap(4);
    TextTable t;
    t.title = "against " + outcome_axis(a, outcome);
    t.header = {"parameter", "n", "rs", "95 % CI", "p", "p Holm"};
    for (const auto& c : a.correlations) {
      if (c.outcome != outcome) continue;
      std::string ci = c.ci_lower ? fmt::format("[{:.2f}, {:.2f}]", *c.ci_lower, *c.ci_upper) : "NA";
      t.rows.push_back({c.parameter, std::to_string(c.n), opt_num(c.rs), ci, pv(c.p_value), pv(c.p_holm)});
      t.row_colours.push_back(c.p_holm && *c.p_holm < 0.05 ? "#b03000" : "");
    }
    pdf.table(t);
  }
  pdf.text("Red: Holm-adjusted p < 0.05.", 8.5, false, "#555555");
  // Scatter plots, two per row.
  for (std::size_t o = 0; o < a.outcome_names.size() && o < 2; ++o) {
    pdf.new_page();
    pdf.text("Scatter plots against " + outcome_axis(a, a.outcome_names[o]), 12, true, "#33425b");
    auto plots = scatters(a, o);
    for (std::size_t i = 0; i < plots.size(); i += 2) {
      double h = plots[i].height;
      pdf.need(h + 8);
      double y = pdf.y();
      for (std::size_t k = i; k < std::min(i + 2, plots.size()); ++k) {
        CairoCanvas c(pdf.cr(), PdfWriter::kMargin + (k - i) * (pdf.width() / 2), y, 0.84);
        draw_scatter(c, plots[k]);
      }
      pdf.set_y(y + h * 0.84 + 8);
    }
  }
  pdf.new_page();
  const auto& m = a.mri_vs_clinic;
  pdf.text("4. MRI against the clinic", 14, true, "#33425b");
  pdf.text(fmt::format("Clinically silent lesions: {} of {} involved sites with a known symptom status ({:.1f} %); {} "
                       "patients have at least one. Clinically symptomatic sites: {}, of which {} without an MRI lesion.",
                       m.silent, m.lesions_known, m.silent_pct, m.patients_with_silent, m.symptomatic_sites,
                       m.symptomatic_without_lesion));
  pdf.gap(4);
  TextTable regions;
  regions.header = {"region", "sites with known status", "silent", "% silent"};
  for (const auto& r : m.by_region)
    regions.rows.push_back({r.region, std::to_string(r.lesions_known), std::to_string(r.silent), f1(r.silent_pct)});
  pdf.table(regions);
  pdf.gap(8);
  pdf.text("5. Group comparisons (Mann-Whitney)", 14, true, "#33425b");
  pdf.text("Mann-Whitney U (R's W), as wilcox.test.", 9);
  TextTable groups;
  groups.header = {"outcome", "group", "n", "median", "vs group", "n", "median", "W", "p"};
  for (const auto& g : a.groups)
    groups.rows.push_back({outcome_label(g.outcome), g.group_yes, std::to_string(g.n_yes), opt_num(g.median_yes, "{:g}"),
                           g.group_no, std::to_string(g.n_no), opt_num(g.median_no, "{:g}"), opt_num(g.w, "{:g}"),
                           pv(g.p_value)});
  pdf.table(groups);
  if (!a.over_time.empty()) {
    TextTable over;
    over.title = "Over time: first against second exam (Wilcoxon signed rank, paired)";
    over.header = {"parameter", "n", "median first", "median second", "V", "p"};
    for (const auto& p : a.over_time)
      over.rows.push_back({p.parameter, std::to_string(p.n), opt_num(p.median_first, "{:g}"),
                           opt_num(p.median_second, "{:g}"), opt_num(p.v, "{:g}"), pv(p.p_value)});
    pdf.gap(4);
    pdf.table(over);
  }
  for (const auto& sec : sections) {
    pdf.new_page();
    pdf.text(sec.title, 14, true, "#33425b");
    for (const auto& line : sec.pdf_text.empty() ? sec.text : sec.pdf_text) pdf.text(line, 9);
    for (const auto& t : sec.tables) {
      pdf.gap(4);
      pdf.table(t);
    }
    for (const auto& f : sec.figures) {
      pdf.gap(6);
      pdf.block(f.size, [&](Canvas& c) { f.draw(c); });
      if (!f.caption.empty()) pdf.text(f.caption, 8.5, false, "#555555");
    }
  }
  pdf.finish();
}

}  // namespace crmo::report
