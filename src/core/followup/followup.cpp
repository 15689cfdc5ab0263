#include "core/followup/followup.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "core/scoring.hpp"
#include "core/stats/quantile.hpp"
#include "core/stats/wilcoxon.hpp"

namespace crmo::followup {

std::string_view to_string(SiteChange change) {
  switch (change) {
    case SiteChange::New: return "new";
    case SiteChange::Resolved: return "resolved";
    case SiteChange::Improved: return "improved";
    case SiteChange::Worsened: return "worsened";
    case SiteChange::Stable: return "stable";
  }
  return "?";
}

std::string_view to_string(ResponseStatus status) {
  switch (status) {
    case ResponseStatus::Met: return "met";
    case ResponseStatus::NotMet: return "not_met";
    case ResponseStatus::Undetermined: return "undetermined";
  }
  return "?";
}

// --- PedCNO ---------------------------------------------------------------------------

namespace {

// a >= b allowing for the rounding of percentages (10 -> 7 is exactly 30 %).
bool at_least(double a, double b) { return a >= b - 1e-9 * std::max(1.0, std::fabs(b)); }
bool more_than(double a, double b) { return a > b + 1e-9 * std::max(1.0, std::fabs(b)); }

// from, to both known: improved by >= level %?
bool improved_by(double from, double to, int level) {
  return from > 0 && at_least((from - to) * 100.0, level * from);
}
// Worsened by more than pct %? From 0 to anything above 0 is a worsening.
bool worsened_by(double from, double to, double pct) {
  if (from <= 0) return to > 0;
  return more_than((to - from) * 100.0, pct * from);
}

}  // namespace

Possible possible_outcomes(const CoreValue& v, int level, double worsen_pct) {
  Possible p;
  if (v.from && v.to) {
    if (improved_by(*v.from, *v.to, level)) p.improved = true;
    else if (worsened_by(*v.from, *v.to, worsen_pct)) p.worsened = true;
    else p.neither = true;
    return p;
  }
  const bool unbounded = !v.max.has_value();
  const double max = v.max.value_or(0);
  if (v.from) {  // follow-up missing: it can be anything in [min, max]
    const double from = *v.from;
    // Best: the lowest follow-up value.
    p.improved = from > 0 && at_least((from - v.min) * 100.0, level * from);
    // Worst: the highest.
    p.worsened = unbounded || worsened_by(from, max, worsen_pct);
    p.neither = true;  // the same value again
    return p;
  }
  if (v.to) {  // baseline missing: it can be anything in [min, max]
    const double to = *v.to;
    // Best: the highest baseline.
    p.improved = unbounded ? true : improved_by(max, to, level);
    if (unbounded && to >= 0) p.improved = true;
    // Worst: the lowest baseline.
    p.worsened = worsened_by(v.min, to, worsen_pct);
    p.neither = true;  // the same value before
    return p;
  }
  p.improved = unbounded || max > 0;
  p.worsened = unbounded || max > 0;
  p.neither = true;
  return p;
}

PedcnoResult pedcno_response(const std::vector<CoreValue>& values, const ResponseRule& rule) {
  PedcnoResult r;
  r.values = values;
  for (auto& v : r.values) {
    if (!v.from || !v.to) r.missing.push_back(v.name);
    if (v.from && v.to && *v.from > 0) v.improvement_pct = (*v.from - *v.to) / *v.from * 100.0;
  }
  for (int level : rule.levels) {
    // Holds whatever the missing values are: the fewest improved and the most worsened
    // over every completion still meet the rule. Cannot hold: even the most improved
    // (choosing "improved" never adds a worsening) with the fewest worsened fails.
    int sure_improved = 0, can_improve = 0, can_worsen = 0, must_worsen = 0;
    for (const auto& v : r.values) {
      Possible p = possible_outcomes(v, level, rule.worsen_pct);
      if (p.improved && !p.worsened && !p.neither) ++sure_improved;
      if (p.improved) ++can_improve;
      if (p.worsened) ++can_worsen;
      if (p.worsened && !p.improved && !p.neither) ++must_worsen;
    }
    LevelResult lr{level, ResponseStatus::Undetermined};
    if (sure_improved >= rule.min_improved && can_worsen <= rule.max_worsened) lr.status = ResponseStatus::Met;
    else if (can_improve < rule.min_improved || must_worsen > rule.max_worsened) lr.status = ResponseStatus::NotMet;
    r.levels.push_back(lr);
  }
  for (const auto& lr : r.levels)
    if (lr.status == ResponseStatus::Met) r.level = std::max(r.level.value_or(0), lr.level);
  if (r.level) r.status = ResponseStatus::Met;
  else if (!r.levels.empty() && std::all_of(r.levels.begin(), r.levels.end(), [](const LevelResult& l) {
             return l.status == ResponseStatus::NotMet;
           }))
    r.status = ResponseStatus::NotMet;
  else r.status = ResponseStatus::Undetermined;
  return r;
}

int lesion_count(const Exam& exam, const Atlas& atlas, const Scheme& scheme) {
  ParameterDef def;
  def.name = def.function = "lesion_count";
  return static_cast<int>(evaluate_parameter(def, exam, atlas, scheme).value_or(0));
}

int rai_total(const Exam& exam, const Atlas& atlas, const Scheme& scheme) {
  return score_exam(exam, atlas, scheme, {}).total;
}

std::vector<CoreValue> pedcno_core_values(const Exam& a, const Exam& b, const Atlas& atlas, const Scheme& scheme) {
  const auto& ca = a.clinical;
  const auto& cb = b.clinical;
  auto count = [&](const Exam& e) { return std::optional<double>(lesion_count(e, atlas, scheme)); };
  return {
      {"esr", ca.esr, cb.esr, 0, std::nullopt, std::nullopt},
      {"lesion_count", count(a), count(b), 0, std::nullopt, std::nullopt},
      {"pga", ca.pga, cb.pga, 0, 10.0, std::nullopt},
      {"patient_global", ca.patient_global, cb.patient_global, 0, 10.0, std::nullopt},
      {"chaq", ca.chaq, cb.chaq, 0, 3.0, std::nullopt},
  };
}

// --- Change table ----------------------------------------------------------------------

std::optional<double> exam_volume_ml(const Exam& exam, const Scheme& scheme) {
  double sum = 0;
  for (const auto& g : exam.lesions) {
    if (g.grade(scheme.involvement_item) <= 0) continue;
    if (!g.volume_ml) return std::nullopt;
    sum += *g.volume_ml;
  }
  return sum;
}

ExamChange compare_exams(const Exam& a, const Exam& b, const Atlas& atlas, const Scheme& scheme) {
  ExamChange c;
  c.patient_id = a.patient.id;
  c.from = a.id;
  c.to = b.id;
  c.from_date = a.date;
  c.to_date = b.date;
  c.days = b.date.days_since_epoch() - a.date.days_since_epoch();
  const ExamScore sa = score_exam(a, atlas, scheme, {});
  const ExamScore sb = score_exam(b, atlas, scheme, {});
  c.rai_from = sa.total;
  c.rai_to = sb.total;
  c.rai_change = sb.total - sa.total;
  c.lesion_count_from = lesion_count(a, atlas, scheme);
  c.lesion_count_to = lesion_count(b, atlas, scheme);
  c.lesion_count_change = c.lesion_count_to - c.lesion_count_from;

  struct Side {
    std::optional<int> score;
    std::optional<double> volume;
  };
  std::map<std::string, std::pair<Side, Side>> by_site;
  auto fill = [&](const Exam& e, const ExamScore& s, bool second) {
    for (const auto& site : s.sites) {
      Side side{site.score, std::nullopt};
      for (const auto& g : e.lesions)
        if (g.site == site.site) side.volume = g.volume_ml;
      (second ? by_site[site.site].second : by_site[site.site].first) = side;
    }
  };
  fill(a, sa, false);
  fill(b, sb, true);
  std::unordered_map<std::string, std::size_t> order;
  for (const Site& s : atlas.sites()) order.emplace(s.key(), order.size());
  std::vector<std::string> keys;
  for (const auto& [k, v] : by_site) keys.push_back(k);
  std::stable_sort(keys.begin(), keys.end(), [&](const std::string& x, const std::string& y) {
    auto ix = order.count(x) ? order.at(x) : order.size();
    auto iy = order.count(y) ? order.at(y) : order.size();
    return ix < iy;
  });
  for (const auto& key : keys) {
    const auto& [before, after] = by_site.at(key);
    SiteChangeRow row;
    row.site = key;
    row.from_score = before.score.value_or(0);
    row.to_score = after.score.value_or(0);
    if (!before.score) row.change = SiteChange::New, ++c.new_sites;
    else if (!after.score) row.change = SiteChange::Resolved, ++c.resolved_sites;
    else if (row.to_score < row.from_score) row.change = SiteChange::Improved, ++c.improved_sites;
    else if (row.to_score > row.from_score) row.change = SiteChange::Worsened, ++c.worsened_sites;
    else row.change = SiteChange::Stable, ++c.stable_sites;
    row.from_volume_ml = before.score ? before.volume : std::optional<double>(0.0);
    row.to_volume_ml = after.score ? after.volume : std::optional<double>(0.0);
    if (row.from_volume_ml && row.to_volume_ml) row.volume_change_ml = *row.to_volume_ml - *row.from_volume_ml;
    c.sites.push_back(row);
  }
  c.volume_from_ml = exam_volume_ml(a, scheme);
  c.volume_to_ml = exam_volume_ml(b, scheme);
  if (c.volume_from_ml && c.volume_to_ml) c.volume_change_ml = *c.volume_to_ml - *c.volume_from_ml;
  c.pedcno = pedcno_response(pedcno_core_values(a, b, atlas, scheme));
  return c;
}

// --- Timeline --------------------------------------------------------------------------

std::vector<const Exam*> one_reading_per_exam(const std::vector<Exam>& exams, const std::string& reader) {
  std::map<std::string, const Exam*> chosen;
  std::vector<std::string> order;
  auto rank = [&](const Exam& e) {
    if (!reader.empty()) return e.reader == reader ? 0 : 2;
    if (e.reader == "consensus-pending") return 3;  // unfinished: only when nothing else
    return e.reader == "consensus" ? 0 : 1;
  };
  for (const Exam& e : exams) {
    auto it = chosen.find(e.id);
    if (it == chosen.end()) {
      chosen.emplace(e.id, &e);
      order.push_back(e.id);
      continue;
    }
    const Exam& cur = *it->second;
    if (rank(e) < rank(cur) || (rank(e) == rank(cur) && e.reader < cur.reader)) it->second = &e;
  }
  std::vector<const Exam*> out;
  for (const auto& id : order) {
    const Exam* e = chosen.at(id);
    if (!reader.empty() && e->reader != reader) continue;
    out.push_back(e);
  }
  return out;
}

std::vector<std::string> patient_ids(const std::vector<Exam>& exams) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (const Exam& e : exams)
    if (seen.insert(e.patient.id).second) ids.push_back(e.patient.id);
  return ids;
}

