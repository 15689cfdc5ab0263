#include "report/canvas.hpp"

#include <cairo.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace crmo::report {

namespace {

std::string num(double v) {
  double r = std::round(v * 100) / 100;
  if (r == 0) r = 0;  // no "-0"
  return fmt::format("{:g}", r);
}

std::string paint_attrs(const Paint& p) {
  std::string s = fmt::format(" fill=\"{}\"", p.fill);
  if (p.stroke != "none") s += fmt::format(" stroke=\"{}\" stroke-width=\"{}\"", p.stroke, num(p.stroke_width));
  if (p.opacity < 1) s += fmt::format(" opacity=\"{}\"", num(p.opacity));
  return s;
}

std::string tag_attrs(const Tag& t) {
  std::string s;
  if (!t.id.empty()) s += fmt::format(" id=\"{}\"", xml_escape(t.id));
  if (!t.cls.empty()) s += fmt::format(" class=\"{}\"", xml_escape(t.cls));
  if (!t.data_site.empty()) s += fmt::format(" data-site=\"{}\"", xml_escape(t.data_site));
  if (t.focusable) s += " tabindex=\"0\"";
  return s;
}

std::string close_tag(const std::string& name, const Tag& t) {
  if (t.title.empty()) return "/>\n";
  return fmt::format("><title>{}</title></{}>\n", xml_escape(t.title), name);
}

struct Rgb {
  double r = 0, g = 0, b = 0;
};

Rgb parse_colour(const std::string& c) {
  if (c.size() != 7 || c[0] != '#') return {};
  auto h = [&](std::size_t i) { return std::stoi(c.substr(i, 2), nullptr, 16) / 255.0; };
  return {h(1), h(3), h(5)};
}

}  // namespace

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string heat_colour(double t) {
  // ColorBrewer YlOrRd, 5 stops.
  static const Rgb stops[] = {{255, 255, 204}, {254, 217, 118}, {253, 141, 60}, {227, 26, 28}, {128, 0, 38}};
  t = std::clamp(std::isnan(t) ? 0.0 : t, 0.0, 1.0);
  double pos = t * 4;
  int i = std::min(3, static_cast<int>(pos));
  double f = pos - i;
  auto mix = [&](double a, double b) { return static_cast<int>(std::lround(a + (b - a) * f)); };
  return fmt::format("#{:02x}{:02x}{:02x}", mix(stops[i].r, stops[i + 1].r), mix(stops[i].g, stops[i + 1].g),
                     mix(stops[i].b, stops[i + 1].b));
}

// ---- measuring text ----

namespace {

struct Measured {
  cairo_text_extents_t text;
  cairo_font_extents_t font;
};

// Unhinted metrics at the font size itself: what the drawing gets at any scale, without
// rounding advances to whole pixels.
Measured measure(const std::string& text, const Font& f) {
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
  cairo_t* cr = cairo_create(surface);
  cairo_font_options_t* options = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
  cairo_set_font_options(cr, options);
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                         f.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, f.size);
  Measured m{};
  cairo_text_extents(cr, text.c_str(), &m.text);
  cairo_font_extents(cr, &m.font);
  cairo_font_options_destroy(options);
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
  return m;
}

}  // namespace

TextMetrics text_metrics(const std::string& text, const Font& font) {
  Measured m = measure(text, font);
  return {m.text.x_advance, m.font.ascent, m.font.descent};
}

Box text_box(double x, double y, const std::string& text, const Font& f) {
  Measured m = measure(text, f);
  const double adv = m.text.x_advance;
  const double start = x + (f.anchor == Anchor::Start ? 0 : f.anchor == Anchor::Middle ? -adv / 2 : -adv);
  Box b;
  b.left = start + std::min(0.0, m.text.x_bearing);
  b.right = start + std::max(adv, m.text.x_bearing + m.text.width);
  b.top = y - std::max(m.font.ascent, -m.text.y_bearing);
  b.bottom = y + std::max(m.font.descent, m.text.y_bearing + m.text.height);
  return b;
}

bool overlaps(const Box& a, const Box& b) {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

bool inside(const Box& in, const Box& out) {
  return in.left >= out.left && in.right <= out.right && in.top >= out.top && in.bottom <= out.bottom;
}

// ---- SVG ----

void SvgCanvas::polygon(const std::vector<Point>& pts, const Paint& paint, const Tag& tag) {
  std::string p;
  for (const auto& pt : pts) p += (p.empty() ? "" : " ") + num(pt.x) + "," + num(pt.y);
  body_ += fmt::format("<polygon points=\"{}\"{}{}", p, tag_attrs(tag), paint_attrs(paint)) + close_tag("polygon", tag);
}

void SvgCanvas::polyline(const std::vector<Point>& pts, const Paint& paint) {
  std::string p;
  for (const auto& pt : pts) p += (p.empty() ? "" : " ") + num(pt.x) + "," + num(pt.y);
  Paint q = paint;
  q.fill = "none";
  body_ += fmt::format("<polyline points=\"{}\"{}/>\n", p, paint_attrs(q));
}

void SvgCanvas::rect(double x, double y, double w, double h, const Paint& paint, const Tag& tag) {
  body_ += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"{}{}", num(x), num(y), num(w), num(h),
                       tag_attrs(tag), paint_attrs(paint)) +
           close_tag("rect", tag);
}

