#include "report/pdf_table.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <stdexcept>

namespace crmo::report {

namespace {

constexpr double kColumnGap = 10;  // between the widest cells of two columns
constexpr double kMinFont = 5.5;

double column_width(const TextTable& t, std::size_t c, double size) {
  double w = text_box(0, 0, t.header[c], Font{size, true}).width();
  for (const auto& row : t.rows) w = std::max(w, text_box(0, 0, row[c], Font{size, false}).width());
  return w;
}

}  // namespace

bool numeric_cell(const std::string& cell) {
  if (cell == "NA" || cell == "-") return true;
  bool digit = false;
  for (char ch : cell) {
    if (std::isdigit(static_cast<unsigned char>(ch))) digit = true;
    else if (!std::strchr(".,-+eE[]()% <>/", ch) && ch != 't' && ch != 'o') return false;  // "to", "->", "e-05"
  }
  return digit;
}

double TableLayout::anchor_x(std::size_t c) const {
  return right_aligned[c] ? column_left[c] + column_width[c] : column_left[c];
}

Font TableLayout::font(std::size_t c, bool header) const {
  return Font{font_size, header, right_aligned[c] ? Anchor::End : Anchor::Start};
}

double TableLayout::baseline(std::size_t row) const { return row_height * (static_cast<double>(row) + 0.8); }

TableLayout layout_table(const TextTable& t, double max_width) {
  const std::size_t n = t.header.size();
  if (n == 0) throw std::invalid_argument("a table needs at least one column");
  for (const auto& row : t.rows)
    if (row.size() != n) throw std::invalid_argument("every table row needs as many cells as the header");
  TableLayout l;
  for (std::size_t c = 0; c < n; ++c) {
    bool numeric = false;
    for (const auto& row : t.rows)
      if (!row[c].empty()) numeric = numeric_cell(row[c]);
    for (const auto& row : t.rows)
      if (!row[c].empty() && !numeric_cell(row[c])) numeric = false;
    l.right_aligned.push_back(numeric);
  }
  // Widths grow with the font size (unhinted metrics), so one rescale fits; the second
  // pass only guards against rounding.
  l.font_size = t.font_size;
  for (int pass = 0; pass < 3; ++pass) {
    l.column_width.assign(n, 0);
    double total = kColumnGap * static_cast<double>(n - 1);
    for (std::size_t c = 0; c < n; ++c) total += l.column_width[c] = column_width(t, c, l.font_size);
    l.width = total;
    if (total <= max_width || l.font_size <= kMinFont) break;
    l.font_size = std::max(kMinFont, l.font_size * max_width / total * 0.995);
  }
  l.column_left.assign(n, 0);
  for (std::size_t c = 1; c < n; ++c) l.column_left[c] = l.column_left[c - 1] + l.column_width[c - 1] + kColumnGap;
  l.row_height = l.font_size * 1.45;
  l.height = l.row_height * static_cast<double>(t.rows.size() + 1) + 2;
  return l;
}

void draw_table(Canvas& canvas, const TextTable& t, const TableLayout& l) {
  for (std::size_t c = 0; c < t.header.size(); ++c) canvas.text(l.anchor_x(c), l.baseline(0), t.header[c], l.font(c, true));
  const double rule = l.row_height + 1;
  canvas.line(0, rule, l.width, rule, Paint{"none", "#888888", 0.5, 1});
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const std::string colour = r < t.row_colours.size() && !t.row_colours[r].empty() ? t.row_colours[r] : "#222222";
    for (std::size_t c = 0; c < t.header.size(); ++c) {
      Font f = l.font(c, false);
      f.colour = colour;
      canvas.text(l.anchor_x(c), l.baseline(r + 1) + 2, t.rows[r][c], f);
    }
  }
}

}  // namespace crmo::report
