// The core validator on exams built in code (the readers' own checks are in tests/formats).
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/validation.hpp"
#include "formats/atlas_json.hpp"
#include "formats/scheme_json.hpp"

using namespace crmo;

namespace {
SiteGrading graded(std::string site, std::map<std::string, int> grades) {
  SiteGrading g;
  g.site = std::move(site);
  g.grades = std::move(grades);
  return g;
}
Exam exam_with(SiteGrading g) {
  Exam e;
  e.patient.id = "P1";
  e.id = "E1";
  e.date = *parse_date("2021-01-01");
  e.lesions.push_back(std::move(g));
  return e;
}
std::vector<Problem> check(const Exam& e) {
  static Scheme s = SchemeRegistry::with_builtins().get("cromris");
  return validate_exam(e, default_atlas(), s);
}
}  // namespace

TEST(Validation, AValidSiteHasNoProblems) {
  EXPECT_TRUE(check(exam_with(graded("femur.diaphysis:L", {{"signal", 2}, {"extent", 1}, {"expansion", 1}}))).empty());
}

TEST(Validation, CollapseOnAFemurNamesTheField) {
  auto p = check(exam_with(graded("femur.diaphysis:L", {{"signal", 1}, {"collapse", 1}})));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].lesion, 0);
  EXPECT_EQ(p[0].field, "collapse");
  EXPECT_NE(p[0].message.find("vertebra units only"), std::string::npos);
}

TEST(Validation, ExpansionOnAVertebraIsAnError) {
  auto p = check(exam_with(graded("spine.l1:M", {{"signal", 1}, {"expansion", 1}})));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].field, "expansion");
}

TEST(Validation, ExplicitZeroOfAnItemThatDoesNotApplyIsAccepted) {
  EXPECT_TRUE(check(exam_with(graded("femur.diaphysis:L", {{"signal", 1}, {"collapse", 0}}))).empty());
}

TEST(Validation, GradesOnASiteWithSignalZero) {
  auto p = check(exam_with(graded("femur.diaphysis:L", {{"signal", 0}, {"extent", 2}})));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].field, "extent");
  EXPECT_NE(p[0].message.find("signal 0"), std::string::npos);
}

TEST(Validation, PhysisOnlyOnLongBones) {
  SiteGrading g = graded("pubis:L", {{"signal", 1}});
  g.physis = "abutting";
  auto p = check(exam_with(g));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].field, "physis");
}

TEST(Validation, ClinicalRanges) {
  Exam e = exam_with(graded("femur.diaphysis:L", {{"signal", 1}}));
  e.clinical.pga = 6.3;  // PGA moves in steps of 0.5
  e.clinical.chaq = 4;
  auto p = check(e);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].field, "clinical.pga");
  EXPECT_EQ(p[1].field, "clinical.chaq");
}
