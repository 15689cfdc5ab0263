#pragma once
// A scoring scheme as data (spec/scoring.md): the items a reader grades, how a unit
// score adds them up, how an exam total and the per-exam parameters are formed, and an
// optional points index (RINBO). Reading a scheme file is formats/scheme_json.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/atlas.hpp"

namespace crmo {

struct GradeItem {
  std::string name;
  int min = 0, max = 1;
  std::vector<std::string> labels;  // one per grade from min to max
  std::vector<UnitKind> applies_to;
  std::string description;
  bool applies(UnitKind kind) const;
};

// One term of a unit score: a single item, or the maximum of several.
struct ScoreTerm {
  std::vector<std::string> items;
};

// A per-exam parameter, built from one of a fixed set of primitives (see scoring.cpp).
struct ParameterDef {
  std::string name;
  std::string function;
  std::vector<std::string> items;  // for max_grade, count_sites
  int min = 1;                     // count_sites: grade at or above which a site counts
  bool as_flag = false;            // report 0/1 instead of a count
  std::string value;               // count_physis value, region_involved region, max_measure field
  std::string description;
};

struct IndexBin {
  double from = 0;                 // inclusive
  std::optional<double> to;        // exclusive; open-ended when absent
  int points = 0;
};

struct IndexInput {
  ParameterDef source;
  std::vector<IndexBin> bins;
};

struct Scheme {
  std::string name, version, title, description;
  std::string based_on;  // name of the scheme whose sections this one inherits
  std::string involvement_item = "signal";  // grade 0 here means "no lesion on this site"
  std::vector<GradeItem> items;
  std::vector<ScoreTerm> unit_score;
  bool exam_total = false;  // RAI-CROMRIS: the sum of unit scores
  std::vector<ParameterDef> parameters;
  std::vector<IndexInput> index;
  bool index_bins_published = false;
  std::vector<std::string> notes;  // provenance: which values are reconstructed

  const GradeItem* item(const std::string& name) const;
};

// Fills the sections `scheme` leaves empty from its `based_on` chain; `lookup` finds a
// scheme by name. Throws std::runtime_error on an unknown base or a cycle.
Scheme resolve_scheme(const Scheme& scheme,
                      const std::function<const Scheme*(const std::string&)>& lookup);

// The parameter primitives a scheme file may name.
const std::vector<std::string>& parameter_functions();

}  // namespace crmo
