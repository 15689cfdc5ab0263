#pragma once
// Draws pictures as PNG through cairo: grey values windowed, resampled to square pixels,
// with graded sites marked (circle, label, grade).
#include <string>
#include <vector>

#include "imaging/projection.hpp"

namespace crmo::imaging {

struct SiteMark {
  std::string label;  // site, e.g. "tibia.distal_metaphysis:L"
  Vec3 point{};       // LPS mm
  int grade = -1;     // shown when >= 0
};

// Where a mark was drawn, in pixels of the written PNG (origin top left).
struct PlacedMark {
  std::string label;
  double x = 0, y = 0;
};

struct PngInfo {
  int width = 0, height = 0;
  std::vector<PlacedMark> marks;
};

// Picture pixel (column, row) to pixels of the PNG write_png makes at `scale`.
void png_pixel(const Picture& pic, double col, double row, double scale, double& x, double& y);

// Writes `pic` windowed to [lo, hi]; `scale` multiplies the output size. Marks whose
// point falls outside the picture are skipped. Throws std::runtime_error on failure.
PngInfo write_png(const Picture& pic, const std::string& path, double lo, double hi,
                  const std::vector<SiteMark>& marks = {}, double scale = 1.0);

}  // namespace crmo::imaging
