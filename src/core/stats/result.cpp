#include "core/stats/result.hpp"

#include <cmath>

namespace crmo::stats {

std::string_view to_string(Alternative alternative) {
  switch (alternative) {
    case Alternative::less: return "less";
    case Alternative::greater: return "greater";
    case Alternative::two_sided: break;
  }
  return "two.sided";
}

std::optional<Alternative> parse_alternative(std::string_view text) {
  if (text == "two.sided" || text == "two-sided" || text == "two_sided") return Alternative::two_sided;
  if (text == "less") return Alternative::less;
  if (text == "greater") return Alternative::greater;
  return std::nullopt;
}

Pairs complete_pairs(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) throw StatsError("'x' and 'y' must have the same length");
  Pairs out;
  out.x.reserve(x.size());
  out.y.reserve(y.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isnan(x[i]) || std::isnan(y[i])) {
      ++out.n_missing;
      continue;
    }
    out.x.push_back(x[i]);
    out.y.push_back(y[i]);
  }
  return out;
}

std::vector<double> drop_missing(const std::vector<double>& x, std::size_t& n_missing) {
  std::vector<double> out;
  out.reserve(x.size());
  for (double v : x) {
    if (std::isnan(v)) ++n_missing;
    else out.push_back(v);
  }
  return out;
}

}  // namespace crmo::stats
