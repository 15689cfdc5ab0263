#include "core/analysis/cohort.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include <fmt/format.h>

#include "core/followup/followup.hpp"
#include "core/scoring.hpp"
#include "core/stats/p_adjust.hpp"
#include "core/stats/quantile.hpp"
#include "core/stats/spearman.hpp"
#include "core/stats/wilcoxon.hpp"

namespace crmo::analysis {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double pct(std::size_t part, std::size_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

std::optional<Summary> summarise(const std::vector<double>& values) {
  if (values.empty()) return std::nullopt;
  Summary s;
  s.n = values.size();
  auto q = stats::quantile7(values, {0.0, 0.25, 0.5, 0.75, 1.0});
  s.min = q[0];
  s.q1 = q[1];
  s.median = q[2];
  s.q3 = q[3];
  s.max = q[4];
  s.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  return s;
}

std::string segment_of(const BoneUnit& unit) {
  const std::string& id = unit.id;
  if (id.find("metaphysis") != std::string::npos) return "metaphysis";
  if (id.find("epiphysis") != std::string::npos) return "epiphysis";
  if (id.find("diaphysis") != std::string::npos) return "diaphysis";
  return "other";
}

int symptomatic_site_count(const Exam& exam) {
  std::set<std::string> sites(exam.clinical.symptomatic_sites.begin(), exam.clinical.symptomatic_sites.end());
  for (const auto& l : exam.lesions)
    if (l.symptomatic && *l.symptomatic) sites.insert(l.site);
  return static_cast<int>(sites.size());
}

std::vector<double> column(const std::vector<ExamRow>& rows, bool outcome, std::size_t index) {
  std::vector<double> v;
  v.reserve(rows.size());
  for (const auto& r : rows) {
    const auto& src = outcome ? r.outcomes[index] : r.parameters[index];
    v.push_back(src ? *src : kNaN);
  }
  return v;
}

}  // namespace

const std::vector<std::string>& outcome_names() {
  static const std::vector<std::string> names = {"clinical_severity", "pga", "pain", "patient_global",
                                                 "chaq", "esr", "crp"};
  return names;
}

bool is_outcome(const std::string& name) {
  const auto& n = outcome_names();
  return std::find(n.begin(), n.end(), name) != n.end();
}

std::optional<double> outcome_value(const Exam& exam, const std::string& outcome, bool* composite) {
  const ClinicalMeasures& c = exam.clinical;
  if (composite) *composite = false;
  if (outcome == "clinical_severity") {
    if (c.clinical_severity) return c.clinical_severity;
    if (!c.pga || !c.pain) return std::nullopt;
    if (composite) *composite = true;
    return *c.pga + *c.pain + std::min(symptomatic_site_count(exam), 10);
  }
  if (outcome == "pga") return c.pga;
  if (outcome == "pain") return c.pain;
  if (outcome == "patient_global") return c.patient_global;
  if (outcome == "chaq") return c.chaq;
  if (outcome == "esr") return c.esr;
  if (outcome == "crp") return c.crp;
  throw std::invalid_argument("unknown outcome '" + outcome + "'");
}

std::vector<const Exam*> select_exams(const std::vector<Exam>& exams, const Options& options) {
  std::vector<const Exam*> order = followup::one_reading_per_exam(exams, options.reader);
  std::sort(order.begin(), order.end(), [](const Exam* x, const Exam* y) {
    if (x->patient.id != y->patient.id) return x->patient.id < y->patient.id;
    if (x->date != y->date) return x->date < y->date;
    return x->id < y->id;
  });
  std::vector<const Exam*> kept;
  kept.reserve(order.size());
  const std::string* last_patient = nullptr;
  for (const Exam* e : order) {
    bool new_patient = !last_patient || *last_patient != e->patient.id;
    switch (options.selection) {
      case ExamSelection::AllExams:
        kept.push_back(e);
        break;
      case ExamSelection::FirstPerPatient:
        if (new_patient) kept.push_back(e);
        break;
      case ExamSelection::Timepoint:
        if (e->timepoint == options.timepoint && (kept.empty() || kept.back()->patient.id != e->patient.id))
          kept.push_back(e);
        break;
    }
    last_patient = &e->patient.id;
  }
  return kept;
}

Analysis analyse(const std::vector<Exam>& exams, const Atlas& atlas, const Scheme& scheme,
                 const Scheme& parameter_scheme, const Options& options) {
  if (!is_outcome(options.outcome)) throw std::invalid_argument("unknown outcome '" + options.outcome + "'");
  Analysis a;
  a.options = options;
  a.scheme = scheme.name;
  a.scheme_version = scheme.version;
  a.parameter_scheme = parameter_scheme.name;
  for (const auto& p : parameter_scheme.parameters) a.parameter_names.push_back(p.name);
  a.outcome_names.push_back(options.outcome);
  for (const char* o : {"clinical_severity", "pga"})
    if (options.outcome != o) a.outcome_names.emplace_back(o);
  switch (options.selection) {
    case ExamSelection::FirstPerPatient: a.selection_text = "first exam per patient by date"; break;
    case ExamSelection::Timepoint: a.selection_text = "exams at timepoint '" + options.timepoint + "' (first per patient)"; break;
    case ExamSelection::AllExams: a.selection_text = "all exams (a patient with follow-ups counts once per exam in correlations)"; break;
  }

  std::vector<const Exam*> selected = select_exams(exams, options);
  if (selected.empty()) {
    if (exams.empty()) throw std::invalid_argument("the cohort has no exams");
    if (!options.reader.empty()) throw std::invalid_argument("no exam was read by reader '" + options.reader + "'");
    throw std::invalid_argument(options.selection == ExamSelection::Timepoint
                                    ? "no exam has timepoint '" + options.timepoint + "'"
                                    : "no exam selected");
  }

  // Site, bone and region indices.
  std::vector<Site> sites = atlas.sites();
  std::unordered_map<std::string, std::size_t> site_index;
  site_index.reserve(sites.size() * 2);
  for (std::size_t i = 0; i < sites.size(); ++i) site_index.emplace(sites[i].key(), i);
  std::vector<std::string> bones;
  std::map<std::string, std::size_t> bone_index;
  std::map<std::string, bool> bone_paired;
  for (const auto& u : atlas.units()) {
    if (bone_index.emplace(u.bone, bones.size()).second) bones.push_back(u.bone);
    bone_paired[u.bone] = bone_paired[u.bone] || u.paired;
  }
  std::map<std::string, std::size_t> region_index;
  for (std::size_t i = 0; i < atlas.regions().size(); ++i) region_index[atlas.regions()[i]] = i;
  std::vector<std::size_t> site_bone(sites.size()), site_region(sites.size());
  for (std::size_t i = 0; i < sites.size(); ++i) {
    site_bone[i] = bone_index.at(sites[i].unit->bone);
    auto it = region_index.find(sites[i].unit->region);
    site_region[i] = it == region_index.end() ? 0 : it->second;
  }
  const std::size_t nsites = sites.size(), nbones = bones.size(), nregions = atlas.regions().size();

  std::vector<std::size_t> site_lesions(nsites, 0), bone_lesions(nbones, 0), region_lesions(nregions, 0);
  std::vector<std::size_t> site_patients(nsites, 0), bone_patients(nbones, 0), region_patients(nregions, 0);
  // Stamps: the last patient (1-based) counted, so each patient counts once.
  std::vector<std::size_t> site_stamp(nsites, 0), bone_stamp(nbones, 0), region_stamp(nregions, 0);
  std::vector<std::size_t> bone_bilat_stamp(nbones, 0), bone_bilateral(nbones, 0);
  std::vector<std::size_t> region_known(nregions, 0), region_silent(nregions, 0);
  std::map<std::string, std::size_t> segment_counts, physis_counts;
  std::size_t symmetric_stamp = 0, silent_stamp = 0;

  Description& d = a.description;
  d.readings_in_input = exams.size();
  {
    std::set<std::string> ids, readers;
    for (const auto& e : exams) {
      ids.insert(e.id);
      if (!e.reader.empty()) readers.insert(e.reader);
    }
    d.exams_in_input = ids.size();
    d.readers.assign(readers.begin(), readers.end());
  }
  d.exams = selected.size();
  std::vector<double> ages, lesions_per_exam;
  std::size_t patient_no = 0;
  const std::string* last_patient = nullptr;
  std::vector<char> involved(nsites, 0);
  std::vector<unsigned char> bone_sides(nbones, 0);  // bit 1: L, bit 2: R

  const std::string& inv = scheme.involvement_item;
  a.rows.reserve(selected.size());
  for (const Exam* ep : selected) {
    const Exam& e = *ep;
    if (!last_patient || *last_patient != e.patient.id) {
      ++patient_no;
      last_patient = &e.patient.id;
      if (!e.patient.sex) ++d.sex_unknown;
      else if (*e.patient.sex == "F") ++d.female;
      else ++d.male;
    }
    ExamScore score = score_exam(e, atlas, scheme, parameter_scheme.parameters);
    ExamRow row;
    row.patient_id = e.patient.id;
    row.exam_id = e.id;
    row.date = e.date.iso();
    row.timepoint = e.timepoint;
    row.sex = e.patient.sex.value_or("");
    row.age = e.age_at_exam();
    for (const auto& name : a.parameter_names) row.parameters.push_back(score.parameter(name));
    for (const auto& o : a.outcome_names) {
      bool composite = false;
      row.outcomes.push_back(outcome_value(e, o, &composite));
      if (o == "clinical_severity") row.severity_composite = composite;
    }
    {
      bool composite = false;
      auto sev = outcome_value(e, "clinical_severity", &composite);
      if (!sev) ++d.severity_missing;
      else if (composite) ++d.severity_composite;
      else ++d.severity_given;
    }
    row.symptomatic_sites = symptomatic_site_count(e);
    std::set<std::string> listed(e.clinical.symptomatic_sites.begin(), e.clinical.symptomatic_sites.end());

    // Involved sites of this exam.
    std::vector<std::size_t> exam_sites;
    for (const auto& l : e.lesions) {
      if (l.grade(inv) < 1) continue;
      auto it = site_index.find(l.site);
      if (it == site_index.end()) continue;  // validated exams do not get here
      std::size_t s = it->second;
      exam_sites.push_back(s);
      involved[s] = 1;
      ++site_lesions[s];
      ++bone_lesions[site_bone[s]];
      ++region_lesions[site_region[s]];
      if (site_stamp[s] != patient_no) { site_stamp[s] = patient_no; ++site_patients[s]; }
      std::size_t b = site_bone[s], r = site_region[s];
      if (bone_stamp[b] != patient_no) { bone_stamp[b] = patient_no; ++bone_patients[b]; }
      if (region_stamp[r] != patient_no) { region_stamp[r] = patient_no; ++region_patients[r]; }
      if (sites[s].side == Side::L) bone_sides[b] |= 1;
      if (sites[s].side == Side::R) bone_sides[b] |= 2;
      if (sites[s].unit->kind == UnitKind::Long) {
        ++segment_counts[segment_of(*sites[s].unit)];
        ++physis_counts[l.physis.value_or("not_recorded")];
      }
      std::optional<bool> symptomatic = l.symptomatic;
      if (!symptomatic && listed.count(l.site)) symptomatic = true;
      if (symptomatic) {
        ++row.symptom_known_sites;
        ++region_known[r];
        if (!*symptomatic) {
          ++row.silent_sites;
          ++region_silent[r];
        }
      }
    }
    row.sites_involved = static_cast<int>(exam_sites.size());
    // Symptomatic sites with no MRI lesion.
    {
      std::set<std::string> symptomatic(listed);
      for (const auto& l : e.lesions)
        if (l.symptomatic && *l.symptomatic) symptomatic.insert(l.site);
      for (const auto& s : symptomatic) {
        auto it = site_index.find(s);
        if (it == site_index.end() || !involved[it->second]) ++row.symptomatic_without_lesion;
      }
    }
    // Symmetry and bilateral bones, within this exam.
    bool symmetric = false;
    for (std::size_t s : exam_sites) {
      if (sites[s].side != Side::L) continue;
      // Paired units list L then R, so R is the next site.
      if (s + 1 < nsites && sites[s + 1].unit == sites[s].unit && involved[s + 1]) symmetric = true;
    }
    if (symmetric && symmetric_stamp != patient_no) {
      symmetric_stamp = patient_no;
      ++a.distribution.symmetric_patients;
    }
    for (std::size_t s : exam_sites) {
      std::size_t b = site_bone[s];
      if (bone_sides[b] == 3 && bone_bilat_stamp[b] != patient_no) {
        bone_bilat_stamp[b] = patient_no;
        ++bone_bilateral[b];
      }
    }
    for (std::size_t s : exam_sites) {
      involved[s] = 0;
      bone_sides[site_bone[s]] = 0;
    }
    if (row.silent_sites > 0 && silent_stamp != patient_no) {
      silent_stamp = patient_no;
      ++a.mri_vs_clinic.patients_with_silent;
    }

    auto lc = score.parameter("lesion_count");
    row.lesion_count = lc ? static_cast<int>(*lc) : row.sites_involved;
    if (row.age) ages.push_back(*row.age);
    lesions_per_exam.push_back(row.lesion_count);
    d.lesions += static_cast<std::size_t>(row.lesion_count);
    d.sites_involved += exam_sites.size();
    if (row.lesion_count == 1) ++d.unifocal;
    if (row.sites_involved == 0) ++d.without_lesions;
    a.mri_vs_clinic.lesions_known += static_cast<std::size_t>(row.symptom_known_sites);
    a.mri_vs_clinic.silent += static_cast<std::size_t>(row.silent_sites);
    a.mri_vs_clinic.symptomatic_sites += static_cast<std::size_t>(row.symptomatic_sites);
    a.mri_vs_clinic.symptomatic_without_lesion += static_cast<std::size_t>(row.symptomatic_without_lesion);
    a.rows.push_back(std::move(row));
  }
  d.patients = patient_no;
  d.age = summarise(ages);
  d.lesions_per_patient = summarise(lesions_per_exam);

  // Distribution.
  Distribution& dist = a.distribution;
  dist.total_lesions = d.sites_involved;
  const std::size_t np = d.patients;
  auto make_row = [&](std::string key, std::size_t lesions, std::size_t patients) {
    return CountRow{std::move(key), lesions, pct(lesions, dist.total_lesions), patients, pct(patients, np)};
  };
  for (std::size_t r = 0; r < nregions; ++r) {
    dist.regions.push_back(make_row(atlas.regions()[r], region_lesions[r], region_patients[r]));
    const std::string& name = atlas.regions()[r];
    if (name == "pelvis" || name == "lower_limb") dist.pelvis_lower_limb_lesions += region_lesions[r];
  }
  dist.pelvis_lower_limb_pct = pct(dist.pelvis_lower_limb_lesions, dist.total_lesions);
  for (std::size_t b = 0; b < nbones; ++b) {
    dist.bones.push_back(make_row(bones[b], bone_lesions[b], bone_patients[b]));
    if (bone_paired[bones[b]])
      dist.bilateral.push_back(BilateralRow{bones[b], bone_patients[b], bone_bilateral[b], pct(bone_bilateral[b], np),
                                            pct(bone_bilateral[b], bone_patients[b])});
  }
  for (std::size_t s = 0; s < nsites; ++s) dist.units.push_back(make_row(sites[s].key(), site_lesions[s], site_patients[s]));
  dist.symmetric_pct = pct(dist.symmetric_patients, np);
  for (const auto& [k, v] : segment_counts) dist.long_bone_lesions += v;
  for (const char* k : {"epiphysis", "metaphysis", "diaphysis", "other"}) {
    auto it = segment_counts.find(k);
    std::size_t c = it == segment_counts.end() ? 0 : it->second;
    if (c == 0 && std::string(k) == "other") continue;
    dist.segments.push_back(ShareRow{k, c, pct(c, dist.long_bone_lesions)});
  }
  for (const char* k : {"none", "abutting", "transphyseal", "not_recorded"}) {
    auto it = physis_counts.find(k);
    std::size_t c = it == physis_counts.end() ? 0 : it->second;
    dist.physis.push_back(ShareRow{k, c, pct(c, dist.long_bone_lesions)});
  }

  // Imaging against outcomes: one Holm family per outcome.
  stats::SpearmanOptions sopt;
  sopt.r_compatible = options.r_compatible;
  for (std::size_t o = 0; o < a.outcome_names.size(); ++o) {
    std::vector<double> y = column(a.rows, true, o);
    std::vector<Correlation> family;
    for (std::size_t p = 0; p < a.parameter_names.size(); ++p) {
      Correlation c;
      c.parameter = a.parameter_names[p];
      c.outcome = a.outcome_names[o];
      std::vector<double> x = column(a.rows, false, p);
      auto pairs = stats::complete_pairs(x, y);
      c.n = pairs.x.size();
      try {
        auto res = stats::spearman(x, y, sopt);
        c.rs = res.estimate;
        c.p_value = res.p_value;
        c.statistic = res.statistic;
        c.exact = res.exact;
        c.method = res.method;
        if (res.conf_int) {
          c.ci_lower = res.conf_int->lower;
          c.ci_upper = res.conf_int->upper;
        }
      } catch (const stats::StatsError& err) {
        c.note = err.what();
      }
      family.push_back(std::move(c));
    }
    std::vector<double> ps;
    for (const auto& c : family) ps.push_back(c.p_value ? *c.p_value : kNaN);
    std::vector<double> holm = stats::p_adjust_holm(ps);
    for (std::size_t i = 0; i < family.size(); ++i)
      if (!std::isnan(holm[i])) family[i].p_holm = holm[i];
    for (auto& c : family) a.correlations.push_back(std::move(c));
  }

  // MRI against the clinic, by region.
  MriVsClinic& m = a.mri_vs_clinic;
  m.silent_pct = pct(m.silent, m.lesions_known);
  for (std::size_t r = 0; r < nregions; ++r)
    m.by_region.push_back(SilentRow{atlas.regions()[r], region_known[r], region_silent[r], pct(region_silent[r], region_known[r])});

  // Group comparisons.
  auto param_col = [&](const std::string& name) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < a.parameter_names.size(); ++i)
      if (a.parameter_names[i] == name) return i;
    return std::nullopt;
  };
  struct Grouping {
    std::string name, yes, no;
    std::function<std::optional<bool>(const ExamRow&)> in_yes;
  };
  auto flag = [&](const std::string& param) {
    auto col = param_col(param);
    return [col](const ExamRow& r) -> std::optional<bool> {
      if (!col || !r.parameters[*col]) return std::nullopt;
      return *r.parameters[*col] > 0;
    };
  };
  std::vector<Grouping> groupings = {
      {"multifocal", "multifocal", "unifocal",
       [](const ExamRow& r) -> std::optional<bool> {
         if (r.lesion_count == 0) return std::nullopt;  // normal exams are in neither group
         return r.lesion_count > 1;
       }},
      {"spine_involved", "spine involved", "spine not involved", flag("spine_involved")},
      {"pelvis_involved", "pelvis involved", "pelvis not involved", flag("pelvis_involved")},
      {"soft_tissue", "soft tissue involvement", "no soft tissue involvement", flag("soft_tissue_sites")},
  };
  std::vector<std::string> group_outcomes = {"clinical_severity", "pga"};
  if (std::find(group_outcomes.begin(), group_outcomes.end(), options.outcome) == group_outcomes.end())
    group_outcomes.insert(group_outcomes.begin(), options.outcome);
  for (const auto& g : groupings) {
    for (const auto& oname : group_outcomes) {
      std::size_t o = static_cast<std::size_t>(
          std::find(a.outcome_names.begin(), a.outcome_names.end(), oname) - a.outcome_names.begin());
      GroupComparison gc;
      gc.grouping = g.name;
      gc.outcome = oname;
      gc.group_yes = g.yes;
      gc.group_no = g.no;
      std::vector<double> yes, no;
      for (const auto& r : a.rows) {
        auto in = g.in_yes(r);
        if (!in || !r.outcomes[o]) continue;
        (*in ? yes : no).push_back(*r.outcomes[o]);
      }
      gc.n_yes = yes.size();
      gc.n_no = no.size();
      if (!yes.empty()) gc.median_yes = stats::median(yes);
      if (!no.empty()) gc.median_no = stats::median(no);
      try {
        auto res = stats::mann_whitney(yes, no);
        gc.w = res.statistic;
        gc.p_value = res.p_value;
        gc.exact = res.exact;
        gc.method = res.method;
      } catch (const stats::StatsError& err) {
        gc.note = err.what();
      }
      a.groups.push_back(std::move(gc));
    }
  }

  // Over time: first against second exam of each patient who has one (all exams in input).
  {
    Options all = options;
    all.selection = ExamSelection::AllExams;
    std::vector<const Exam*> every = select_exams(exams, all);
    std::vector<std::pair<const Exam*, const Exam*>> pairs;
    for (std::size_t i = 0; i + 1 < every.size(); ++i) {
      if (every[i]->patient.id != every[i + 1]->patient.id) continue;
      if (i > 0 && every[i - 1]->patient.id == every[i]->patient.id) continue;
      pairs.emplace_back(every[i], every[i + 1]);
    }
    if (!pairs.empty()) {
      for (const char* pname : {"rai_total", "lesion_count"}) {
        PairedChange pc;
        pc.parameter = pname;
        std::vector<double> first, second;
        for (auto [i, j] : pairs) {
          auto si = score_exam(*i, atlas, scheme, parameter_scheme.parameters).parameter(pname);
          auto sj = score_exam(*j, atlas, scheme, parameter_scheme.parameters).parameter(pname);
          if (!si || !sj) continue;
          first.push_back(*si);
          second.push_back(*sj);
        }
        pc.n = first.size();
        if (!first.empty()) {
          pc.median_first = stats::median(first);
          pc.median_second = stats::median(second);
        }
        try {
          auto res = stats::signed_rank(first, second);
          pc.v = res.statistic;
          pc.p_value = res.p_value;
          pc.method = res.method;
        } catch (const stats::StatsError& err) {
          pc.note = err.what();
        }
        a.over_time.push_back(std::move(pc));
      }
    }
  }

  // Notes a reader must see.
  if (d.severity_composite > 0)
    a.notes.push_back(fmt::format(
        "clinical_severity: {} of {} exams have no centre-supplied total; for them crmo uses its own default "
        "composite pga + pain + clinically symptomatic sites (capped at 10), range 0-30 (not the seed study's "
        "unpublished score)",
        d.severity_composite, d.exams));
  if (d.severity_missing > 0)
    a.notes.push_back(fmt::format("clinical_severity: missing for {} exams (no total, and pga or pain missing)",
                                  d.severity_missing));
  a.notes.push_back(
      "Spearman: 95 % CI by Fisher z with SE sqrt(1.06/(n-3)); Holm adjustment within each outcome's family of "
      "imaging parameters");
  if (!options.r_compatible)
    a.notes.push_back(fmt::format(
        "Spearman p: exact permutation distribution without ties for n <= {}, R's cor.test choice beyond",
        stats::spearman_exact_max_n));
  if (d.readings_in_input > d.exams_in_input)
    a.notes.push_back(fmt::format(
        "{} readings of {} exams by {} readers: the analysis uses one reading per exam ({})", d.readings_in_input,
        d.exams_in_input, d.readers.size(),
        options.reader.empty() ? std::string("the consensus reading where there is one, else the reader sorting first")
                               : "reader " + options.reader));
  if (options.selection == ExamSelection::AllExams)
    a.notes.push_back("all exams analysed: repeated exams of a patient are not independent observations");
  return a;
}

}  // namespace crmo::analysis
