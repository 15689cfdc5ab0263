#include <gtest/gtest.h>

#include "formats/csv.hpp"
#include "formats/input_error.hpp"

using namespace crmo;

TEST(Csv, QuotedFieldsAndLineNumbers) {
  auto t = csv::parse("a,b\n\"x, y\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",2\n\n3,4\n", "t.csv");
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0].cells[0], "x, y");
  EXPECT_EQ(t.rows[0].cells[1], "say \"hi\"");
  EXPECT_EQ(t.rows[1].cells[0], "multi\nline");
  EXPECT_EQ(t.rows[1].line, 3u);
  EXPECT_EQ(t.rows[2].line, 6u);
}

TEST(Csv, RaggedRowNamesItsLine) {
  try {
    csv::parse("a,b\n1,2\n3\n", "t.csv");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    ASSERT_EQ(e.problems().size(), 1u);
    EXPECT_EQ(e.problems()[0].place, "t.csv line 3");
  }
}

TEST(Csv, UnterminatedQuote) {
  EXPECT_THROW(csv::parse("a,b\n\"1,2\n", "t.csv"), InputError);
}

TEST(Csv, QuoteRoundTrip) {
  std::vector<std::string> cells = {"plain", "a,b", "say \"x\"", "two\nlines", " pad", ""};
  auto t = csv::parse(csv::format_row({"1", "2", "3", "4", "5", "6"}) + csv::format_row(cells), "t.csv");
  EXPECT_EQ(t.rows[0].cells, cells);
}
