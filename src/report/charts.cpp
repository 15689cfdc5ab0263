#include "report/charts.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace crmo::report {

namespace {
constexpr double kBarHeight = 16, kBarGap = 5, kTitle = 24, kAxis = 34;
constexpr double kLabelWidth = 118, kTextWidth = 78;
const Paint kAxisPaint{"none", "#444444", 0.8, 1};

std::string tick_text(double v) { return fmt::format("{:g}", std::round(v * 1000) / 1000); }
}  // namespace

std::vector<double> axis_ticks(double lo, double hi, int target) {
  if (!(hi > lo)) hi = lo + 1;
  double raw = (hi - lo) / target;
  double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  std::vector<double> t;
  for (double v = std::floor(lo / step) * step; v <= hi + step * 1e-9; v += step) t.push_back(std::abs(v) < step * 1e-9 ? 0 : v);
  if (t.empty() || t.back() < hi) t.push_back(t.empty() ? hi : t.back() + step);
  return t;
}

Point bar_chart_size(const BarChart& chart) {
  return {chart.width, kTitle + chart.bars.size() * (kBarHeight + kBarGap) + kAxis};
}

void draw_bar_chart(Canvas& c, const BarChart& chart) {
  double max = chart.max;
  for (const auto& b : chart.bars) max = std::max(max, b.value);
  if (max <= 0) max = 1;
  auto ticks = axis_ticks(0, max, 4);
  max = ticks.back();
  double x0 = kLabelWidth, w = chart.width - kLabelWidth - kTextWidth;
  c.text(0, 16, chart.title, Font{13, true});
  double y = kTitle;
  for (const auto& b : chart.bars) {
    c.text(x0 - 6, y + kBarHeight - 4, b.label, Font{10.5, false, Anchor::End});
    double bw = w * b.value / max;
    c.rect(x0, y, bw, kBarHeight, Paint{"#d95f0e", "none", 0, 1}, Tag{"", "bar", "", b.label + ": " + b.text, false});
    c.text(x0 + bw + 4, y + kBarHeight - 4, b.text, Font{10, false, Anchor::Start, "#333333"});
    y += kBarHeight + kBarGap;
  }
  c.line(x0, kTitle - 2, x0, y, kAxisPaint);
  c.line(x0, y, x0 + w, y, kAxisPaint);
  for (double t : ticks) {
    double tx = x0 + w * t / max;
    c.line(tx, y, tx, y + 4, kAxisPaint);
    c.text(tx, y + 15, tick_text(t), Font{9.5, false, Anchor::Middle});
  }
  c.text(x0 + w / 2, y + 29, chart.axis_label, Font{10, false, Anchor::Middle});
}

Point scatter_size(const Scatter& s) { return {s.width, s.height}; }

void draw_scatter(Canvas& c, const Scatter& s) {
  const double left = 46, right = 12, top = 40, bottom = 40;
  double pw = s.width - left - right, ph = s.height - top - bottom;
  std::vector<std::pair<double, double>> pts;
  for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
    if (!std::isnan(s.x[i]) && !std::isnan(s.y[i])) pts.emplace_back(s.x[i], s.y[i]);
  double xmin = 0, xmax = 1, ymin = 0, ymax = 1;
  if (!pts.empty()) {
    xmin = xmax = pts[0].first;
    ymin = ymax = pts[0].second;
    for (auto [x, y] : pts) {
      xmin = std::min(xmin, x); xmax = std::max(xmax, x);
      ymin = std::min(ymin, y); ymax = std::max(ymax, y);
    }
  }
  xmin = std::min(xmin, 0.0);
  ymin = std::min(ymin, 0.0);
  auto xt = axis_ticks(xmin, xmax, 5), yt = axis_ticks(ymin, ymax, 5);
  xmin = xt.front(); xmax = xt.back(); ymin = yt.front(); ymax = yt.back();
  auto X = [&](double v) { return left + pw * (v - xmin) / (xmax - xmin); };
  auto Y = [&](double v) { return top + ph * (1 - (v - ymin) / (ymax - ymin)); };
  c.text(0, 14, s.title, Font{12, true});
  c.text(0, 29, s.subtitle, Font{10, false, Anchor::Start, "#333333"});
  c.rect(left, top, pw, ph, Paint{"#fbfbfb", "#888888", 0.6, 1});
  for (double t : xt) {
    c.line(X(t), top + ph, X(t), top + ph + 4, kAxisPaint);
    c.text(X(t), top + ph + 14, tick_text(t), Font{9, false, Anchor::Middle});
  }
  for (double t : yt) {
    c.line(left - 4, Y(t), left, Y(t), kAxisPaint);
    c.text(left - 6, Y(t) + 3, tick_text(t), Font{9, false, Anchor::End});
  }
  c.text(left + pw / 2, s.height - 6, s.x_label, Font{10, false, Anchor::Middle});
  c.text(11, top + ph / 2, s.y_label, Font{10, false, Anchor::Middle, "#222222", -90});
  // Deterministic jitter so that tied values stay visible.
  double jx = 0.012 * (xmax - xmin), jy = 0.012 * (ymax - ymin);
  std::size_t k = 0;
  for (auto [x, y] : pts) {
    double a = std::sin(static_cast<double>(++k) * 12.9898) * 43758.5453, b = std::sin(static_cast<double>(k) * 78.233) * 12345.678;
    a -= std::floor(a); b -= std::floor(b);
    c.circle(X(x + (a - 0.5) * 2 * jx), Y(y + (b - 0.5) * 2 * jy), 2.6, Paint{"#2c7fb8", "#ffffff", 0.4, 0.75});
  }
}

}  // namespace crmo::report
