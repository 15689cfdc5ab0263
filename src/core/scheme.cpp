#include "core/scheme.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace crmo {

bool GradeItem::applies(UnitKind kind) const {
  return std::find(applies_to.begin(), applies_to.end(), kind) != applies_to.end();
}

const GradeItem* Scheme::item(const std::string& n) const {
  for (const GradeItem& i : items)
    if (i.name == n) return &i;
  return nullptr;
}

Scheme resolve_scheme(const Scheme& scheme,
                      const std::function<const Scheme*(const std::string&)>& lookup) {
  Scheme out = scheme;
  std::set<std::string> seen{scheme.name};
  std::string base_name = scheme.based_on;
  while (!base_name.empty()) {
    if (!seen.insert(base_name).second)
      throw std::runtime_error("scheme '" + scheme.name + "': based_on forms a cycle at '" + base_name + "'");
    const Scheme* base = lookup(base_name);
    if (!base)
      throw std::runtime_error("scheme '" + scheme.name + "': based_on names unknown scheme '" + base_name + "'");
    if (out.items.empty()) out.items = base->items;
    if (out.unit_score.empty()) out.unit_score = base->unit_score;
    if (!out.exam_total) out.exam_total = base->exam_total;
    if (out.parameters.empty()) out.parameters = base->parameters;
    if (out.index.empty()) {
      out.index = base->index;
      out.index_bins_published = base->index_bins_published;
    }
    for (const auto& n : base->notes)
      if (std::find(out.notes.begin(), out.notes.end(), n) == out.notes.end()) out.notes.push_back(n);
    base_name = base->based_on;
  }
  return out;
}

const std::vector<std::string>& parameter_functions() {
  static const std::vector<std::string> names = {
      "lesion_count",     "sites_involved", "exam_total",      "max_grade",
      "count_sites",      "count_physis",   "symmetric_units", "distinct_regions",
      "distinct_bones",   "region_involved", "max_measure"};
  return names;
}

}  // namespace crmo
