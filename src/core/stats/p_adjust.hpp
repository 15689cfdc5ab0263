#pragma once
// p-value adjustment as R's p.adjust: Holm and Benjamini-Hochberg. NaN (NA) entries stay
// NaN and do not count in the family size.
#include <vector>

namespace crmo::stats {

std::vector<double> p_adjust_holm(const std::vector<double>& p);
std::vector<double> p_adjust_bh(const std::vector<double>& p);

}  // namespace crmo::stats
