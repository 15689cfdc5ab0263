#pragma once
// The agreement-between-readers section (spec/analysis.md section 6) of the cohort
// report, also written on its own by `crmo agreement --out DIR`: kappa tables, ICC, and
// a Bland-Altman plot of RAI-CROMRIS totals per pair of readers.
#include <string>

#include "core/readers/agreement.hpp"
#include "report/canvas.hpp"
#include "report/cohort_section.hpp"

namespace crmo::report {

Point bland_altman_size();
// Differences (b - a) against means of the two readers' totals, with the bias and the
// 95 % limits of agreement as lines.
void draw_bland_altman(Canvas& c, const readers::BlandAltman& ba);

// The section from a computed report (tables, figures, CSV, JSON).
CohortSection agreement_section(const readers::AgreementReport& report);

// A self-contained HTML page of one section (used by `crmo agreement --out`).
std::string section_page_html(const CohortSection& section, const std::string& source);

}  // namespace crmo::report
