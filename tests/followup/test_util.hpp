#pragma once
// Small builders for follow-up, instrument and reader tests: exams written out by hand so
// that every expected value can be worked out on paper from the spec.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/exam.hpp"
#include "formats/atlas_json.hpp"
#include "formats/scheme_json.hpp"

namespace crmo::testing {

inline const Scheme& rai_scheme() {
  static const Scheme s = SchemeRegistry::with_builtins().get("rai-cromris");
  return s;
}

inline SiteGrading site(const std::string& key, int signal, int extent, std::map<std::string, int> more = {},
                        std::optional<double> volume = std::nullopt) {
  SiteGrading g;
  g.site = key;
  g.grades["signal"] = signal;
  g.grades["extent"] = extent;
  for (const auto& [k, v] : more) g.grades[k] = v;
  g.volume_ml = volume;
  return g;
}

inline Exam exam(const std::string& patient, const std::string& id, const std::string& date,
                 std::vector<SiteGrading> lesions, const std::string& reader = "R1") {
  Exam e;
  e.patient.id = patient;
  e.id = id;
  e.date = *parse_date(date);
  e.reader = reader;
  e.lesions = std::move(lesions);
  return e;
}

inline bool have_rscript() { return std::system("command -v Rscript > /dev/null 2>&1") == 0; }

// Runs an R script and returns its standard output (numbers, one per line).
inline std::vector<double> run_r(const std::string& script) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path();
  const fs::path file = dir / ("crmo_r_" + std::to_string(std::rand()) + ".R");
  const fs::path out = dir / ("crmo_r_" + std::to_string(std::rand()) + ".out");
  std::ofstream(file) << script;
  const std::string cmd = "Rscript --vanilla " + file.string() + " > " + out.string() + " 2>&1";
  const int status = std::system(cmd.c_str());
  std::ifstream in(out);
  std::vector<double> values;
  std::string line, all;
  while (std::getline(in, line)) {
    all += line + "\n";
    std::istringstream ls(line);
    double x;
    while (ls >> x) values.push_back(x);
  }
  fs::remove(file);
  fs::remove(out);
  if (status != 0) throw std::runtime_error("Rscript failed:\n" + all);
  return values;
}

inline std::string r_vector(const std::vector<double>& v) {
  std::ostringstream s;
  s.precision(17);
  s << "c(";
  for (std::size_t i = 0; i < v.size(); ++i) s << (i ? "," : "") << v[i];
  s << ")";
  return s.str();
}

}  // namespace crmo::testing
