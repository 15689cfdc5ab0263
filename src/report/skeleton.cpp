#include <map>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "report/skeleton_draw.hpp"
#include "resources/resources.hpp"

namespace crmo::report {

namespace {

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

void draw_skeleton(Canvas& c, const Atlas& atlas, const std::vector<SiteShade>& shades, const SkeletonStyle& style) {
  const Drawing& d = skeleton_drawing();
  const SkeletonLayout l = skeleton_layout(style);
  std::map<std::string, const SiteShade*> by_site;
  for (const auto& s : shades) by_site[s.site] = &s;
  std::vector<Point> moved;
  auto shift = [&](const std::vector<Point>& pts) {
    moved = pts;
    for (auto& p : moved) {
      p.x += l.drawing_offset.x;
      p.y += l.drawing_offset.y;
    }
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
  for (const auto& line : d.lines) c.polyline(shift(line), Paint{"none", "#7a7a7a", 0.4, 0.7});
  for (const auto& t : l.texts) c.text(t.x, t.y, t.text, t.font);

  if (l.legend) {
    const Box& b = l.bar;
    const int steps = 40;
    for (int i = 0; i < steps; ++i)
      c.rect(b.left + b.width() * i / steps, b.top, b.width() / steps + 0.3, b.height(),
             Paint{heat_colour((i + 0.5) / steps), "none", 0, 1});
    c.rect(b.left, b.top, b.width(), b.height(), Paint{"none", "#5a5a5a", 0.6, 1});
    for (double x : l.tick_x) c.line(x, b.bottom, x, b.bottom + 3, Paint{"none", "#5a5a5a", 0.6, 1});
    c.rect(l.swatch.left, l.swatch.top, l.swatch.width(), l.swatch.height(), Paint{"#f2f2f2", "#5a5a5a", 0.6, 1});
    for (const auto& t : l.legend_texts) c.text(t.x, t.y, t.text, t.font);
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
