#pragma once
// Bar charts and scatter plots drawn on a Canvas (SVG or cairo).
#include <string>
#include <vector>

#include "report/canvas.hpp"

namespace crmo::report {

struct Bar {
  std::string label;
  double value = 0;
  std::string text;  // printed after the bar, e.g. "37 (69 %)"
};

struct BarChart {
  std::string title, axis_label;
  std::vector<Bar> bars;
  double max = 0;       // axis end; 0 = largest value
  double width = 460;
};

Point bar_chart_size(const BarChart& chart);
void draw_bar_chart(Canvas& c, const BarChart& chart);

struct Scatter {
  std::string title, subtitle, x_label, y_label;
  std::vector<double> x, y;  // NaN pairs are skipped
  double width = 300, height = 250;
};

Point scatter_size(const Scatter& s);
void draw_scatter(Canvas& c, const Scatter& s);

// Nice axis ticks covering [lo, hi].
std::vector<double> axis_ticks(double lo, double hi, int target = 5);

}  // namespace crmo::report
