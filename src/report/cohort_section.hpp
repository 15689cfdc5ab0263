#pragma once
// Extra sections of the cohort report, written by other modules (follow-up, agreement
// between readers, ...) without editing the report itself.
//
// The hook: a file src/report/<name>_section.cpp that defines
//   std::optional<crmo::report::CohortSection> crmo::report::section_<name>(const SectionInput&);
// is picked up by its file name (src/report/CMakeLists.txt generates the list, as the CLI
// does for cmd_<name>.cpp). Return nullopt when the cohort has nothing for the section
// (no follow-ups, a single reader). The section then appears, in `order`, after section
// 5 of the HTML report and the PDF, in the terminal summary, in `--json` and cohort.json
// under its `id`, and its tables under tables/.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/analysis/cohort.hpp"
#include "core/atlas.hpp"
#include "core/exam.hpp"
#include "core/scheme.hpp"
#include "report/canvas.hpp"
#include "report/pdf_table.hpp"

namespace crmo::report {

struct SectionInput {
  const std::vector<Exam>& exams;        // everything loaded: every exam, timepoint and reading
  const analysis::Analysis& analysis;    // sections 1-5 (its options: reader, outcome, ...)
  const Atlas& atlas;
  const Scheme& scheme;                  // the scheme chosen (--scheme), resolved
  const Scheme& parameter_scheme;        // seed-2022 parameters
};

// A picture drawn once on a Canvas: inline SVG in HTML, through cairo in the PDF.
struct SectionFigure {
  Point size;                            // in SVG user units (points in the PDF)
  std::function<void(Canvas&)> draw;
  std::string caption;
};

struct CohortSection {
  double order = 6;            // 5.5: after group comparisons; 6: agreement (analysis.md 6)
  std::string id;              // HTML id and JSON key, e.g. "followup", "agreement"
  std::string title;           // heading, e.g. "Follow-up"
  std::string html;            // body of the <section> (the heading is added), HTML-escaped by the writer
  std::vector<SectionFigure> figures;           // drawn after `html`
  std::vector<std::string> text;                // plain lines: terminal summary and PDF
  // The PDF prints `pdf_text` (or `text` when empty), then `tables` column-aligned.
  std::vector<std::string> pdf_text;
  std::vector<TextTable> tables;
  std::map<std::string, std::string> csv;       // file name ("followup_pairs.csv") -> CSV text
  nlohmann::ordered_json json;                  // put under `id` in --json and cohort.json
};

}  // namespace crmo::report

// Declarations of every section_<name> found (generated; may be empty).
#define X(name) \
  namespace crmo::report { std::optional<CohortSection> section_##name(const SectionInput& input); }
#include "report/section_list.inc"
#undef X

namespace crmo::report {
// Every section that has something to show, by `order`.
std::vector<CohortSection> cohort_sections(const SectionInput& input);
}  // namespace crmo::report
