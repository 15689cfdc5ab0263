// crmo stats TEST FILE.csv --x COL [--y COL] [--group COL] [--paired]
//   [--alternative two.sided|less|greater] [--r-compatible] [--json]
// One statistical test on a researcher's own table, with R's numbers (see
// docs/statistics.md). Empty cells and NA are missing: dropped pairwise and counted.
#include <charconv>
#include <cmath>
#include <iostream>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "core/stats/chisq.hpp"
#include "core/stats/fisher.hpp"
#include "core/stats/kendall.hpp"
#include "core/stats/kruskal.hpp"
#include "core/stats/pearson.hpp"
#include "core/stats/spearman.hpp"
#include "core/stats/table.hpp"
#include "core/stats/wilcoxon.hpp"
#include "formats/csv.hpp"
#include "formats/file_io.hpp"

namespace crmo::cli {
namespace {

namespace st = crmo::stats;

struct StatsOpts {
  std::string test, file, x, y, group, alternative = "two.sided";
  bool paired = false, json = false, r_compatible = false;
};

bool is_missing(const std::string& cell) {
  return cell.empty() || cell == "NA" || cell == "na" || cell == "N/A" || cell == ".";
}

class Columns {
 public:
  Columns(const csv::Table& table, std::string source) : table_(table), source_(std::move(source)) {}

  std::size_t index(const std::string& name, const char* option) {
    if (name.empty()) {
      problems_.push_back({source_, fmt::format("{} COL is required for this test", option)});
      return npos;
    }
    auto c = table_.column(name);
    if (!c) {
      std::string have;
      for (const auto& h : table_.header) have += (have.empty() ? "" : ", ") + h;
      problems_.push_back({source_, fmt::format("no column '{}' (given by {}); the columns are: {}", name, option, have)});
      return npos;
    }
    return *c;
  }

  std::vector<double> numbers(std::size_t col, const std::string& name) {
    std::vector<double> out;
    if (col == npos) return out;
    for (const auto& row : table_.rows) {
      const std::string cell = col < row.cells.size() ? trim(row.cells[col]) : "";
      if (is_missing(cell)) {
        out.push_back(NAN);
        continue;
      }
      double v = 0;
      const char* end = cell.data() + cell.size();
      auto [ptr, ec] = std::from_chars(cell.data(), end, v);
      if (ec != std::errc() || ptr != end || !std::isfinite(v)) {
        problems_.push_back({fmt::format("{} line {}, column {}", source_, row.line, name),
                             fmt::format("'{}' is not a number (leave the cell empty or write NA when missing)", cell)});
        out.push_back(NAN);
      } else {
        out.push_back(v);
      }
    }
    return out;
  }

  std::vector<std::string> labels(std::size_t col) {
    std::vector<std::string> out;
    if (col == npos) return out;
    for (const auto& row : table_.rows) {
      const std::string cell = col < row.cells.size() ? trim(row.cells[col]) : "";
      out.push_back(is_missing(cell) ? std::string() : cell);
    }
    return out;
  }

  void done() { throw_if_any(problems_); }
  void fail(const std::string& message) {
    problems_.push_back({source_, message});
    done();
  }
  const std::string& source() const { return source_; }

 private:
  static std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
  }
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  const csv::Table& table_;
  std::string source_;
  std::vector<InputProblem> problems_;
};

// Values of `x` split by the levels of `group` (sorted as R's factor); rows with a
// missing group are dropped and counted.
std::vector<std::vector<double>> split_by(const std::vector<double>& x, const std::vector<std::string>& group,
                                          std::vector<std::string>& levels, std::size_t& missing) {
  levels = st::sorted_levels(group);
  std::map<std::string, std::size_t> at;
  for (std::size_t i = 0; i < levels.size(); ++i) at[levels[i]] = i;
  std::vector<std::vector<double>> groups(levels.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (group[i].empty()) {
      ++missing;
      continue;
    }
    groups[at[group[i]]].push_back(x[i]);
  }
  return groups;
}

st::TestResult run(const StatsOpts& o, Columns& cols) {
  const auto alt = *st::parse_alternative(o.alternative);
  const std::string& t = o.test;
  if (t == "spearman" || t == "kendall" || t == "pearson" || t == "wilcoxon" || (t == "mann-whitney" && o.paired)) {
    const auto xi = cols.index(o.x, "--x"), yi = cols.index(o.y, "--y");
    cols.done();
    const auto x = cols.numbers(xi, o.x), y = cols.numbers(yi, o.y);
    cols.done();
    if (t == "spearman") return st::spearman(x, y, {alt, o.r_compatible});
    if (t == "kendall") return st::kendall(x, y, {alt});
    if (t == "pearson") return st::pearson(x, y, {alt});
    return st::signed_rank(x, y, {alt});
  }
  if (t == "mann-whitney" || t == "kruskal") {
    const auto xi = cols.index(o.x, "--x");
    if (o.group.empty() && t == "mann-whitney") {  // two columns, two samples
      const auto yi = cols.index(o.y, "--y");
      cols.done();
      const auto x = cols.numbers(xi, o.x), y = cols.numbers(yi, o.y);
      cols.done();
      return st::mann_whitney(x, y, {alt});
    }
    const auto gi = cols.index(o.group, "--group");
    cols.done();
    const auto x = cols.numbers(xi, o.x);
    const auto g = cols.labels(gi);
    cols.done();
    std::vector<std::string> levels;
    std::size_t missing = 0;
    auto groups = split_by(x, g, levels, missing);
    st::TestResult r;
    if (t == "mann-whitney") {
      if (groups.size() != 2)
        cols.fail(fmt::format("mann-whitney needs exactly 2 groups in column {}; found {}", o.group, groups.size()));
      r = st::mann_whitney(groups[0], groups[1], {alt});
      r.method += fmt::format(" ({} = {} vs {})", o.group, levels[0], levels[1]);
    } else {
      if (groups.size() < 2) cols.fail(fmt::format("kruskal needs at least 2 groups in column {}", o.group));
      r = st::kruskal(groups);
    }
    r.n_missing += missing;
    return r;
  }
  // fisher, chisq: two columns of categories
  const auto xi = cols.index(o.x, "--x");
  const auto yi = cols.index(o.y.empty() ? o.group : o.y, o.y.empty() ? "--group" : "--y");
  cols.done();
  const auto table = st::cross_table(cols.labels(xi), cols.labels(yi));
  if (table.row_levels.size() < 2 || table.column_levels.size() < 2)
    cols.fail(fmt::format("{} needs at least 2 categories in each column; found {} and {}", t,
                          table.row_levels.size(), table.column_levels.size()));
  st::TestResult r = t == "fisher" ? st::fisher(table.counts, {alt}) : st::chisq(table.counts);
  r.n_missing = table.n_missing;
  return r;
}

nlohmann::ordered_json optional_number(const std::optional<double>& v) {
  if (!v || std::isnan(*v)) return nullptr;
  return *v;
}

}  // namespace

