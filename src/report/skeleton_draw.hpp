#pragma once
// The skeleton drawing on any Canvas (SVG for HTML, cairo for PDF/PNG); skeleton_svg()
// is this on an SvgCanvas.
#include <string>
#include <vector>

#include "core/atlas.hpp"
#include "report/canvas.hpp"
#include "report/skeleton_svg.hpp"

namespace crmo::report {

struct DrawingShape {
  std::string site;
  std::vector<Point> points;
};

struct DrawingText {
  double x = 0, y = 0, size = 10;
  std::string text;
  Anchor anchor = Anchor::Start;
};

struct Drawing {
  double width = 0, height = 0;
  std::vector<DrawingShape> shapes;
  std::vector<std::vector<Point>> lines;
  std::vector<DrawingText> texts;
};

// data/drawing/skeleton-front.json, parsed once.
const Drawing& skeleton_drawing();

// A text placed on the figure, with the box it covers (report/canvas.hpp text_box).
struct PlacedText {
  double x = 0, y = 0;
  std::string text;
  Font font;
  Box box;
};

// Where everything of the figure goes, computed from the measured text: the canvas grows
// to hold every text, and legend labels keep clear of each other and of the colour bar.
struct SkeletonLayout {
  double width = 0, height = 0;
  Point drawing_offset;                  // where the drawing's (0, 0) goes
  std::vector<PlacedText> texts;         // title and the drawing's labels
  bool legend = false;
  Box bar, swatch;                       // colour bar; the swatch of units not in the data
  std::vector<double> tick_x;            // tick positions under the bar
  std::vector<PlacedText> legend_texts;  // tick labels, the swatch's label, the caption
};

SkeletonLayout skeleton_layout(const SkeletonStyle& style);

// Size of the whole figure (title, drawing, legend) for a style.
Point skeleton_figure_size(const SkeletonStyle& style);

void draw_skeleton(Canvas& canvas, const Atlas& atlas, const std::vector<SiteShade>& shades,
                   const SkeletonStyle& style);

}  // namespace crmo::report