namespace {
void sort_by_date(std::vector<const Exam*>& exams) {
  std::stable_sort(exams.begin(), exams.end(), [](const Exam* x, const Exam* y) {
    return x->date != y->date ? x->date < y->date : x->id < y->id;
  });
}

std::vector<const Exam*> patient_exams(const std::vector<Exam>& exams, const std::string& patient_id,
                                       const std::string& reader) {
  std::vector<const Exam*> out;
  for (const Exam* e : one_reading_per_exam(exams, reader))
    if (e->patient.id == patient_id) out.push_back(e);
  sort_by_date(out);
  return out;
}

// Every patient's exams, the readings chosen once for the whole cohort (choosing them
// per patient made the cohort follow-up quadratic in the number of exams).
std::map<std::string, std::vector<const Exam*>> exams_by_patient(const std::vector<Exam>& exams,
                                                                 const std::string& reader) {
  std::map<std::string, std::vector<const Exam*>> out;
  for (const Exam* e : one_reading_per_exam(exams, reader)) out[e->patient.id].push_back(e);
  for (auto& [pid, list] : out) sort_by_date(list);
  return out;
}
}  // namespace

Timeline patient_timeline(const std::vector<Exam>& exams, const std::string& patient_id, const Atlas& atlas,
                          const Scheme& scheme, const std::string& reader) {
  Timeline t;
  t.patient_id = patient_id;
  const auto mine = patient_exams(exams, patient_id, reader);
  if (mine.empty())
    throw std::invalid_argument("no exam of patient '" + patient_id + "'" +
                                (reader.empty() ? std::string() : " read by '" + reader + "'"));
  for (const Exam* e : mine) {
    TimelinePoint p;
    p.exam_id = e->id;
    p.timepoint = e->timepoint;
    p.reader = e->reader;
    p.date = e->date;
    p.rai_total = rai_total(*e, atlas, scheme);
    p.lesion_count = lesion_count(*e, atlas, scheme);
    p.pga = e->clinical.pga;
    p.clinical_severity = e->clinical.clinical_severity;
    p.volume_ml = exam_volume_ml(*e, scheme);
    t.points.push_back(p);
  }
  for (std::size_t i = 1; i < mine.size(); ++i) {
    t.steps.push_back(compare_exams(*mine[i - 1], *mine[i], atlas, scheme));
    t.from_first.push_back(compare_exams(*mine[0], *mine[i], atlas, scheme));
  }
  return t;
}