void register_stats(CLI::App& app, Action& action) {
  auto o = std::make_shared<StatsOpts>();
  auto* sub = app.add_subcommand("stats", "One statistical test on your own CSV table, with R's numbers");
  sub->add_option("TEST", o->test, "The test")
      ->required()
      ->check(CLI::IsMember({"spearman", "kendall", "pearson", "mann-whitney", "wilcoxon", "kruskal", "fisher", "chisq"}));
  sub->add_option("FILE", o->file, "A CSV file with a header row")->required();
  sub->add_option("--x", o->x, "Column of the first variable (values; categories for fisher/chisq)")->required();
  sub->add_option("--y", o->y, "Column of the second variable (paired with --x; second sample for mann-whitney)");
  sub->add_option("--group", o->group, "Column of group labels (mann-whitney: 2 groups, kruskal: 2 or more)");
  sub->add_flag("--paired", o->paired, "mann-whitney: the paired signed rank test of --x against --y (as wilcoxon)");
  sub->add_option("--alternative", o->alternative, "two.sided, less or greater")
      ->check(CLI::IsMember({"two.sided", "less", "greater"}));
  sub->add_flag("--r-compatible", o->r_compatible,
                "spearman: R's own method everywhere (AS 89 Edgeworth for 10 <= n <= 1290), not the exact permutation p");
  sub->add_flag("--json", o->json, "Print as JSON");
  sub->callback([o, &action] {
    action = [o] {
      const std::string text = read_text_file(o->file);
      const csv::Table table = csv::parse(text, o->file);
      Columns cols(table, o->file);
      st::TestResult r;
      try {
        r = run(*o, cols);
      } catch (const st::StatsError& e) {
        std::string where = o->file + ", column " + o->x;
        if (!o->y.empty()) where += " and " + o->y;
        if (!o->group.empty()) where += " by " + o->group;
        throw InputError(where, std::string(e.what()));
      }
      r.test = o->test;
      for (const auto& w : r.warnings) std::cerr << "crmo: warning: " << w << "\n";
      if (r.n_missing > 0)
        std::cerr << fmt::format("crmo: note: {} observation{} with a missing value dropped ({} used)\n", r.n_missing,
                                 r.n_missing == 1 ? "" : "s", r.n);
      if (o->json) {
        nlohmann::ordered_json j;
        j["test"] = r.test;
        j["method"] = r.method;
        j["exact"] = r.exact;
        j["n"] = r.n;
        j["alternative"] = std::string(st::to_string(r.alternative));
        j["estimate"] = optional_number(r.estimate);
        j["statistic"] = optional_number(r.statistic);
        j["parameter"] = optional_number(r.parameter);
        j["p_value"] = r.p_value;
        if (r.conf_int) {
          auto bound = [](double v) { return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr); };
          j["conf_int"] = nlohmann::ordered_json::array({bound(r.conf_int->lower), bound(r.conf_int->upper)});
        } else {
          j["conf_int"] = nullptr;
        }
        // beside the fixed keys: what was dropped, the interval's level, R's warnings
        j["n_missing"] = r.n_missing;
        j["conf_level"] = r.conf_int ? nlohmann::ordered_json(r.conf_int->level) : nlohmann::ordered_json(nullptr);
        j["warnings"] = r.warnings;
        print_json(j);
        return 0;
      }
      std::cout << r.method << "\n";
      std::cout << fmt::format("n = {}{}\n", r.n, r.n_missing ? fmt::format(" ({} missing dropped)", r.n_missing) : "");
      std::string line;
      if (r.statistic) line += fmt::format("{} = {:.6g}", r.statistic_name, *r.statistic);
      if (r.parameter) line += fmt::format(", {} = {:g}", r.parameter_name, *r.parameter);
      line += fmt::format("{}p-value = {:.4g}", line.empty() ? "" : ", ", r.p_value);
      std::cout << line << "\n";
      std::cout << "alternative: " << st::to_string(r.alternative) << "\n";
      if (r.estimate) std::cout << fmt::format("{} = {:.6g}\n", r.estimate_name, *r.estimate);
      if (r.conf_int)
        std::cout << fmt::format("{:g} % confidence interval{}: {:.6g} {:.6g}\n", r.conf_int->level * 100,
                                 r.test == "spearman" ? " (Fisher z, standard error sqrt(1.06 / (n - 3)))" : "",
                                 r.conf_int->lower, r.conf_int->upper);
      return 0;
    };
  });
}

}  // namespace crmo::cli
