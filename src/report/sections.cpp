// The extra sections of the cohort report (cohort_section.hpp), collected from every
// <name>_section.cpp of this folder.
#include <algorithm>

#include "report/cohort_section.hpp"

namespace crmo::report {

std::vector<CohortSection> cohort_sections(const SectionInput& input) {
  std::vector<CohortSection> out;
#define X(name)                                                   \
  if (auto section = section_##name(input)) out.push_back(std::move(*section));
#include "report/section_list.inc"
#undef X
  std::stable_sort(out.begin(), out.end(), [](const CohortSection& a, const CohortSection& b) { return a.order < b.order; });
  return out;
}

}  // namespace crmo::report
