#pragma once
// A contingency table of counts (rows x columns), and building one from two columns of
// category labels (levels in sorted order, as R's factor()).
#include <string>
#include <vector>

namespace crmo::stats {

using CountTable = std::vector<std::vector<double>>;

struct LabelledTable {
  std::vector<std::string> row_levels, column_levels;
  CountTable counts;
  std::size_t n_missing = 0;  // pairs with an empty label, dropped
};

// Empty labels are missing. Levels sort numerically when all are numbers, otherwise
// as strings (byte order).
LabelledTable cross_table(const std::vector<std::string>& rows, const std::vector<std::string>& columns);

// Sorted distinct non-empty labels, numerically when all parse as numbers.
std::vector<std::string> sorted_levels(const std::vector<std::string>& labels);

}  // namespace crmo::stats
