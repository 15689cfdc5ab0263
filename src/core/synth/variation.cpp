#include "core/synth/variation.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace crmo::synth {

namespace {

int get(const SiteGrading& g, const char* item) { return g.grade(item); }
void set(SiteGrading& g, const char* item, int v) {
  if (v == 0) g.grades.erase(item);
  else g.grades[item] = v;
}

}  // namespace

Exam follow_up_exam(const Exam& base, const FollowupParameters& F, const Parameters& P, const Placer& placer,
                    Rng& rng) {
  Exam f;
  f.patient = base.patient;
  f.id = base.patient.id + "-2";
  f.timepoint = F.timepoint;
  f.reader = base.reader;
  long span = std::max(0, F.interval_max_days - F.interval_min_days);
  f.date = date_from_days(base.date.days_since_epoch() + F.interval_min_days +
                          static_cast<long>(rng.index(static_cast<std::size_t>(span + 1))));

  // Fate per baseline lesion (sites sharing a label share it).
  std::map<std::string, int> fate;  // 0 resolve, 1 improve, 2 worsen, 3 stable
  for (const auto& l : base.lesions) {
    std::string label = l.lesion.value_or(l.site);
    if (fate.count(label)) continue;
    double r = rng.uniform();
    fate[label] = r < F.resolve ? 0 : r < F.resolve + F.improve ? 1 : r < F.resolve + F.improve + F.worsen ? 2 : 3;
  }
  for (const auto& l : base.lesions) {
    int what = fate[l.lesion.value_or(l.site)];
    if (what == 0) continue;
    SiteGrading g = l;
    g.symptomatic = rng.chance(F.symptomatic);
    if (what == 1) {
      if (get(g, "signal") == 1 && get(g, "extent") == 1) continue;  // nothing left to improve: resolved
      if (get(g, "extent") > 1) set(g, "extent", get(g, "extent") - 1);
      else set(g, "signal", 1);
      if (get(g, "signal") == 2 && rng.chance(0.5)) set(g, "signal", 1);
      if (rng.chance(0.5)) set(g, "soft_tissue", 0);
      if (rng.chance(0.5)) set(g, "periosteal", 0);
    } else if (what == 2) {
      if (get(g, "extent") < 3) set(g, "extent", get(g, "extent") + 1);
      else if (get(g, "signal") < 2) set(g, "signal", 2);
      else set(g, "soft_tissue", 1);
    }
    f.lesions.push_back(std::move(g));
  }
  int fresh = rng.poisson(F.new_lesions_mean), added = 0;
  while (added < fresh) {
    int n = placer.place(f, rng, fresh - added, F.symptomatic);
    if (n == 0) break;
    added += n;
  }

  // Clinical response: part imaging response, part the patient's own.
  const ClinicalMeasures& b = base.clinical;
  ClinicalMeasures& c = f.clinical;
  double before = std::max(1, lesion_labels(base));
  double imaging = std::clamp(1.0 - lesion_labels(f) / before, -1.0, 1.0);
  double own = F.clinical_response_mean + F.clinical_response_sd * rng.normal();
  double response = std::clamp(F.clinical_imaging_weight * imaging + (1 - F.clinical_imaging_weight) * own, -1.0, 1.0);
  auto fall = [&](const std::optional<double>& v, double lo, double hi, double step) -> std::optional<double> {
    if (!v) return std::nullopt;
    double r = std::clamp(response + 0.15 * rng.normal(), -1.0, 1.0);
    return clamp_round(*v * (1 - r), lo, hi, step);
  };
  c.pga = fall(b.pga, 0, 10, 0.5);
  c.pain = fall(b.pain, 0, 10, 1);
  c.patient_global = fall(b.patient_global, 0, 10, 1);
  c.chaq = fall(b.chaq, 0, 3, 0.125);
  c.esr = fall(b.esr, 2, 150, 1);
  c.crp = fall(b.crp, 0.1, 200, 0.1);
  c.fever = rng.chance(P.fever / 2);
  c.normal_blood_count = rng.chance(P.normal_blood_count);
  return f;
}

Exam second_reading(const Exam& exam, const ReaderParameters& R, const Atlas& atlas, const Placer& placer, Rng& rng) {
  Exam r = exam;
  r.reader = R.reader;
  r.lesions.clear();
  for (const auto& l : exam.lesions) {
    if (rng.chance(R.miss)) continue;
    SiteGrading g = l;
    const BoneUnit* u = atlas.find(l.site.substr(0, l.site.rfind(':')));
    if (rng.chance(R.signal_differs)) set(g, "signal", get(g, "signal") == 2 ? 1 : 2);
    if (rng.chance(R.extent_differs)) {
      int e = get(g, "extent");
      set(g, "extent", e == 1 ? 2 : e == 3 ? 2 : (rng.chance(0.5) ? 1 : 3));
    }
    for (const char* item : {"soft_tissue", "periosteal", "expansion", "collapse"}) {
      bool applies = std::string(item) == "collapse" ? u && u->kind == UnitKind::Vertebra
                     : std::string(item) == "expansion" ? u && u->kind != UnitKind::Vertebra
                                                          : true;
      if (applies && rng.chance(R.feature_differs)) set(g, item, get(g, item) ? 0 : 1);
    }
    if (g.physis && rng.chance(R.physis_differs)) {
      static const char* kRelations[] = {"none", "abutting", "transphyseal"};
      std::string other;
      do other = kRelations[rng.index(3)];
      while (other == *g.physis);
      g.physis = other;
    }
    r.lesions.push_back(std::move(g));
  }
  if (rng.chance(R.extra)) placer.place(r, rng, 1, 0.5);
  return r;
}

}  // namespace crmo::synth
