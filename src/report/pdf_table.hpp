#pragma once
// Tables for the PDF report, laid out from measured text (report/canvas.hpp text_box):
// each column as wide as its widest cell, numbers right-aligned, the font made smaller
// when the table would not fit the width it is given.
#include <string>
#include <vector>

#include "report/canvas.hpp"

namespace crmo::report {

struct TextTable {
  std::string title;  // drawn above the table (bold), may be empty
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each as long as the header
  std::vector<std::string> row_colours;        // per row ("" or absent: the default colour)
  double font_size = 8.5;
};

struct TableLayout {
  double font_size = 0;             // after shrinking to fit
  double width = 0, row_height = 0, height = 0;
  std::vector<double> column_left;  // x of each column's left edge, increasing
  std::vector<double> column_width;
  std::vector<bool> right_aligned;  // numeric columns
  // Anchor x of each column's text: its left edge, or its right edge when right-aligned.
  double anchor_x(std::size_t column) const;
  Font font(std::size_t column, bool header) const;
  double baseline(std::size_t row) const;  // row 0 is the header
};

// A cell is numeric when it is a number, a percentage, an interval "[a, b]", "a to b",
// "a -> b", or NA; a column is right-aligned when all its body cells are numeric.
bool numeric_cell(const std::string& cell);

TableLayout layout_table(const TextTable& table, double max_width);
void draw_table(Canvas& canvas, const TextTable& table, const TableLayout& layout);

}  // namespace crmo::report
