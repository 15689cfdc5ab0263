#pragma once
// Clinical instruments as data (spec/clinical.md): the model of an instrument file and a
// generic engine that evaluates it for one exam. Every result names the inputs that are
// missing; a result is given only when it does not depend on them: the engine evaluates
// the instrument under every completion of the missing inputs (representative values:
// both truth values, every listed text value, and for a number each threshold the
// instrument compares it with, just below and above it, and its range ends) and gives
// an outcome or value only when every completion agrees. Reading the files is
// formats/instrument_json.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/atlas.hpp"
#include "core/exam.hpp"
#include "core/scheme.hpp"

namespace crmo::instruments {

enum class InputType { Boolean, Number, Text, TextSet };
std::string_view to_string(InputType type);

struct InputDef {
  std::string name;
  InputType type = InputType::Number;
  double min = 0;
  std::optional<double> max;        // absent: unbounded
  std::vector<std::string> values;  // Text: the allowed values
  std::string source;               // "clinical", "mri" (always known), "user" (--set)
  std::string description;
};

// A boolean condition over inputs.
struct Condition {
  enum class Kind { All, Any, Not, IsTrue, Compare, OneOf, Includes, Within };
  Kind kind = Kind::IsTrue;
  std::vector<Condition> children;  // All, Any, Not (one)
  std::string input;
  std::string op;                   // Compare: <, <=, >, >=, ==, !=
  double value = 0;
  std::vector<std::string> values;  // OneOf: text in values; Includes: set has any;
                                    // Within: set not empty and only these
};

struct SumTerm {
  std::string input;
  std::optional<double> cap;
};

struct PointsItem {
  std::string name, description, domain;  // within a domain only the highest item counts
  Condition when;
  std::optional<double> points;           // absent until a points table is loaded
};

struct Outcome {
  std::string label;
  Condition when;
};

struct ResponseCore {
  std::string input;
  double min = 0;
  std::optional<double> max;
};

struct Instrument {
  std::string name, version, title, description;
  std::string kind;                 // sum, points, criteria, response
  std::vector<std::string> notes;   // provenance: published / reconstructed
  std::vector<InputDef> inputs;     // inputs the instrument adds (source "user")
  // sum
  std::optional<std::string> override_input;  // used as is when given
  std::vector<SumTerm> terms;
  // points
  std::vector<Condition> entry;       // all must hold to be classified
  std::vector<Condition> exclusions;  // any holding: not classified
  std::vector<PointsItem> items;
  std::optional<double> threshold;
  std::string at_or_above = "met", below = "not met";
  bool points_table_required = false;
  bool points_table_loaded = false;
  // criteria
  std::optional<Condition> required;
  std::vector<Outcome> outcomes;
  std::string otherwise = "not met";
  // response
  std::vector<ResponseCore> core;
  std::vector<int> levels;
  int min_improved = 3, max_worsened = 1;
  double worsen_pct = 30;
  std::string response_label = "response";  // "PedCNO": outcome "PedCNO50"
};

using Value = std::variant<std::monostate, bool, double, std::string, std::vector<std::string>>;

// The inputs every instrument may name: the clinical fields of clinical.md, the MRI
// record's derived values, the age at the exam.
const std::vector<InputDef>& builtin_inputs();

// Values of the built-in inputs for an exam; `extra` adds user-given inputs by name.
std::map<std::string, Value> exam_inputs(const Exam& exam, const Atlas& atlas, const Scheme& scheme);

struct ItemResult {
  std::string name;
  std::optional<bool> holds;     // absent: depends on missing inputs
  std::optional<double> points;  // when it holds for sure
};

struct Result {
  std::string name, title, kind;
  // complete: every input known; determined: inputs missing but the result does not
  // depend on them; undetermined; points_table_not_loaded; needs_baseline.
  std::string status;
  std::optional<double> value;
  std::optional<std::string> outcome;
  std::optional<double> lower;          // bounds of the value over the completions
  std::optional<double> upper;          // absent with `unbounded`
  bool unbounded = false;
  std::vector<std::string> missing;
  std::vector<std::string> notes;
  std::vector<ItemResult> items;
};

// Applies a points table (item name -> points); names not in the instrument are
// returned, and the instrument then counts as loaded only when every item has points.
std::vector<std::string> apply_points_table(Instrument& instrument, const std::map<std::string, double>& points);

// Checks an instrument definition: inputs named exist (built in or declared), types fit
// the conditions. Returns the problems (empty when fine).
std::vector<std::string> check_instrument(const Instrument& instrument);

// `baseline`: the earlier exam's inputs, for a response instrument.
Result evaluate(const Instrument& instrument, const std::map<std::string, Value>& inputs,
                const std::map<std::string, Value>* baseline = nullptr);

}  // namespace crmo::instruments