// --- Cohort ----------------------------------------------------------------------------

CohortFollowup cohort_followup(const std::vector<Exam>& exams, const Atlas& atlas, const Scheme& scheme,
                               const std::string& from_tp, const std::string& to_tp, const std::string& reader) {
  CohortFollowup out;
  out.from_timepoint = from_tp;
  out.to_timepoint = to_tp;
  const auto by_patient = exams_by_patient(exams, reader);
  for (const auto& pid : patient_ids(exams)) {
    const auto found = by_patient.find(pid);
    const std::vector<const Exam*> none;
    const auto& mine = found == by_patient.end() ? none : found->second;
    const Exam* a = nullptr;
    const Exam* b = nullptr;
    if (from_tp.empty() && to_tp.empty()) {
      if (mine.size() >= 2) a = mine[0], b = mine[1];
    } else {
      for (const Exam* e : mine) {
        if (!a && e->timepoint == from_tp) a = e;
        if (!b && e->timepoint == to_tp) b = e;
      }
    }
    if (!a || !b || a == b) {
      out.patients_without_pair.push_back(pid);
      continue;
    }
    if (b->date < a->date) std::swap(a, b);
    out.pairs.push_back(compare_exams(*a, *b, atlas, scheme));
    switch (out.pairs.back().pedcno.status) {
      case ResponseStatus::Met: ++out.pedcno_met; break;
      case ResponseStatus::NotMet: ++out.pedcno_not_met; break;
      case ResponseStatus::Undetermined: ++out.pedcno_undetermined; break;
    }
  }
  for (const char* measure : {"rai_total", "lesion_count"}) {
    PairedComparison pc;
    pc.measure = measure;
    for (const auto& p : out.pairs) {
      const bool rai = pc.measure == "rai_total";
      pc.from.push_back(rai ? p.rai_from : p.lesion_count_from);
      pc.to.push_back(rai ? p.rai_to : p.lesion_count_to);
    }
    if (!pc.from.empty()) {
      pc.median_from = stats::median(pc.from);
      pc.median_to = stats::median(pc.to);
      std::vector<double> d;
      for (std::size_t i = 0; i < pc.from.size(); ++i) d.push_back(pc.to[i] - pc.from[i]);
      pc.median_change = stats::median(d);
    }
    try {
      pc.test = stats::signed_rank(pc.from, pc.to);
    } catch (const std::exception& e) {
      pc.note = std::string("no test: ") + e.what();
    }
    out.comparisons.push_back(std::move(pc));
  }
  return out;
}

}  // namespace crmo::followup
