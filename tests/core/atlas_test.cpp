#include <gtest/gtest.h>

#include <map>

#include "formats/atlas_json.hpp"
#include "formats/input_error.hpp"

using namespace crmo;

TEST(Atlas, HasThe124UnitSidesOfTheSpec) {
  const Atlas& a = default_atlas();
  EXPECT_EQ(a.site_count(), 124u);
  std::map<std::string, int> per_region;
  for (const Site& s : a.sites()) per_region[s.unit->region]++;
  // spec/atlas.md "Counting".
  EXPECT_EQ(per_region["head"], 3);
  EXPECT_EQ(per_region["shoulder_chest"], 10);
  EXPECT_EQ(per_region["spine"], 24);
  EXPECT_EQ(per_region["pelvis"], 9);
  EXPECT_EQ(per_region["upper_limb"], 36);
  EXPECT_EQ(per_region["lower_limb"], 42);
}

TEST(Atlas, KindsAndBonesFollowTheSpec) {
  const Atlas& a = default_atlas();
  ASSERT_NE(a.find("spine.t7"), nullptr);
  EXPECT_EQ(a.find("spine.t7")->kind, UnitKind::Vertebra);
  EXPECT_EQ(a.find("femur.distal_metaphysis")->kind, UnitKind::Long);
  EXPECT_EQ(a.find("femur.distal_metaphysis")->bone, "femur");
  EXPECT_EQ(a.find("coccyx")->bone, "sacrum");
  EXPECT_EQ(a.find("pubis")->bone, "pelvis_bone");
  EXPECT_EQ(a.find("patella")->kind, UnitKind::Short);
  EXPECT_FALSE(a.find("skull")->paired);
  EXPECT_TRUE(a.find("sacrum")->paired);
  EXPECT_EQ(a.find("spine.c8"), nullptr);
  EXPECT_NE(a.find("spine.l5"), nullptr);
}

TEST(Atlas, ParsesSitesAndExplainsBadOnes) {
  const Atlas& a = default_atlas();
  auto s = a.parse_site("tibia.distal_metaphysis:L");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->key(), "tibia.distal_metaphysis:L");
  std::string err;
  EXPECT_FALSE(a.parse_site("tibia.distal_metaphysis:M", &err));
  EXPECT_NE(err.find("paired"), std::string::npos);
  EXPECT_FALSE(a.parse_site("spine.t7:L", &err));
  EXPECT_NE(err.find("midline"), std::string::npos);
  EXPECT_FALSE(a.parse_site("tibia.shaft:L", &err));
  EXPECT_NE(err.find("unknown bone unit"), std::string::npos);
  EXPECT_FALSE(a.parse_site("tibia.diaphysis", &err));
  EXPECT_NE(err.find("unit:side"), std::string::npos);
  EXPECT_FALSE(a.parse_site("tibia.diaphysis:X", &err));
  EXPECT_NE(err.find("unknown side"), std::string::npos);
}

TEST(Atlas, AnotherAtlasFileCanBeLoaded) {
  Atlas a = parse_atlas_json(R"({"format": "crmo.atlas/1", "name": "mini", "version": "2",
    "units": [{"id": "knee", "sides": "LR", "kind": "long", "bone": "femur", "region": "leg"}]})", "mini.json");
  EXPECT_EQ(a.site_count(), 2u);
  EXPECT_EQ(a.regions(), std::vector<std::string>{"leg"});
  EXPECT_THROW(parse_atlas_json(R"({"format": "crmo.atlas/1", "name": "x", "version": "1",
    "units": [{"id": "a", "sides": "LR", "kind": "bendy", "bone": "b", "region": "r"}]})", "x.json"), InputError);
}
