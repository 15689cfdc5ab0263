#include <map>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "report/skeleton_draw.hpp"
#include "resources/resources.hpp"

namespace crmo::report {

namespace {

constexpr double kTitleHeight = 26;
constexpr double kLegendHeight = 46;

Drawing parse_drawing() {
  auto text = resources::find("drawing/skeleton-front.json");
  if (!text) throw std::runtime_error("built-in drawing drawing/skeleton-front.json is missing");
  auto j = nlohmann::json::parse(*text);
  Drawing d;
  d.width = j.at("width").get<double>();
  d.height = j.at("height").get<double>();
  auto points = [](const nlohmann::json& a) {
    std::vector<Point> pts;
    for (const auto& p : a) pts.push_back({p.at(0).get<double>(), p.at(1).get<double>()});
    return pts;
  };
  for (const auto& s : j.at("shapes")) d.shapes.push_back({s.at("site").get<std::string>(), points(s.at("points"))});
  for (const auto& l : j.value("lines", nlohmann::json::array())) d.lines.push_back(points(l));
  for (const auto& t : j.value("texts", nlohmann::json::array())) {
    DrawingText dt;
    dt.x = t.at("x").get<double>();
    dt.y = t.at("y").get<double>();
    dt.size = t.value("size", 10.0);
    dt.text = t.at("text").get<std::string>();
    std::string a = t.value("anchor", "start");
    dt.anchor = a == "middle" ? Anchor::Middle : a == "end" ? Anchor::End : Anchor::Start;
    d.texts.push_back(std::move(dt));
  }
  return d;
}

std::string site_id(const std::string& site) {
  std::string id = "site-" + site;
  auto colon = id.rfind(':');
  if (colon != std::string::npos) id[colon] = '-';
  return id;
}

}  // namespace

const Drawing& skeleton_drawing() {
  static const Drawing drawing = parse_drawing();
  return drawing;
}

Point skeleton_figure_size(const SkeletonStyle& style) {
  const Drawing& d = skeleton_drawing();
  return {d.width, d.height + (style.title.empty() ? 0 : kTitleHeight) + (style.legend_label.empty() ? 0 : kLegendHeight)};
}

void draw_skeleton(Canvas& c, const Atlas& atlas, const std::vector<SiteShade>& shades, const SkeletonStyle& style) {
  const Drawing& d = skeleton_drawing();
  std::map<std::string, const SiteShade*> by_site;
  for (const auto& s : shades) by_site[s.site] = &s;
  double top = 0;
  if (!style.title.empty()) {
    c.text(d.width / 2, 18, style.title, Font{14, true, Anchor::Middle});
    top = kTitleHeight;
  }
  std::vector<Point> moved;
  auto shift = [&](const std::vector<Point>& pts) {
    moved = pts;
    for (auto& p : moved) p.y += top;
    return moved;
  };
  c.begin_group(Tag{"", "skeleton-units", "", "", false});
  for (const auto& shape : d.shapes) {
    auto colon = shape.site.rfind(':');
    bool known = colon != std::string::npos && atlas.find(shape.site.substr(0, colon));
    if (!known) continue;  // a custom atlas without this unit
    auto it = by_site.find(shape.site);
    Paint paint{it == by_site.end() ? "#f2f2f2" : heat_colour(it->second->value), "#5a5a5a", 0.6, 1};
    Tag tag;
    tag.id = site_id(shape.site);
    tag.data_site = shape.site;
    tag.cls = style.interactive ? "unit" : "";
    tag.focusable = style.interactive;
    tag.title = it == by_site.end() || it->second->label.empty() ? shape.site : it->second->label;
    c.polygon(shift(shape.points), paint, tag);
  }
  c.end_group();
  for (const auto& l : d.lines) c.polyline(shift(l), Paint{"none", "#7a7a7a", 0.4, 0.7});
  for (const auto& t : d.texts) c.text(t.x, t.y + top, t.text, Font{t.size, false, t.anchor, "#333333"});

  if (!style.legend_label.empty()) {
    double y = top + d.height + 8, x0 = 40, w = d.width - 80, h = 12;
    const int steps = 40;
    for (int i = 0; i < steps; ++i)
      c.rect(x0 + w * i / steps, y, w / steps + 0.3, h, Paint{heat_colour((i + 0.5) / steps), "none", 0, 1});
    c.rect(x0, y, w, h, Paint{"none", "#5a5a5a", 0.6, 1});
    for (int k = 0; k <= 4; ++k) {
      double v = style.legend_max * k / 4;
      c.line(x0 + w * k / 4, y + h, x0 + w * k / 4, y + h + 3, Paint{"none", "#5a5a5a", 0.6, 1});
      c.text(x0 + w * k / 4, y + h + 13, fmt::format("{:g}", std::round(v * 10) / 10), Font{9, false, Anchor::Middle});
    }
    c.text(x0 + w / 2, y + h + 27, style.legend_label, Font{10, false, Anchor::Middle});
    c.rect(4, y, 12, h, Paint{"#f2f2f2", "#5a5a5a", 0.6, 1});
    c.text(20, y + h - 2, "none", Font{8, false, Anchor::Start});
  }
}

std::string skeleton_svg(const Atlas& atlas, const std::vector<SiteShade>& shades, const SkeletonStyle& style) {
  Point size = skeleton_figure_size(style);
  SvgCanvas canvas(size.x, size.y);
  draw_skeleton(canvas, atlas, shades, style);
  std::string label = style.title.empty() ? "Skeleton, front view" : style.title;
  return canvas.svg(fmt::format("role=\"img\" class=\"skeleton\" aria-label=\"{}\"", xml_escape(label)));
}

}  // namespace crmo::report
