#include "core/synth/synth.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace crmo::synth {

namespace {

// Uniform, normal and choice draws from the raw 64-bit Mersenne Twister output, so that
// a seed gives the same cohort with any standard library.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return uniform() < p; }
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1 = 0;
    do u1 = uniform();
    while (u1 <= 0);
    double u2 = uniform();
    double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = r * std::sin(2 * M_PI * u2);
    has_spare_ = true;
    return r * std::cos(2 * M_PI * u2);
  }
  std::size_t index(std::size_t n) { return std::min(n - 1, static_cast<std::size_t>(uniform() * static_cast<double>(n))); }
  std::size_t weighted(const std::vector<double>& cumulative) {
    double u = uniform() * cumulative.back();
    return static_cast<std::size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin());
  }

 private:
  std::mt19937_64 engine_;
  bool has_spare_ = false;
  double spare_ = 0;
};

Date date_from_days(long z) {
  // H. Hinnant's civil_from_days.
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const long doe = z - era * 146097;
  const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long y = yoe + era * 400;
  const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long mp = (5 * doy + 2) / 153;
  const long d = doy - (153 * mp + 2) / 5 + 1;
  const long m = mp < 10 ? mp + 3 : mp - 9;
  return Date{static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

double clamp_round(double v, double lo, double hi, double step) {
  v = std::round(v / step) * step;
  return std::clamp(v, lo, hi);
}

struct BoneUnits {
  std::vector<const BoneUnit*> units;
};

}  // namespace

std::vector<Exam> generate(const Request& request, const Atlas& atlas) {
  const Parameters& P = request.parameters;
  if (request.patients < 1) throw std::invalid_argument("the number of patients must be at least 1");
  Rng rng(request.seed);

  std::map<std::string, std::vector<const BoneUnit*>> by_bone;
  for (const auto& u : atlas.units()) by_bone[u.bone].push_back(&u);
  std::vector<double> bone_cum;
  std::vector<const std::vector<const BoneUnit*>*> bone_units;
  double acc = 0;
  for (const auto& bw : P.bone_weights) {
    auto it = by_bone.find(bw.bone);
    if (it == by_bone.end()) throw std::invalid_argument("synth: bone '" + bw.bone + "' is not in the atlas");
    acc += bw.weight;
    bone_cum.push_back(acc);
    bone_units.push_back(&it->second);
  }

  const int width = std::max(3, static_cast<int>(std::to_string(request.patients).size()));
  std::vector<Exam> exams;
  exams.reserve(static_cast<std::size_t>(request.patients));
  for (int p = 1; p <= request.patients; ++p) {
    Exam e;
    e.patient.id = fmt::format("P{:0{}}", p, width);
    e.id = e.patient.id + "-1";
    e.timepoint = "baseline";
    e.reader = "R1";
    e.patient.sex = rng.chance(P.female_share) ? "F" : "M";
    double age = 0;
    do age = P.age_mean + P.age_sd * rng.normal();
    while (age < P.age_min || age > P.age_max);
    long exam_day = P.first_day + static_cast<long>(rng.index(static_cast<std::size_t>(P.last_day - P.first_day + 1)));
    e.date = date_from_days(exam_day);
    e.patient.birth_date = date_from_days(exam_day - static_cast<long>(std::floor(age * 365.25)));

    // Number of distinct lesions.
    int k = 1;
    if (!rng.chance(P.unifocal_share)) {
      do k = 2 + static_cast<int>(std::floor(std::exp(P.multifocal_log_mean + P.multifocal_log_sd * rng.normal())));
      while (k > P.max_lesions);
    }

    std::set<std::string> taken;
    int lesions = 0, attempts = 0;
    int symptomatic_lesions = 0;
    auto add_site = [&](const BoneUnit* u, Side side, const std::string& label, bool symptomatic,
                        std::optional<std::string> physis) {
      SiteGrading g;
      g.site = u->id + ":" + std::string(to_string(side));
      g.grades["signal"] = rng.chance(P.signal_marked) ? 2 : 1;
      double ex = rng.uniform();
      g.grades["extent"] = ex < P.extent_3 ? 3 : ex < P.extent_3 + P.extent_2 ? 2 : 1;
      if (rng.chance(P.soft_tissue)) g.grades["soft_tissue"] = 1;
      if (rng.chance(P.periosteal)) g.grades["periosteal"] = 1;
      if (u->kind == UnitKind::Vertebra) {
        if (rng.chance(P.collapse)) g.grades["collapse"] = 1;
      } else if (rng.chance(P.expansion)) {
        g.grades["expansion"] = 1;
      }
      if (u->kind == UnitKind::Long) g.physis = physis;
      g.symptomatic = symptomatic;
      g.lesion = label;
      taken.insert(g.site);
      e.lesions.push_back(std::move(g));
    };
    // Places one lesion (and, for a transphyseal one, the adjacent epiphysis) on unit u.
    auto place = [&](const BoneUnit* u, Side side, bool symptomatic) {
      std::string label = fmt::format("l{}", lesions + 1);
      std::optional<std::string> physis;
      const BoneUnit* crossing = nullptr;
      if (u->kind == UnitKind::Long) {
        bool meta = u->id.find("metaphysis") != std::string::npos;
        bool epi = u->id.find("epiphysis") != std::string::npos;
        double r = rng.uniform();
        if (meta) {
          physis = r < P.metaphysis_abutting ? "abutting"
                   : r < P.metaphysis_abutting + P.metaphysis_transphyseal ? "transphyseal" : "none";
          if (*physis == "transphyseal" && rng.chance(P.transphyseal_crossing)) {
            std::string adj = u->id;
            adj.replace(adj.find("metaphysis"), 10, "epiphysis");
            crossing = atlas.find(adj);
          }
        } else if (epi) {
          physis = r < P.epiphysis_abutting ? "abutting"
                   : r < P.epiphysis_abutting + P.epiphysis_transphyseal ? "transphyseal" : "none";
        } else {
          physis = "none";
        }
      }
      add_site(u, side, label, symptomatic, physis);
      if (crossing && !taken.count(crossing->id + ":" + std::string(to_string(side))))
        add_site(crossing, side, label, symptomatic, physis);
      ++lesions;
      if (symptomatic) ++symptomatic_lesions;
    };
    while (lesions < k && attempts < 1000) {
      ++attempts;
      const auto& units = *bone_units[rng.weighted(bone_cum)];
      const BoneUnit* u = nullptr;
      if (units.front()->kind == UnitKind::Long) {
        // Segment first, then which end: proximal or distal.
        double r = rng.uniform();
        std::string seg = r < P.metaphysis_share ? "metaphysis" : r < P.metaphysis_share + P.diaphysis_share ? "diaphysis" : "epiphysis";
        std::string bone = units.front()->id.substr(0, units.front()->id.find('.'));
        std::string id = seg == "diaphysis" ? bone + ".diaphysis"
                                            : bone + (rng.chance(0.5) ? ".proximal_" : ".distal_") + seg;
        u = atlas.find(id);
        if (!u) u = units[rng.index(units.size())];
      } else {
        u = units[rng.index(units.size())];
      }
      Side side = u->paired ? (rng.chance(0.5) ? Side::L : Side::R) : Side::M;
      std::string key = u->id + ":" + std::string(to_string(side));
      if (taken.count(key)) continue;
      bool symptomatic = rng.chance(P.symptomatic);
      place(u, side, symptomatic);
      if (u->paired && lesions < k && rng.chance(P.mirror_share)) {
        Side other = side == Side::L ? Side::R : Side::L;
        if (!taken.count(u->id + ":" + std::string(to_string(other)))) place(u, other, rng.chance(P.symptomatic));
      }
    }

    // Clinical measures related to the lesion count through a latent z.
    double zl = (std::log(static_cast<double>(std::max(lesions, 1))) - P.log_count_mean) / P.log_count_sd;
    auto related = [&](double corr) { return corr * zl + std::sqrt(1 - corr * corr) * rng.normal(); };
    ClinicalMeasures& c = e.clinical;
    c.pga = clamp_round(P.pga_mean + P.pga_sd * related(P.pga_lesion_corr), 0, 10, 0.5);
    double pain_z = related(P.pain_lesion_corr);
    c.pain = clamp_round(P.pain_mean + P.pain_sd * pain_z, 0, 10, 1);
    double pg_z = P.patient_global_pain_corr * pain_z +
                  std::sqrt(1 - P.patient_global_pain_corr * P.patient_global_pain_corr) * rng.normal();
    c.patient_global = clamp_round(P.pain_mean - 0.5 + P.pain_sd * pg_z, 0, 10, 1);
    c.chaq = clamp_round(P.chaq_mean + P.chaq_sd * related(0.2), 0, 3, 0.125);
    c.esr = std::round(P.esr_median * std::exp(P.esr_log_sd * related(0.15)));
    c.crp = std::round(10 * P.crp_median * std::exp(P.crp_log_sd * related(0.15))) / 10;
    c.fever = rng.chance(P.fever);
    c.normal_blood_count = rng.chance(P.normal_blood_count);
    exams.push_back(std::move(e));
  }
  return exams;
}

}  // namespace crmo::synth
