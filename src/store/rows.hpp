#pragma once
// Inside the store: reading result rows by column name and turning gradings and
// clinical measures into rows and back. Not part of the public API.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/exam.hpp"
#include "store/connection.hpp"

namespace crmo::store::detail {

using Row = std::vector<std::optional<std::string>>;

// Column access by name.
struct Cols {
  std::map<std::string, std::size_t> index;
  explicit Cols(const std::vector<std::string>& names);
  const std::optional<std::string>& at(const Row& r, const std::string& name) const { return r.at(index.at(name)); }
  std::string text(const Row& r, const std::string& name) const { return at(r, name).value_or(""); }
  std::optional<double> number(const Row& r, const std::string& name) const;
  std::optional<bool> flag(const Row& r, const std::string& name) const;
  std::int64_t integer(const Row& r, const std::string& name) const;
};

// The site_gradings columns read_grading needs, with a table alias ("g.").
extern const char* const kGradingColumns;

Params clinical_params(const ClinicalMeasures& c);
ClinicalMeasures read_clinical(const Cols& c, const Row& r);
SiteGrading read_grading(const Cols& c, const Row& r);
Params grading_params(const std::string& exam_id, const std::string& reader, const SiteGrading& g,
                      std::int64_t position);
extern const char* const kInsertGrading;

// Audit texts: the exam document's own JSON for a grading, a list of them, clinical data.
std::string grading_json(const SiteGrading& g);
std::string gradings_json(const std::vector<SiteGrading>& gs);
std::string clinical_json(const ClinicalMeasures& c);
// Back from clinical_json (text this store wrote).
ClinicalMeasures clinical_from_json(const std::string& text);

struct ExamMeta {
  std::int64_t revision = 0;
  std::string updated_at, updated_by;
};
// Exams with their main readings, in import order (`only`: one exam).
std::vector<Exam> exams_from(Connection& db, const std::optional<std::string>& only, std::vector<ExamMeta>* meta);

std::int64_t first_integer(const Rows& r, std::int64_t otherwise);

}  // namespace crmo::store::detail