void SvgCanvas::circle(double cx, double cy, double r, const Paint& paint, const Tag& tag) {
  body_ += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\"{}{}", num(cx), num(cy), num(r), tag_attrs(tag),
                       paint_attrs(paint)) +
           close_tag("circle", tag);
}

void SvgCanvas::text(double x, double y, const std::string& text, const Font& f) {
  const char* anchor = f.anchor == Anchor::Start ? "start" : f.anchor == Anchor::Middle ? "middle" : "end";
  std::string rot = f.rotate != 0 ? fmt::format(" transform=\"rotate({} {} {})\"", num(f.rotate), num(x), num(y)) : "";
  body_ += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{}\" fill=\"{}\"{}{}>{}</text>\n",
                       num(x), num(y), num(f.size), anchor, f.colour, f.bold ? " font-weight=\"bold\"" : "", rot,
                       xml_escape(text));
}

void SvgCanvas::begin_group(const Tag& tag) { body_ += "<g" + tag_attrs(tag) + ">\n"; }
void SvgCanvas::end_group() { body_ += "</g>\n"; }

std::string SvgCanvas::svg(const std::string& attrs) const {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" "
      "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\"{}{}>\n{}</svg>\n",
      num(width_), num(height_), num(width_), num(height_), attrs.empty() ? "" : " ", attrs, body_);
}

// ---- cairo ----

#define CR static_cast<cairo_t*>(cr_)

void CairoCanvas::finish(const Paint& paint) {
  if (paint.fill != "none") {
    Rgb c = parse_colour(paint.fill);
    cairo_set_source_rgba(CR, c.r, c.g, c.b, paint.opacity);
    if (paint.stroke != "none") cairo_fill_preserve(CR);
    else cairo_fill(CR);
  }
  if (paint.stroke != "none") {
    Rgb c = parse_colour(paint.stroke);
    cairo_set_source_rgba(CR, c.r, c.g, c.b, paint.opacity);
    cairo_set_line_width(CR, paint.stroke_width * s_);
    cairo_stroke(CR);
  }
  cairo_new_path(CR);
}

void CairoCanvas::polygon(const std::vector<Point>& pts, const Paint& paint, const Tag&) {
  if (pts.empty()) return;
  cairo_move_to(CR, x_ + pts[0].x * s_, y_ + pts[0].y * s_);
  for (std::size_t i = 1; i < pts.size(); ++i) cairo_line_to(CR, x_ + pts[i].x * s_, y_ + pts[i].y * s_);
  cairo_close_path(CR);
  finish(paint);
}

void CairoCanvas::polyline(const std::vector<Point>& pts, const Paint& paint) {
  if (pts.empty()) return;
  cairo_move_to(CR, x_ + pts[0].x * s_, y_ + pts[0].y * s_);
  for (std::size_t i = 1; i < pts.size(); ++i) cairo_line_to(CR, x_ + pts[i].x * s_, y_ + pts[i].y * s_);
  Paint q = paint;
  q.fill = "none";
  finish(q);
}

void CairoCanvas::rect(double x, double y, double w, double h, const Paint& paint, const Tag&) {
  cairo_rectangle(CR, x_ + x * s_, y_ + y * s_, w * s_, h * s_);
  finish(paint);
}

void CairoCanvas::circle(double cx, double cy, double r, const Paint& paint, const Tag&) {
  cairo_new_sub_path(CR);
  cairo_arc(CR, x_ + cx * s_, y_ + cy * s_, r * s_, 0, 2 * M_PI);
  finish(paint);
}

void CairoCanvas::text(double x, double y, const std::string& text, const Font& f) {
  cairo_save(CR);
  cairo_select_font_face(CR, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                         f.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(CR, f.size * s_);
  Rgb c = parse_colour(f.colour);
  cairo_set_source_rgb(CR, c.r, c.g, c.b);
  cairo_translate(CR, x_ + x * s_, y_ + y * s_);
  if (f.rotate != 0) cairo_rotate(CR, f.rotate * M_PI / 180);
  cairo_text_extents_t ext;
  cairo_text_extents(CR, text.c_str(), &ext);
  double dx = f.anchor == Anchor::Start ? 0 : f.anchor == Anchor::Middle ? -ext.x_advance / 2 : -ext.x_advance;
  cairo_move_to(CR, dx, 0);
  cairo_show_text(CR, text.c_str());
  cairo_restore(CR);
}

#undef CR

}  // namespace crmo::report
