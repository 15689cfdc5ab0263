#pragma once
// What the cohort report's HTML (cohort_report.cpp) and PDF (cohort_pdf.cpp) share:
// number formats, outcome names, the charts and the skeleton's style. Internal to
// src/report.
#include <optional>
#include <string>
#include <vector>

#include "core/analysis/cohort.hpp"
#include "report/charts.hpp"
#include "report/skeleton_svg.hpp"

namespace crmo::report::parts {

std::string f1(double v);
std::string opt_num(const std::optional<double>& v, const char* f = "{:.3f}");
std::string pv(const std::optional<double>& p);
std::string outcome_label(const std::string& outcome);
std::string outcome_axis(const analysis::Analysis& a, const std::string& outcome);
BarChart region_chart(const analysis::Analysis& a);
BarChart bone_chart(const analysis::Analysis& a);
std::vector<Scatter> scatters(const analysis::Analysis& a, std::size_t outcome_index);
SkeletonStyle heat_style(double legend_max);

}  // namespace crmo::report::parts
