#pragma once
// Consensus of two readings of one exam, site by site (issue 7, docs/readers.md). Where
// the readers agree the consensus takes the grading; where they disagree the site is
// listed for adjudication and resolved only by an explicit decision (an adjudication, or
// a rule the user chose), never by a silent guess.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/atlas.hpp"
#include "core/exam.hpp"
#include "core/scheme.hpp"

namespace crmo::readers {

// One field the two readings disagree on: "signal", "physis", "clinical.pga", ...
struct FieldDifference {
  std::string field;
  std::string a, b;  // the two values as text ("absent" when not given)
};

struct Disagreement {
  std::string site;  // "unit:side"; "clinical" for the clinical measures
  std::vector<FieldDifference> fields;
  std::optional<SiteGrading> a, b;  // the two gradings (absent: the site is normal there)
  int a_score = 0, b_score = 0;     // unit scores
  std::string resolution;           // "" while pending; "a", "b", "adjudicated", "higher", "lower"
};

enum class Rule { None, A, B, Higher, Lower };

// An adjudicator's decision for one site: take reading a's or b's grading, or the given
// grading (nullopt grading with choice "normal": the site has no lesion).
struct Decision {
  std::string choice;                 // "a", "b", "grading", "normal"
  std::optional<SiteGrading> grading;  // with "grading"
};

struct ConsensusResult {
  Exam consensus;                          // reader "consensus" when nothing is pending
  std::vector<Disagreement> disagreements;  // atlas order; resolved ones say how
  int sites_agreed = 0, sites_resolved = 0, sites_pending = 0;
  bool complete() const { return sites_pending == 0; }
};

constexpr const char* kConsensusReader = "consensus";
constexpr const char* kPendingReader = "consensus-pending";

// `a` and `b` are two readings of one exam (validated). `decisions` maps a site (or
// "clinical") to an adjudication; `rule` resolves what decisions leave open. Pending
// sites are left out of the consensus, whose reader is then "consensus-pending".
// Throws std::invalid_argument when a and b are not readings of the same exam, or a
// decision names a site without a disagreement.
ConsensusResult build_consensus(const Exam& a, const Exam& b, const Atlas& atlas, const Scheme& scheme,
                                const std::map<std::string, Decision>& decisions = {}, Rule rule = Rule::None);

}  // namespace crmo::readers
