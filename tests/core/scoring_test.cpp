// The example exams in examples/exams/, scored by hand in examples/exams/README.md.
#include <gtest/gtest.h>

#include <map>

#include "core/scoring.hpp"
#include "formats/atlas_json.hpp"
#include "formats/input_error.hpp"
#include "formats/exam_json.hpp"
#include "formats/file_io.hpp"
#include "formats/scheme_json.hpp"

using namespace crmo;

namespace {

struct Scored {
  ExamScore score;
  std::map<std::string, int> sites;
};

Scored score_example(const std::string& file, const std::string& scheme_name = "seed-2022") {
  SchemeRegistry reg = SchemeRegistry::with_builtins();
  Scheme scheme = reg.get(scheme_name);
  std::string path = std::string(CRMO_SOURCE_DIR) + "/examples/exams/" + file;
  Exam exam = read_exam_json(read_text_file(path), path, default_atlas(), scheme);
  Scored s{score_exam(exam, default_atlas(), scheme, reg.get("seed-2022").parameters), {}};
  for (const auto& site : s.score.sites) s.sites[site.site] = site.score;
  return s;
}

}  // namespace

TEST(HandScored, P017UnitScoresAndTotal) {
  auto s = score_example("P017-1.json");
  EXPECT_EQ(s.sites["tibia.distal_metaphysis:L"], 6);  // 2 + 3 + max(1,0) + 0
  EXPECT_EQ(s.sites["tibia.distal_epiphysis:L"], 2);   // 1 + 1
  EXPECT_EQ(s.sites["spine.t7:M"], 4);                 // 1 + 2 + collapse 1
  EXPECT_EQ(s.score.total, 12);
  EXPECT_EQ(*s.score.parameter("rai_total"), 12);
  EXPECT_EQ(*s.score.parameter("lesion_count"), 2);    // label "a" merges the tibia sites
  EXPECT_EQ(*s.score.parameter("sites_involved"), 3);
  EXPECT_EQ(*s.score.parameter("max_signal"), 2);
  EXPECT_EQ(*s.score.parameter("max_extent"), 3);
  EXPECT_EQ(*s.score.parameter("soft_tissue_sites"), 1);
  EXPECT_EQ(*s.score.parameter("periosteal_sites"), 0);
  EXPECT_EQ(*s.score.parameter("collapse_sites"), 1);
  EXPECT_EQ(*s.score.parameter("transphyseal_sites"), 1);
  EXPECT_EQ(*s.score.parameter("symmetric_units"), 0);
  EXPECT_EQ(*s.score.parameter("regions_involved"), 2);
  EXPECT_EQ(*s.score.parameter("bones_involved"), 2);
  EXPECT_EQ(*s.score.parameter("spine_involved"), 1);
  EXPECT_EQ(*s.score.parameter("pelvis_involved"), 0);
  EXPECT_EQ(*s.score.parameter("lower_limb_involved"), 1);
}

TEST(HandScored, NormalExamScoresZero) {
  auto s = score_example("P021-1.json");
  EXPECT_EQ(s.score.total, 0);
  EXPECT_TRUE(s.score.sites.empty());
  EXPECT_EQ(*s.score.parameter("lesion_count"), 0);
  EXPECT_EQ(*s.score.parameter("regions_involved"), 0);
}

TEST(HandScored, P033MultifocalSymmetric) {
  auto s = score_example("P033-1.json");
  EXPECT_EQ(s.sites["femur.distal_metaphysis:L"], 5);
  EXPECT_EQ(s.sites["femur.distal_metaphysis:R"], 2);
  EXPECT_EQ(s.sites["clavicle.medial:R"], 7);  // the 0-7 maximum
  EXPECT_EQ(s.sites["pubis:L"], 3);
  EXPECT_EQ(s.sites["spine.l2:M"], 2);
  EXPECT_EQ(s.score.total, 19);
  EXPECT_EQ(*s.score.parameter("lesion_count"), 5);
  EXPECT_EQ(*s.score.parameter("symmetric_units"), 1);
  EXPECT_EQ(*s.score.parameter("regions_involved"), 4);
  EXPECT_EQ(*s.score.parameter("bones_involved"), 4);
  EXPECT_EQ(*s.score.parameter("periosteal_sites"), 2);
  EXPECT_EQ(*s.score.parameter("expansion_sites"), 1);
  EXPECT_EQ(*s.score.parameter("pelvis_involved"), 1);
}

TEST(Rinbo, PlaceholderBinsFromTheFourInputs) {
  auto s = score_example("P033-1.json", "rinbo");
  ASSERT_EQ(s.score.index.size(), 4u);
  EXPECT_EQ(s.score.index[0].name, "active_lesions");
  EXPECT_EQ(*s.score.index[0].value, 5);  // 3 <= 5 < 6 -> 2 points
  EXPECT_EQ(s.score.index[0].points, 2);
  EXPECT_EQ(*s.score.index[1].value, 41.5);  // largest diameter, >= 40 -> 2 points
  EXPECT_EQ(s.score.index[1].points, 2);
  EXPECT_EQ(s.score.index[2].points, 1);     // soft tissue / periosteal present
  EXPECT_EQ(s.score.index[3].points, 1);     // spine involved
  ASSERT_TRUE(s.score.index_total);
  EXPECT_EQ(*s.score.index_total, 6);
  // Without diameters the index is undetermined, not guessed.
  auto p017 = score_example("P017-1.json", "rinbo");
  EXPECT_FALSE(p017.score.index_total);
}

TEST(Schemes, AUserVariantChangesTheUnitScore) {
  // A modified CROMRIS where soft tissue and periosteal reaction add up instead of max.
  SchemeRegistry reg = SchemeRegistry::with_builtins();
  reg.add(parse_scheme_json(R"({"format": "crmo.scheme/1", "name": "my-cromris", "version": "0.9",
    "based_on": "rai-cromris",
    "unit_score": ["signal", "extent", "soft_tissue", "periosteal", "expansion", "collapse"]})", "my.json"));
  Scheme s = reg.get("my-cromris");
  EXPECT_EQ(s.items.size(), 6u);  // inherited
  EXPECT_TRUE(s.exam_total);
  std::string path = std::string(CRMO_SOURCE_DIR) + "/examples/exams/P033-1.json";
  Exam exam = read_exam_json(read_text_file(path), path, default_atlas(), s);
  auto score = score_exam(exam, default_atlas(), s, {});
  EXPECT_EQ(score.total, 20);  // clavicle.medial:R gains 1 (soft tissue and periosteal both)
}

TEST(Schemes, BasedOnCyclesAndUnknownBasesAreErrors) {
  SchemeRegistry reg = SchemeRegistry::with_builtins();
  reg.add(parse_scheme_json(R"({"format": "crmo.scheme/1", "name": "a", "version": "1", "based_on": "b"})", "a"));
  reg.add(parse_scheme_json(R"({"format": "crmo.scheme/1", "name": "b", "version": "1", "based_on": "a"})", "b"));
  reg.add(parse_scheme_json(R"({"format": "crmo.scheme/1", "name": "c", "version": "1", "based_on": "nope"})", "c"));
  EXPECT_THROW(reg.get("a"), InputError);
  EXPECT_THROW(reg.get("c"), InputError);
  EXPECT_THROW(reg.get("no-such-scheme"), InputError);
}
