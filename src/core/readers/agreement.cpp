#include "core/readers/agreement.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "core/readers/consensus.hpp"
#include "core/readers/readings.hpp"
#include "core/scoring.hpp"
#include "core/stats/result.hpp"

namespace crmo::readers {

namespace {

bool is_consensus(const std::string& reader) { return reader == kConsensusReader || reader == kPendingReader; }

template <class F>
KappaCell cell(F&& f) {
  KappaCell c;
  try {
    c.value = f();
  } catch (const stats::StatsError& e) {
    c.note = e.what();
  }
  return c;
}

}  // namespace

bool has_second_readings(const std::vector<Exam>& readings) {
  for (const auto& g : group_readings(readings)) {
    std::set<std::string> rs;
    for (const Exam* e : g.readings)
      if (!is_consensus(e->reader)) rs.insert(e->reader);
    if (rs.size() >= 2) return true;
  }
  return false;
}

AgreementReport agreement_report(const std::vector<Exam>& readings, const Atlas& atlas, const Scheme& scheme,
                                 const AgreementOptions& options) {
  AgreementReport r;
  r.grade_item = options.grade_item;
  const GradeItem* item = scheme.item(options.grade_item);
  if (!item) throw std::invalid_argument("scheme '" + scheme.name + "' has no item '" + options.grade_item + "'");
  r.grade_categories = item->max - item->min + 1;

  std::vector<std::string> found;
  for (const auto& name : reader_names(readings))
    if (!is_consensus(name)) found.push_back(name);
  if (options.readers.empty()) r.readers = found;
  else {
    for (const auto& name : options.readers)
      if (std::find(found.begin(), found.end(), name) == found.end())
        throw std::invalid_argument("no reading by reader '" + name + "'");
    r.readers = options.readers;
  }
  if (r.readers.size() < 2)
    throw std::invalid_argument("agreement needs readings by at least two readers; found " +
                                std::to_string(r.readers.size()));

  const auto groups = group_readings(readings);
  r.exams_in_input = groups.size();
  std::vector<std::vector<const Exam*>> used;  // [exam][reader]
  for (const auto& g : groups) {
    std::vector<const Exam*> row;
    for (const auto& name : r.readers)
      if (const Exam* e = g.by(name)) row.push_back(e);
    if (row.size() == r.readers.size()) {
      used.push_back(row);
      r.exam_ids.push_back(g.exam_id);
    } else {
      r.exams_left_out.push_back(g.exam_id);
    }
  }
  if (used.empty()) throw std::invalid_argument("no exam was read by every chosen reader");
  if (!r.exams_left_out.empty())
    r.notes.push_back(std::to_string(r.exams_left_out.size()) +
                      " exam(s) not read by every reader are left out of the agreement statistics");

  // One pass over exams x atlas sites, counting what each kappa needs (no rating table
  // is kept: 100,000 patients are ~25 million items). Items are added exam by exam, sites
  // in atlas order, as a table [item][reader] would list them, so the kappas are the same
  // numbers as over that table.
  const auto sites = atlas.sites();
  std::vector<std::string> bones;
  std::vector<std::size_t> bone_of(sites.size());
  std::unordered_map<std::string, std::size_t> site_index;
  for (std::size_t s = 0; s < sites.size(); ++s) {
    const std::string& bone = sites[s].unit->bone;
    auto b = std::find(bones.begin(), bones.end(), bone);
    bone_of[s] = static_cast<std::size_t>(b - bones.begin());
    if (b == bones.end()) bones.push_back(bone);
    site_index.emplace(sites[s].key(), s);
  }
  struct Counts {
    stats::MultiraterCounts grade, abnormal;
    std::size_t abnormal_items = 0;
  };
  std::vector<Counts> by_bone(bones.size());
  Counts all;
  const std::size_t m = r.readers.size();
  std::vector<stats::PairCounts> pair_grade(m * (m - 1) / 2), pair_abnormal(m * (m - 1) / 2);
  std::vector<std::vector<double>> grades(m, std::vector<double>(sites.size()));  // [reader][site]
  std::vector<std::vector<char>> graded(m, std::vector<char>(sites.size()));
  std::vector<double> g(m), ab(m);
  for (const auto& row : used) {
    for (std::size_t k = 0; k < m; ++k) {
      std::fill(grades[k].begin(), grades[k].end(), 0.0);  // a site not recorded is graded 0
      std::fill(graded[k].begin(), graded[k].end(), 0);
      for (const auto& lesion : row[k]->lesions) {
        auto it = site_index.find(lesion.site);
        if (it == site_index.end() || graded[k][it->second]) continue;  // the first record of a site counts
        graded[k][it->second] = 1;
        grades[k][it->second] = lesion.grade(item->name);
      }
    }
    for (std::size_t s = 0; s < sites.size(); ++s) {
      bool any_abnormal = false;
      for (std::size_t k = 0; k < m; ++k) {
        g[k] = grades[k][s];
        ab[k] = g[k] > item->min ? 1 : 0;
        any_abnormal = any_abnormal || ab[k] > 0;
      }
      for (Counts* c : {&by_bone[bone_of[s]], &all}) {
        c->grade.add(g);
        c->abnormal.add(ab);
        if (any_abnormal) ++c->abnormal_items;
      }
      for (std::size_t i = 0, p = 0; i < m; ++i)
        for (std::size_t j = i + 1; j < m; ++j, ++p) {
          pair_grade[p].add(g[i], g[j]);
          pair_abnormal[p].add(ab[i], ab[j]);
        }
    }
  }
  auto category = [&](const std::string& name, const Counts& counts) {
    CategoryAgreement c;
    c.category = name;
    c.items = counts.grade.items();
    c.abnormal_items = counts.abnormal_items;
    c.abnormal = cell([&] { return stats::free_marginal_kappa(counts.abnormal, 2); });
    c.grade = cell([&] { return stats::free_marginal_kappa(counts.grade, static_cast<std::size_t>(r.grade_categories)); });
    return c;
  };
  for (std::size_t b = 0; b < bones.size(); ++b) r.categories.push_back(category(bones[b], by_bone[b]));
  r.categories.push_back(category("all sites", all));

  r.fleiss_abnormal = cell([&] { return stats::fleiss_kappa(all.abnormal); });
  r.fleiss_grade = cell([&] { return stats::fleiss_kappa(all.grade); });

  for (std::size_t i = 0, p = 0; i < m; ++i)
    for (std::size_t j = i + 1; j < m; ++j, ++p) {
      PairAgreement pa;
      pa.reader_a = r.readers[i];
      pa.reader_b = r.readers[j];
      pa.abnormal = cell([&] { return stats::cohen_kappa(pair_abnormal[p], stats::KappaWeights::none); });
      pa.grade_unweighted = cell([&] { return stats::cohen_kappa(pair_grade[p], stats::KappaWeights::none); });
      pa.grade_linear = cell([&] { return stats::cohen_kappa(pair_grade[p], stats::KappaWeights::linear); });
      pa.grade_quadratic = cell([&] { return stats::cohen_kappa(pair_grade[p], stats::KappaWeights::quadratic); });
      r.pairs.push_back(pa);
    }

  for (const auto& row : used) {
    std::vector<double> t;
    for (const Exam* e : row) t.push_back(score_exam(*e, atlas, scheme, {}).total);
    r.totals.push_back(t);
  }
  try {
    r.icc = stats::icc(r.totals);
  } catch (const stats::StatsError& e) {
    r.icc_note = e.what();
  }
  for (std::size_t i = 0; i < r.readers.size(); ++i)
    for (std::size_t j = i + 1; j < r.readers.size(); ++j) {
      BlandAltman ba;
      ba.reader_a = r.readers[i];
      ba.reader_b = r.readers[j];
      double sum = 0;
      for (const auto& t : r.totals) {
        ba.mean.push_back((t[i] + t[j]) / 2);
        ba.difference.push_back(t[j] - t[i]);
        sum += t[j] - t[i];
      }
      const double n = static_cast<double>(ba.difference.size());
      ba.bias = sum / n;
      if (ba.difference.size() >= 2) {
        double ss = 0;
        for (double d : ba.difference) ss += (d - *ba.bias) * (d - *ba.bias);
        ba.sd = std::sqrt(ss / (n - 1));
        ba.lower = *ba.bias - 1.96 * *ba.sd;
        ba.upper = *ba.bias + 1.96 * *ba.sd;
      }
      r.bland_altman.push_back(ba);
    }
  r.notes.push_back("items are every atlas site on every exam read by all readers; a site a reader did not record is "
                    "graded 0");
  r.notes.push_back("abnormal signal: " + item->name + " above " + std::to_string(item->min) + "; grade: the " +
                    item->name + " grade (" + std::to_string(r.grade_categories) + " categories)");
  return r;
}

}  // namespace crmo::readers
