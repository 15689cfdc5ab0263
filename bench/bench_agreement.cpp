// Times the agreement between readers (crmo agreement, docs/readers.md) apart from
// loading the cohort, against the way it was computed before (one rating vector per
// atlas site and exam, handed to the kappa functions over rating tables), and checks that
// both give the same numbers bit for bit:
//   bench_agreement COHORT   (a cohort folder with a second reader: crmo synth --second-reader)
// Prints CPU seconds for loading, for agreement_report, for the table path, the ratio,
// the peak memory after each step, and "identical" or the first kappa that differs.
#include <sys/resource.h>

#include <cstdio>
#include <ctime>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/readers/agreement.hpp"
#include "core/readers/readings.hpp"
#include "formats/atlas_json.hpp"
#include "formats/readings_source.hpp"
#include "formats/scheme_json.hpp"

namespace {

double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

// Peak resident memory so far, MB.
double peak_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

using Table = std::vector<std::vector<double>>;  // [item][reader]

struct TableKappas {
  std::vector<crmo::stats::KappaResult> results;  // in the order of the report's kappas
  std::size_t bytes = 0;                          // rating tables kept
};

int grade_at(const crmo::Exam& e, const std::string& site, const std::string& item) {
  for (const auto& g : e.lesions)
    if (g.site == site) return g.grade(item);
  return 0;
}

// The computation before the counts: tables of every item, then the kappa functions.
TableKappas table_path(const std::vector<crmo::Exam>& readings, const crmo::Atlas& atlas,
                       const crmo::readers::AgreementReport& rep) {
  namespace st = crmo::stats;
  std::map<std::string, const crmo::readers::ExamReadings*> groups;
  const auto grouped = crmo::readers::group_readings(readings);
  for (const auto& g : grouped) groups[g.exam_id] = &g;
  const auto sites = atlas.sites();
  std::vector<std::string> bones;
  std::map<std::string, Table> by_bone;
  Table all;
  for (const auto& id : rep.exam_ids)
    for (const auto& s : sites) {
      std::vector<double> r;
      for (const auto& name : rep.readers) r.push_back(grade_at(*groups.at(id)->by(name), s.key(), rep.grade_item));
      if (!by_bone.count(s.unit->bone)) bones.push_back(s.unit->bone);
      by_bone[s.unit->bone].push_back(r);
      all.push_back(r);
    }
  auto abnormal = [](Table t) {
    for (auto& it : t)
      for (auto& x : it) x = x > 0 ? 1 : 0;
    return t;
  };
  TableKappas out;
  out.bytes = 2 * all.size() * (sizeof(std::vector<double>) + rep.readers.size() * sizeof(double));
  const auto k = static_cast<std::size_t>(rep.grade_categories);
  for (const auto& b : bones) {
    out.results.push_back(st::free_marginal_kappa(abnormal(by_bone[b]), 2));
    out.results.push_back(st::free_marginal_kappa(by_bone[b], k));
  }
  const Table ab = abnormal(all);
  out.results.push_back(st::free_marginal_kappa(ab, 2));
  out.results.push_back(st::free_marginal_kappa(all, k));
  out.results.push_back(st::fleiss_kappa(ab));
  out.results.push_back(st::fleiss_kappa(all));
  for (std::size_t i = 0; i < rep.readers.size(); ++i)
    for (std::size_t j = i + 1; j < rep.readers.size(); ++j) {
      std::vector<double> a, b, aa, bb;
      for (std::size_t n = 0; n < all.size(); ++n) {
        a.push_back(all[n][i]);
        b.push_back(all[n][j]);
        aa.push_back(ab[n][i]);
        bb.push_back(ab[n][j]);
      }
      out.results.push_back(st::cohen_kappa(aa, bb, st::KappaWeights::none));
      for (auto w : {st::KappaWeights::none, st::KappaWeights::linear, st::KappaWeights::quadratic})
        out.results.push_back(st::cohen_kappa(a, b, w));
    }
  return out;
}

std::vector<crmo::stats::KappaResult> report_kappas(const crmo::readers::AgreementReport& rep) {
  std::vector<crmo::stats::KappaResult> out;
  auto add = [&](const crmo::readers::KappaCell& c) {
    if (!c.value) throw std::runtime_error("a kappa is undefined on this cohort: " + c.note);
    out.push_back(*c.value);
  };
  for (const auto& c : rep.categories) {
    add(c.abnormal);
    add(c.grade);
  }
  // "all sites" is the last category; Fleiss follows it as in table_path.
  add(rep.fleiss_abnormal);
  add(rep.fleiss_grade);
  for (const auto& p : rep.pairs) {
    add(p.abnormal);
    add(p.grade_unweighted);
    add(p.grade_linear);
    add(p.grade_quadratic);
  }
  return out;
}

// conf_int: an Interval, or an optional one (kappas without an interval).
template <class T>
bool same_interval(const T& a, const T& b) {
  if constexpr (requires { a.lower; }) return a.lower == b.lower && a.upper == b.upper;
  else return a.has_value() == b.has_value() && (!a || (a->lower == b->lower && a->upper == b->upper));
}

bool same(const crmo::stats::KappaResult& a, const crmo::stats::KappaResult& b) {
  return a.kappa == b.kappa && a.variance == b.variance && a.observed == b.observed && a.expected == b.expected &&
         same_interval(a.conf_int, b.conf_int) && a.n == b.n && a.categories == b.categories;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: bench_agreement COHORT\n");
    return 2;
  }
  try {
    const crmo::Atlas& atlas = crmo::default_atlas();
    const crmo::Scheme scheme = crmo::SchemeRegistry::with_builtins().get("rai-cromris");
    double t0 = cpu_seconds();
    const auto readings = crmo::load_readings(argv[1], atlas, scheme);
    double t1 = cpu_seconds(), m1 = peak_mb();
    const auto rep = crmo::readers::agreement_report(readings, atlas, scheme);
    double t2 = cpu_seconds(), m2 = peak_mb();
    const auto tables = table_path(readings, atlas, rep);
    double t3 = cpu_seconds(), m3 = peak_mb();
    const auto counted = report_kappas(rep);
    std::printf("readings %zu, exams compared %zu, items %zu\n", readings.size(), rep.exam_ids.size(),
                rep.categories.back().items);
    std::printf("load (CPU s)                         %8.3f\n", t1 - t0);
    std::printf("agreement_report, counts (CPU s)     %8.3f  (kappas, ICC, Bland-Altman)\n", t2 - t1);
    std::printf("kappas over rating tables (CPU s)    %8.3f  (kappas only; tables %.0f MB)\n", t3 - t2,
                static_cast<double>(tables.bytes) / 1e6);
    std::printf("peak memory (MB): after loading %.0f, after counts %.0f, after tables %.0f\n", m1, m2, m3);
    std::printf("tables / counts                      %8.1f\n", (t3 - t2) / (t2 - t1));
    if (counted.size() != tables.results.size()) {
      std::printf("DIFFERENT: %zu kappas counted, %zu over tables\n", counted.size(), tables.results.size());
      return 1;
    }
    for (std::size_t i = 0; i < counted.size(); ++i)
      if (!same(counted[i], tables.results[i])) {
        std::printf("DIFFERENT: kappa %zu: %.17g counted, %.17g over tables\n", i, counted[i].kappa,
                    tables.results[i].kappa);
        return 1;
      }
    std::printf("identical: all %zu kappas bit for bit\n", counted.size());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_agreement: %s\n", e.what());
    return 1;
  }
  return 0;
}
