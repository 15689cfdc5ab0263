#include "core/synth/placement.hpp"

#include <map>
#include <stdexcept>

#include <fmt/format.h>

namespace crmo::synth {

std::string site_key(const BoneUnit& u, Side side) { return u.id + ":" + std::string(to_string(side)); }

bool has_site(const Exam& exam, const std::string& site) {
  for (const auto& l : exam.lesions)
    if (l.site == site) return true;
  return false;
}

int lesion_labels(const Exam& exam) {
  std::set<std::string> labels;
  for (const auto& l : exam.lesions) labels.insert(l.lesion.value_or(l.site));
  return static_cast<int>(labels.size());
}

Placer::Placer(const Atlas& atlas, const Parameters& parameters) : atlas_(atlas), p_(parameters) {
  std::map<std::string, std::vector<const BoneUnit*>> by_bone;
  for (const auto& u : atlas.units()) by_bone[u.bone].push_back(&u);
  double acc = 0;
  for (const auto& bw : p_.bone_weights) {
    auto it = by_bone.find(bw.bone);
    if (it == by_bone.end()) throw std::invalid_argument("synth: bone '" + bw.bone + "' is not in the atlas");
    acc += bw.weight;
    bone_cum_.push_back(acc);
    bone_units_.push_back(it->second);
  }
  if (bone_cum_.empty() || acc <= 0) throw std::invalid_argument("synth: no bone weights");
}

SiteGrading Placer::grade(const BoneUnit& u, Side side, Rng& rng) const {
  SiteGrading g;
  g.site = site_key(u, side);
  g.grades["signal"] = rng.chance(p_.signal_marked) ? 2 : 1;
  double ex = rng.uniform();
  g.grades["extent"] = ex < p_.extent_3 ? 3 : ex < p_.extent_3 + p_.extent_2 ? 2 : 1;
  if (rng.chance(p_.soft_tissue)) g.grades["soft_tissue"] = 1;
  if (rng.chance(p_.periosteal)) g.grades["periosteal"] = 1;
  if (u.kind == UnitKind::Vertebra) {
    if (rng.chance(p_.collapse)) g.grades["collapse"] = 1;
  } else if (rng.chance(p_.expansion)) {
    g.grades["expansion"] = 1;
  }
  return g;
}

int Placer::place_on(Exam& exam, const BoneUnit& u, Side side, Rng& rng, bool symptomatic) const {
  // The first free label from l<count + 1> (a follow-up keeps its baseline labels).
  std::set<std::string> used;
  for (const auto& l : exam.lesions)
    if (l.lesion) used.insert(*l.lesion);
  int n = lesion_labels(exam) + 1;
  while (used.count(fmt::format("l{}", n))) ++n;
  std::string label = fmt::format("l{}", n);
  std::optional<std::string> physis;
  const BoneUnit* crossing = nullptr;
  if (u.kind == UnitKind::Long) {
    bool meta = u.id.find("metaphysis") != std::string::npos;
    bool epi = u.id.find("epiphysis") != std::string::npos;
    double r = rng.uniform();
    if (meta) {
      physis = r < p_.metaphysis_abutting ? "abutting"
               : r < p_.metaphysis_abutting + p_.metaphysis_transphyseal ? "transphyseal"
                                                                          : "none";
      if (*physis == "transphyseal" && rng.chance(p_.transphyseal_crossing)) {
        std::string adj = u.id;
        adj.replace(adj.find("metaphysis"), 10, "epiphysis");
        crossing = atlas_.find(adj);
      }
    } else if (epi) {
      physis = r < p_.epiphysis_abutting ? "abutting"
               : r < p_.epiphysis_abutting + p_.epiphysis_transphyseal ? "transphyseal"
                                                                        : "none";
    } else {
      physis = "none";
    }
  }
  auto add = [&](const BoneUnit& unit) {
    SiteGrading g = grade(unit, side, rng);
    if (unit.kind == UnitKind::Long) g.physis = physis;
    g.symptomatic = symptomatic;
    g.lesion = label;
    exam.lesions.push_back(std::move(g));
  };
  add(u);
  if (crossing && !has_site(exam, site_key(*crossing, side))) add(*crossing);
  return 1;
}

int Placer::place(Exam& exam, Rng& rng, int room, double symptomatic_share) const {
  if (room <= 0) return 0;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const auto& units = bone_units_[rng.weighted(bone_cum_)];
    const BoneUnit* u = nullptr;
    if (units.front()->kind == UnitKind::Long) {
      // Segment first, then which end: proximal or distal.
      double r = rng.uniform();
      std::string seg = r < p_.metaphysis_share                      ? "metaphysis"
                        : r < p_.metaphysis_share + p_.diaphysis_share ? "diaphysis"
                                                                       : "epiphysis";
      std::string bone = units.front()->id.substr(0, units.front()->id.find('.'));
      std::string id = seg == "diaphysis" ? bone + ".diaphysis" : bone + (rng.chance(0.5) ? ".proximal_" : ".distal_") + seg;
      u = atlas_.find(id);
      if (!u) u = units[rng.index(units.size())];
    } else {
      u = units[rng.index(units.size())];
    }
    Side side = u->paired ? (rng.chance(0.5) ? Side::L : Side::R) : Side::M;
    if (has_site(exam, site_key(*u, side))) continue;
    int added = place_on(exam, *u, side, rng, rng.chance(symptomatic_share));
    if (u->paired && added < room && rng.chance(p_.mirror_share)) {
      Side other = side == Side::L ? Side::R : Side::L;
      if (!has_site(exam, site_key(*u, other))) added += place_on(exam, *u, other, rng, rng.chance(symptomatic_share));
    }
    return added;
  }
  return 0;
}

}  // namespace crmo::synth
