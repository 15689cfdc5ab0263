#pragma once
// The cohort report: a self-contained HTML page (inline SVG and CSS, no script, opens
// offline), the tables as CSV, the skeleton as SVG and PNG, the JSON, and a PDF.
#include <filesystem>
#include <map>
#include <string>

#include "core/analysis/cohort.hpp"
#include "core/atlas.hpp"
#include "report/cohort_section.hpp"
#include "report/skeleton_svg.hpp"

namespace crmo::report {

struct ReportOptions {
  bool pdf = false;
  std::string source;  // what was analysed, shown in the report
};

// Writes `dir` all or nothing (it must not exist, or be empty): report.html, cohort.json,
// skeleton.svg, skeleton.png, tables/*.csv, and report.pdf with options.pdf.
// `sections` are the extra sections (cohort_section.hpp), drawn after section 5.
void write_cohort_report(const analysis::Analysis& a, const std::vector<CohortSection>& sections, const Atlas& atlas,
                         const std::filesystem::path& dir, const ReportOptions& options);

std::string cohort_html(const analysis::Analysis& a, const std::vector<CohortSection>& sections, const Atlas& atlas,
                        const ReportOptions& options);
// File name (e.g. "regions.csv") -> CSV text; the sections' tables included.
std::map<std::string, std::string> cohort_csv_tables(const analysis::Analysis& a,
                                                     const std::vector<CohortSection>& sections = {});
void write_cohort_pdf(const analysis::Analysis& a, const std::vector<CohortSection>& sections, const Atlas& atlas,
                      const ReportOptions& options, const std::filesystem::path& file);
void write_skeleton_png(const Atlas& atlas, const std::vector<SiteShade>& shades,
                        const SkeletonStyle& style, const std::filesystem::path& file, double scale = 2);

// The heat-map shades of a cohort: % of patients per unit-side.
std::vector<SiteShade> patient_shades(const analysis::Analysis& a, double* legend_max = nullptr);

}  // namespace crmo::report
