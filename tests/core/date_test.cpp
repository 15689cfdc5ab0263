#include <gtest/gtest.h>

#include "core/date.hpp"

using namespace crmo;

TEST(Date, ParsesOnlyRealCalendarDays) {
  EXPECT_TRUE(parse_date("2020-02-29"));
  EXPECT_FALSE(parse_date("2021-02-29"));
  EXPECT_FALSE(parse_date("2021-13-01"));
  EXPECT_FALSE(parse_date("2021-1-01"));
  EXPECT_FALSE(parse_date("14/03/2021"));
  EXPECT_FALSE(parse_date("2021-03-14T10:00"));
  EXPECT_EQ(parse_date("2021-03-14")->iso(), "2021-03-14");
}

TEST(Date, AgeInYears) {
  auto birth = *parse_date("2010-05-02");
  auto exam = *parse_date("2021-03-14");
  EXPECT_NEAR(years_between(birth, exam), 10.866, 0.001);
  EXPECT_EQ(parse_date("1970-01-01")->days_since_epoch(), 0);
  EXPECT_EQ(parse_date("2000-03-01")->days_since_epoch(), 11017);
}
