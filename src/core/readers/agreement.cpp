#include "core/readers/agreement.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

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

int grade_at(const Exam& e, const std::string& site, const std::string& item) {
  for (const auto& g : e.lesions)
    if (g.site == site) return g.grade(item);
  return 0;
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

  // Ratings per site item, grouped by bone in atlas order.
  const auto sites = atlas.sites();
  std::vector<std::string> bones;
  std::map<std::string, std::vector<std::string>> bone_sites;
  for (const Site& s : sites) {
    if (!bone_sites.count(s.unit->bone)) bones.push_back(s.unit->bone);
    bone_sites[s.unit->bone].push_back(s.key());
  }
  using Table = std::vector<std::vector<double>>;  // [item][reader]
  std::map<std::string, Table> grade_by_bone;
  Table grade_all;
  for (const auto& row : used)
    for (const Site& s : sites) {
      std::vector<double> ratings;
      for (const Exam* e : row) ratings.push_back(grade_at(*e, s.key(), item->name));
      grade_by_bone[s.unit->bone].push_back(ratings);
      grade_all.push_back(ratings);
    }
  auto abnormal_of = [&](const Table& t) {
    Table out = t;
    for (auto& it : out)
      for (auto& x : it) x = x > item->min ? 1 : 0;
    return out;
  };
  auto category = [&](const std::string& name, const Table& grade) {
    CategoryAgreement c;
    c.category = name;
    c.items = grade.size();
    const Table ab = abnormal_of(grade);
    for (const auto& it : ab)
      if (std::any_of(it.begin(), it.end(), [](double x) { return x > 0; })) ++c.abnormal_items;
    c.abnormal = cell([&] { return stats::free_marginal_kappa(ab, 2); });
    c.grade = cell([&] { return stats::free_marginal_kappa(grade, static_cast<std::size_t>(r.grade_categories)); });
    return c;
  };
  for (const auto& bone : bones) r.categories.push_back(category(bone, grade_by_bone[bone]));
  r.categories.push_back(category("all sites", grade_all));

  const Table abnormal_all = abnormal_of(grade_all);
  r.fleiss_abnormal = cell([&] { return stats::fleiss_kappa(abnormal_all); });
  r.fleiss_grade = cell([&] { return stats::fleiss_kappa(grade_all); });

  for (std::size_t i = 0; i < r.readers.size(); ++i)
    for (std::size_t j = i + 1; j < r.readers.size(); ++j) {
      PairAgreement p;
      p.reader_a = r.readers[i];
      p.reader_b = r.readers[j];
      std::vector<double> a, b, aa, ab;
      for (std::size_t k = 0; k < grade_all.size(); ++k) {
        a.push_back(grade_all[k][i]);
        b.push_back(grade_all[k][j]);
        aa.push_back(abnormal_all[k][i]);
        ab.push_back(abnormal_all[k][j]);
      }
      p.abnormal = cell([&] { return stats::cohen_kappa(aa, ab, stats::KappaWeights::none); });
      p.grade_unweighted = cell([&] { return stats::cohen_kappa(a, b, stats::KappaWeights::none); });
      p.grade_linear = cell([&] { return stats::cohen_kappa(a, b, stats::KappaWeights::linear); });
      p.grade_quadratic = cell([&] { return stats::cohen_kappa(a, b, stats::KappaWeights::quadratic); });
      r.pairs.push_back(p);
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
