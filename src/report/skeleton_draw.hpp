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

// Size of the whole figure (title, drawing, legend) for a style.
Point skeleton_figure_size(const SkeletonStyle& style);

void draw_skeleton(Canvas& canvas, const Atlas& atlas, const std::vector<SiteShade>& shades,
                   const SkeletonStyle& style);

}  // namespace crmo::report
