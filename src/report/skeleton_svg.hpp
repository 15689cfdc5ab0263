#pragma once
// The front-view skeleton drawing: every unit-side of the atlas is its own shape, so
// reports colour it as a heat map and the scoring page makes it clickable. The shapes
// are data (data/drawing/skeleton-front.json); this draws them.
#include <optional>
#include <string>
#include <vector>

#include "core/atlas.hpp"

namespace crmo::report {

struct SiteShade {
  std::string site;  // "unit:side"
  double value = 0;  // 0..1 maps onto the colour scale
  std::string label; // tooltip text (<title>), e.g. "tibia.distal_metaphysis:L: 37 % of patients"
};

struct SkeletonStyle {
  std::string title;         // drawn above the skeleton; empty for none
  std::string legend_label;  // e.g. "% of patients"; empty for no legend
  double legend_max = 1.0;   // the value the top of the legend stands for (e.g. 100 for %)
  bool interactive = false;  // adds class="unit" and tabindex for the scoring page
};

// SVG text. Each unit-side shape carries id="site-<unit>-<side>" (dots kept) and
// data-site="<unit>:<side>"; units without a shade are drawn unshaded.
std::string skeleton_svg(const Atlas& atlas, const std::vector<SiteShade>& shades,
                         const SkeletonStyle& style);

}  // namespace crmo::report
