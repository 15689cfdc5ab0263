#include "core/readers/consensus.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include <fmt/format.h>

#include "core/scoring.hpp"
#include "core/validation.hpp"

namespace crmo::readers {

namespace {

std::string text(const std::optional<double>& v) { return v ? fmt::format("{:g}", *v) : "absent"; }
std::string text(const std::optional<bool>& v) { return v ? (*v ? "true" : "false") : "absent"; }
std::string text(const std::optional<std::string>& v) { return v ? *v : "absent"; }

// The involved sites of a reading (involvement grade > 0), by site key.
std::map<std::string, const SiteGrading*> involved(const Exam& e, const Scheme& scheme) {
  std::map<std::string, const SiteGrading*> out;
  for (const auto& g : e.lesions)
    if (g.grade(scheme.involvement_item) > 0) out.emplace(g.site, &g);
  return out;
}

// The other sites sharing a site's lesion label: readers choose their own labels, so
// two readings agree on a lesion when they group the same sites, whatever the labels.
std::set<std::string> lesion_group(const std::map<std::string, const SiteGrading*>& sites, const SiteGrading& g) {
  std::set<std::string> out;
  if (!g.lesion) return out;
  for (const auto& [key, other] : sites)
    if (other != &g && other->lesion == g.lesion) out.insert(key);
  return out;
}

std::string group_text(const std::set<std::string>& s) {
  if (s.empty()) return "a lesion of its own";
  std::string out = "one lesion with ";
  bool first = true;
  for (const auto& k : s) out += (first ? "" : ", ") + k, first = false;
  return out;
}

std::vector<FieldDifference> site_differences(const SiteGrading& a, const SiteGrading& b,
                                              const std::map<std::string, const SiteGrading*>& sa,
                                              const std::map<std::string, const SiteGrading*>& sb,
                                              const Scheme& scheme) {
  std::vector<FieldDifference> d;
  for (const auto& item : scheme.items)
    if (a.grade(item.name) != b.grade(item.name))
      d.push_back({item.name, std::to_string(a.grade(item.name)), std::to_string(b.grade(item.name))});
  if (a.physis != b.physis) d.push_back({"physis", text(a.physis), text(b.physis)});
  if (a.symptomatic != b.symptomatic) d.push_back({"symptomatic", text(a.symptomatic), text(b.symptomatic)});
  if (a.max_diameter_mm != b.max_diameter_mm)
    d.push_back({"max_diameter_mm", text(a.max_diameter_mm), text(b.max_diameter_mm)});
  if (a.volume_ml != b.volume_ml) d.push_back({"volume_ml", text(a.volume_ml), text(b.volume_ml)});
  if (a.si_ratio != b.si_ratio) d.push_back({"si_ratio", text(a.si_ratio), text(b.si_ratio)});
  auto ga = lesion_group(sa, a), gb = lesion_group(sb, b);
  if (ga != gb) d.push_back({"lesion", group_text(ga), group_text(gb)});
  return d;
}

std::vector<FieldDifference> clinical_differences(const ClinicalMeasures& a, const ClinicalMeasures& b) {
  std::vector<FieldDifference> d;
  auto num = [&](const char* name, const std::optional<double>& x, const std::optional<double>& y) {
    if (x != y) d.push_back({std::string("clinical.") + name, text(x), text(y)});
  };
  auto flag = [&](const char* name, const std::optional<bool>& x, const std::optional<bool>& y) {
    if (x != y) d.push_back({std::string("clinical.") + name, text(x), text(y)});
  };
  num("pga", a.pga, b.pga);
  num("pain", a.pain, b.pain);
  num("patient_global", a.patient_global, b.patient_global);
  num("chaq", a.chaq, b.chaq);
  num("esr", a.esr, b.esr);
  num("crp", a.crp, b.crp);
  num("clinical_severity", a.clinical_severity, b.clinical_severity);
  flag("fever", a.fever, b.fever);
  flag("normal_blood_count", a.normal_blood_count, b.normal_blood_count);
  flag("marginal_sclerosis", a.marginal_sclerosis, b.marginal_sclerosis);
  if (a.biopsy != b.biopsy) d.push_back({"clinical.biopsy", text(a.biopsy), text(b.biopsy)});
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  if (sorted(a.symptomatic_sites) != sorted(b.symptomatic_sites)) {
    auto join = [](const std::vector<std::string>& v) {
      std::string s;
      for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
      return s.empty() ? std::string("none") : s;
    };
    d.push_back({"clinical.symptomatic_sites", join(sorted(a.symptomatic_sites)), join(sorted(b.symptomatic_sites))});
  }
  return d;
}

int score_of(const std::optional<SiteGrading>& g, const Atlas& atlas, const Scheme& scheme) {
  if (!g) return 0;
  auto site = atlas.parse_site(g->site);
  return site ? unit_score(*g, *site->unit, scheme) : 0;
}

}  // namespace

ConsensusResult build_consensus(const Exam& a, const Exam& b, const Atlas& atlas, const Scheme& scheme,
                                const std::map<std::string, Decision>& decisions, Rule rule) {
  if (a.id != b.id) throw std::invalid_argument("readings of two exams ('" + a.id + "', '" + b.id + "'): a consensus needs two readings of one exam");
  if (a.patient.id != b.patient.id || a.date != b.date)
    throw std::invalid_argument("the two readings of exam '" + a.id + "' disagree on patient or date");
  ConsensusResult r;
  Exam& c = r.consensus;
  c.patient = a.patient;
  c.id = a.id;
  c.date = a.date;
  c.timepoint = a.timepoint;

  const auto sa = involved(a, scheme), sb = involved(b, scheme);
  std::set<std::string> keys;
  for (const auto& [k, g] : sa) keys.insert(k);
  for (const auto& [k, g] : sb) keys.insert(k);
  std::unordered_map<std::string, std::size_t> order;
  for (const Site& s : atlas.sites()) order.emplace(s.key(), order.size());
  std::vector<std::string> sorted(keys.begin(), keys.end());
  std::stable_sort(sorted.begin(), sorted.end(), [&](const std::string& x, const std::string& y) {
    return (order.count(x) ? order.at(x) : order.size()) < (order.count(y) ? order.at(y) : order.size());
  });

  std::set<std::string> used_decisions;
  // Labels: a's are kept; a label of b's that a also uses gets a "b-" prefix so that two
  // different lesions never merge in the consensus.
  std::set<std::string> a_labels;
  for (const auto& g : a.lesions)
    if (g.lesion) a_labels.insert(*g.lesion);
  auto from_b = [&](SiteGrading g) {
    if (g.lesion && a_labels.count(*g.lesion)) g.lesion = "b-" + *g.lesion;
    return g;
  };

  for (const auto& key : sorted) {
    auto ia = sa.find(key), ib = sb.find(key);
    const SiteGrading* ga = ia == sa.end() ? nullptr : ia->second;
    const SiteGrading* gb = ib == sb.end() ? nullptr : ib->second;
    Disagreement d;
    d.site = key;
    if (ga) d.a = *ga;
    if (gb) d.b = *gb;
    if (ga && gb) d.fields = site_differences(*ga, *gb, sa, sb, scheme);
    else d.fields.push_back({scheme.involvement_item, ga ? std::to_string(ga->grade(scheme.involvement_item)) : "0",
                             gb ? std::to_string(gb->grade(scheme.involvement_item)) : "0"});
    if (d.fields.empty()) {
      ++r.sites_agreed;
      c.lesions.push_back(*ga);
      continue;
    }
    d.a_score = score_of(d.a, atlas, scheme);
    d.b_score = score_of(d.b, atlas, scheme);
    std::optional<SiteGrading> chosen;
    bool resolved = false;
    if (auto it = decisions.find(key); it != decisions.end()) {
      used_decisions.insert(key);
      const Decision& dec = it->second;
      resolved = true;
      d.resolution = "adjudicated";
      if (dec.choice == "a") chosen = d.a, d.resolution = "a";
      else if (dec.choice == "b") chosen = d.b ? std::optional<SiteGrading>(from_b(*d.b)) : std::nullopt, d.resolution = "b";
      else if (dec.choice == "normal") chosen.reset();
      else if (dec.choice == "grading" && dec.grading) {
        if (dec.grading->site != key)
          throw std::invalid_argument("decision for " + key + " grades another site, " + dec.grading->site);
        chosen = dec.grading;
      } else {
        throw std::invalid_argument("decision for " + key + ": expected a, b, normal or a grading");
      }
    } else if (rule == Rule::A) {
      chosen = d.a, resolved = true, d.resolution = "a";
    } else if (rule == Rule::B) {
      chosen = d.b ? std::optional<SiteGrading>(from_b(*d.b)) : std::nullopt, resolved = true, d.resolution = "b";
    } else if ((rule == Rule::Higher || rule == Rule::Lower) && d.a_score != d.b_score) {
      const bool take_a = (rule == Rule::Higher) == (d.a_score > d.b_score);
      chosen = take_a ? d.a : (d.b ? std::optional<SiteGrading>(from_b(*d.b)) : std::nullopt);
      resolved = true;
      d.resolution = rule == Rule::Higher ? "higher" : "lower";
    }
    if (resolved) {
      ++r.sites_resolved;
      if (chosen && chosen->grade(scheme.involvement_item) > 0) c.lesions.push_back(*chosen);
    } else {
      ++r.sites_pending;
    }
    r.disagreements.push_back(std::move(d));
  }

  // Clinical measures: one visit, so the two readings should carry the same values.
  auto clinical = clinical_differences(a.clinical, b.clinical);
  c.clinical = a.clinical;
  if (!clinical.empty()) {
    Disagreement d;
    d.site = "clinical";
    d.fields = clinical;
    bool resolved = true;
    if (auto it = decisions.find("clinical"); it != decisions.end()) {
      used_decisions.insert("clinical");
      if (it->second.choice == "a") d.resolution = "a";
      else if (it->second.choice == "b") d.resolution = "b", c.clinical = b.clinical;
      else throw std::invalid_argument("decision for clinical: expected a or b");
    } else if (rule == Rule::A) {
      d.resolution = "a";
    } else if (rule == Rule::B) {
      d.resolution = "b", c.clinical = b.clinical;
    } else {
      resolved = false;
      // Only what both readings agree on; the differing fields stay missing.
      ClinicalMeasures agreed;
      const auto &x = a.clinical, &y = b.clinical;
      if (x.pga == y.pga) agreed.pga = x.pga;
      if (x.pain == y.pain) agreed.pain = x.pain;
      if (x.patient_global == y.patient_global) agreed.patient_global = x.patient_global;
      if (x.chaq == y.chaq) agreed.chaq = x.chaq;
      if (x.esr == y.esr) agreed.esr = x.esr;
      if (x.crp == y.crp) agreed.crp = x.crp;
      if (x.clinical_severity == y.clinical_severity) agreed.clinical_severity = x.clinical_severity;
      if (x.fever == y.fever) agreed.fever = x.fever;
      if (x.normal_blood_count == y.normal_blood_count) agreed.normal_blood_count = x.normal_blood_count;
      if (x.marginal_sclerosis == y.marginal_sclerosis) agreed.marginal_sclerosis = x.marginal_sclerosis;
      if (x.biopsy == y.biopsy) agreed.biopsy = x.biopsy;
      for (const auto& s : x.symptomatic_sites)
        if (std::find(y.symptomatic_sites.begin(), y.symptomatic_sites.end(), s) != y.symptomatic_sites.end())
          agreed.symptomatic_sites.push_back(s);
      c.clinical = agreed;
    }
    if (resolved) ++r.sites_resolved;
    else ++r.sites_pending;
    r.disagreements.push_back(std::move(d));
  }

  for (const auto& [key, dec] : decisions)
    if (!used_decisions.count(key))
      throw std::invalid_argument("decision for " + key + ": the two readings do not disagree there");

  c.reader = r.complete() ? kConsensusReader : kPendingReader;
  // An adjudicated grading must be a valid record like any other.
  auto problems = validate_exam(c, atlas, scheme);
  if (!problems.empty()) {
    const auto& p = problems.front();
    std::string where = p.lesion >= 0 ? c.lesions[static_cast<std::size_t>(p.lesion)].site + " " : std::string();
    throw std::invalid_argument("consensus is not a valid reading: " + where + p.field + ": " + p.message);
  }
  return r;
}

}  // namespace crmo::readers
