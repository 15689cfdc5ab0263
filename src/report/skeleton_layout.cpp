// The skeleton figure's layout from measured text (report/skeleton_draw.hpp): the
// legend below the drawing is [swatch] none  [colour bar with ticks], the caption under
// the tick labels, and the canvas as large as the texts need.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "report/skeleton_draw.hpp"

namespace crmo::report {

namespace {

constexpr double kPad = 6;        // canvas edge to any text
constexpr double kBarHeight = 12;
constexpr double kBarInset = 40;  // the bar's ends from the canvas edges, at least
constexpr double kTickLength = 3;
constexpr double kGap = 4;        // between a text and what it labels

PlacedText place(double x, double y, const std::string& text, const Font& font) {
  return {x, y, text, font, text_box(x, y, text, font)};
}

std::string tick_label(double v) { return fmt::format("{:g}", std::round(v * 10) / 10); }

}  // namespace

SkeletonLayout skeleton_layout(const SkeletonStyle& style) {
  const Drawing& d = skeleton_drawing();
  SkeletonLayout l;
  // The drawing's own labels, at its coordinates; the drawing moves right if one of
  // them would start left of the canvas.
  double min_left = 0, max_right = d.width;
  std::vector<PlacedText> labels;
  for (const auto& t : d.texts) {
    labels.push_back(place(t.x, t.y, t.text, Font{t.size, false, t.anchor, "#333333"}));
    min_left = std::min(min_left, labels.back().box.left - kPad);
    max_right = std::max(max_right, labels.back().box.right + kPad);
  }
  l.drawing_offset.x = -min_left;
  l.width = l.drawing_offset.x + max_right;

  const Font title_font{14, true, Anchor::Middle};
  if (!style.title.empty()) {
    const TextMetrics m = text_metrics(style.title, title_font);
    l.width = std::max(l.width, m.advance + 2 * kPad);
    l.drawing_offset.y = kPad + m.ascent + m.descent + kGap;
  }
  // Extra width (a long title) centres the drawing.
  l.drawing_offset.x += (l.width - l.drawing_offset.x - max_right) / 2;
  if (!style.title.empty()) {
    const TextMetrics m = text_metrics(style.title, title_font);
    l.texts.push_back(place(l.width / 2, kPad + m.ascent, style.title, title_font));
  }
  for (auto& t : labels) l.texts.push_back(place(t.x + l.drawing_offset.x, t.y + l.drawing_offset.y, t.text, t.font));
  l.height = l.drawing_offset.y + d.height;

  if (style.legend_label.empty()) return l;
  l.legend = true;
  const double top = l.height + 8;
  const Font tick_font{9, false, Anchor::Middle}, none_font{9, false, Anchor::Start},
      caption_font{10, false, Anchor::Middle};
  // Swatch and its label at the left, centred on the bar's height.
  l.swatch = {kPad, top, kPad + kBarHeight, top + kBarHeight};
  const TextMetrics nm = text_metrics("none", none_font);
  const double none_base = top + kBarHeight / 2 + (nm.ascent - nm.descent) / 2;
  PlacedText none = place(l.swatch.right + kGap, none_base, "none", none_font);
  // The bar starts clear of that label and of half the first tick label; it ends where
  // half the last tick label still fits.
  std::vector<std::string> ticks;
  for (int k = 0; k <= 4; ++k) ticks.push_back(tick_label(style.legend_max * k / 4));
  const double first_half = text_metrics(ticks.front(), tick_font).advance / 2;
  const double last_half = text_metrics(ticks.back(), tick_font).advance / 2;
  const double x0 = std::max({kBarInset, none.box.right + 3 * kGap, none.box.right + kGap + first_half});
  const double x1 = std::max(x0 + 100, l.width - std::max(kBarInset, last_half + kPad));
  l.width = std::max(l.width, x1 + last_half + kPad);
  l.bar = {x0, top, x1, top + kBarHeight};
  const TextMetrics tm = text_metrics(ticks.front(), tick_font);
  const double tick_base = l.bar.bottom + kTickLength + 2 + tm.ascent;
  for (int k = 0; k <= 4; ++k) {
    const double x = x0 + (x1 - x0) * k / 4;
    l.tick_x.push_back(x);
    l.legend_texts.push_back(place(x, tick_base, ticks[static_cast<std::size_t>(k)], tick_font));
  }
  l.legend_texts.push_back(none);
  const TextMetrics cm = text_metrics(style.legend_label, caption_font);
  const double caption_base = tick_base + tm.descent + kGap + cm.ascent;
  const double caption_x = std::max((x0 + x1) / 2, kPad + cm.advance / 2);  // a long caption starts at the edge
  l.legend_texts.push_back(place(caption_x, caption_base, style.legend_label, caption_font));
  l.width = std::max(l.width, l.legend_texts.back().box.right + kPad);
  l.height = caption_base + cm.descent + kPad;
  return l;
}

Point skeleton_figure_size(const SkeletonStyle& style) {
  const SkeletonLayout l = skeleton_layout(style);
  return {l.width, l.height};
}

}  // namespace crmo::report
