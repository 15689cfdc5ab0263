// R golden values: every case of golden/golden.json (made by r/make_golden.R, with the
// R call recorded next to its values) must come out of crmo within the tolerance of
// analysis.md, or be refused where R gives NA or an error.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/stats/ranks.hpp"
#include "core/stats/result.hpp"
#include "families.hpp"

namespace crmo::stats::testing {
namespace {

std::vector<double> numbers(const nlohmann::json& a) {
  std::vector<double> v;
  for (const auto& e : a) {
    if (e.is_null()) v.push_back(std::numeric_limits<double>::quiet_NaN());
    else if (e.is_string()) v.push_back(e.get<std::string>() == "Inf" ? INFINITY : -INFINITY);
    else v.push_back(e.get<double>());
  }
  return v;
}

nlohmann::json load() {
  std::ifstream in(std::string(CRMO_STATS_TEST_DIR) + "/golden/golden.json");
  if (!in) throw std::runtime_error("cannot read golden/golden.json");
  return nlohmann::json::parse(in);
}

std::string check(const Case& c, const nlohmann::json& g) {
  const Outcome out = run_crmo(c);
  if (g.contains("error")) {
    if (!out.error) return "R: " + g["error"].get<std::string>() + "; crmo gave values";
    // a clear error: it says what is wrong, not just that something is
    if (out.message.size() < 20) return "crmo refused without a reason: '" + out.message + "'";
    return "";
  }
  if (out.error) return "crmo refused: " + out.message;
  const auto expected = numbers(g["expected"]);
  if (expected.size() != out.values.size())
    return "R gave " + std::to_string(expected.size()) + " values, crmo " + std::to_string(out.values.size());
  std::ostringstream problems;
  for (std::size_t i = 0; i < expected.size(); ++i)
    if (!agree(out.values[i], expected[i], kind_of(c.family, i, expected.size())))
      problems << " value " << i << ": crmo " << format_numbers({out.values[i]}, ',') << " R "
               << format_numbers({expected[i]}, ',') << ";";
  return problems.str();
}

TEST(RGolden, EveryCaseAgreesWithR) {
  const auto golden = load();
  std::size_t checked = 0, default_checked = 0;
  for (const auto& g : golden["cases"]) {
    Case c;
    c.family = g["family"];
    c.alternative = g["alternative"];
    c.extra = g["extra"];
    c.x = numbers(g["x"]);
    c.y = numbers(g["y"]);
    const std::string problem = check(c, g);
    EXPECT_EQ(problem, "") << c.family << " case " << checked << ", R call: " << g["call"].get<std::string>();
    // crmo's default Spearman is R's wherever R is exact (n <= 9) or uses t (ties,
    // n > 1290), and wherever crmo does not count an exact tail
    if (c.family == "spearman" && !g.contains("error")) {
      Case d = c;
      d.family = "spearman_default";
      if (!run_crmo(d).exact_not_r) {
        EXPECT_EQ(check(d, g), "") << "default Spearman, case " << checked;
        ++default_checked;
      }
      Pairs p = complete_pairs(c.x, c.y);
      if (p.x.size() <= 9 || p.x.size() > 1290 || has_ties(p.x) || has_ties(p.y)) {
        EXPECT_FALSE(run_crmo(d).exact_not_r) << "case " << checked;
      }
    }
    ++checked;
  }
  EXPECT_GE(checked, 100u);
  EXPECT_GE(default_checked, 15u);
}

}  // namespace
}  // namespace crmo::stats::testing
