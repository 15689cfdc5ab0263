// Layout of the drawings from measured text: every text drawn lies inside the canvas,
// and the legend's labels keep clear of each other, of the colour bar and of the swatch
// (the skeleton legend's caption used to be cut at the bottom edge, and the swatch's
// label touched the bar). The texts are those actually drawn (a canvas that records),
// measured as cairo draws them; no pixels compared.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "formats/atlas_json.hpp"
#include "report/canvas.hpp"
#include "report/pdf_table.hpp"
#include "report/skeleton_draw.hpp"

using namespace crmo;
using namespace crmo::report;

namespace {

struct DrawnText {
  double x, y;
  std::string text;
  Font font;
};

// Keeps what is drawn: texts, and the boxes of rectangles, polygons and lines.
class RecordingCanvas : public Canvas {
 public:
  std::vector<DrawnText> texts;
  std::vector<Box> shapes;
  void polygon(const std::vector<Point>& p, const Paint&, const Tag&) override { add(p); }
  void polyline(const std::vector<Point>& p, const Paint&) override { add(p); }
  void rect(double x, double y, double w, double h, const Paint&, const Tag&) override { shapes.push_back({x, y, x + w, y + h}); }
  void circle(double cx, double cy, double r, const Paint&, const Tag&) override {
    shapes.push_back({cx - r, cy - r, cx + r, cy + r});
  }
  void text(double x, double y, const std::string& t, const Font& f) override { texts.push_back({x, y, t, f}); }

 private:
  void add(const std::vector<Point>& pts) {
    Box b{pts.at(0).x, pts.at(0).y, pts.at(0).x, pts.at(0).y};
    for (const auto& p : pts) b = {std::min(b.left, p.x), std::min(b.top, p.y), std::max(b.right, p.x), std::max(b.bottom, p.y)};
    shapes.push_back(b);
  }
};

// Boxes at least `gap` apart (touching is not clear).
bool clear(const Box& a, const Box& b, double gap = 1.5) {
  return !overlaps({a.left - gap, a.top - gap, a.right + gap, a.bottom + gap}, b);
}

std::vector<SkeletonStyle> styles() {
  std::vector<SkeletonStyle> out;
  auto add = [&](std::string title, std::string label, double max) {
    SkeletonStyle s;
    s.title = std::move(title);
    s.legend_label = std::move(label);
    s.legend_max = max;
    out.push_back(s);
  };
  add("Patients with the unit involved", "% of patients", 100);  // the cohort report's
  add("Patients with the unit involved", "% of patients", 30);
  add("Patients with the unit involved", "% of patients", 37.5);  // tick labels 9.4, 18.8, 28.1
  add("Patients with the unit involved", "% of patients", 12345.6);
  add("", "% of patients", 1);
  add("A much longer title than the drawing is wide, as a centre might choose for its own report", "share", 100);
  add("Lesions", "% of patients with the unit-side involved at the first exam, all readers and timepoints together", 100);
  add("Title only", "", 1);
  add("", "", 1);
  return out;
}

}  // namespace

TEST(SkeletonLayout, EveryTextInsideTheCanvasAndLegendLabelsClear) {
  for (const auto& style : styles()) {
    SCOPED_TRACE("title '" + style.title + "', legend '" + style.legend_label + "', max " + std::to_string(style.legend_max));
    const Point size = skeleton_figure_size(style);
    const Box canvas{0, 0, size.x, size.y};
    RecordingCanvas c;
    draw_skeleton(c, default_atlas(), {}, style);
    ASSERT_FALSE(c.texts.empty());
    for (const auto& t : c.texts) {
      const Box b = text_box(t.x, t.y, t.text, t.font);
      EXPECT_TRUE(inside(b, canvas)) << "'" << t.text << "' at [" << b.left << ", " << b.top << ", " << b.right << ", "
                                     << b.bottom << "] outside the canvas " << size.x << " x " << size.y;
    }
    for (const auto& s : c.shapes)
      EXPECT_TRUE(inside(s, canvas)) << "a shape at [" << s.left << ", " << s.top << ", " << s.right << ", " << s.bottom
                                     << "] outside the canvas";

    const SkeletonLayout l = skeleton_layout(style);
    EXPECT_EQ(l.width, size.x);
    EXPECT_EQ(l.height, size.y);
    EXPECT_EQ(c.texts.size(), l.texts.size() + l.legend_texts.size());  // the layout is what is drawn
    EXPECT_EQ(l.legend, !style.legend_label.empty());
    if (!l.legend) continue;
    ASSERT_EQ(l.legend_texts.size(), 7u);  // 5 tick labels, "none", the caption
    EXPECT_EQ(l.legend_texts.back().text, style.legend_label);
    for (std::size_t i = 0; i < l.legend_texts.size(); ++i) {
      const auto& a = l.legend_texts[i];
      EXPECT_TRUE(clear(a.box, l.bar)) << "'" << a.text << "' touches the colour bar";
      EXPECT_TRUE(clear(a.box, l.swatch)) << "'" << a.text << "' touches the swatch";
      for (std::size_t j = i + 1; j < l.legend_texts.size(); ++j)
        EXPECT_TRUE(clear(a.box, l.legend_texts[j].box)) << "'" << a.text << "' and '" << l.legend_texts[j].text << "' overlap";
    }
    EXPECT_TRUE(clear(l.swatch, l.bar)) << "swatch and bar touch";
    // The legend sits below the drawing and the title's texts.
    for (const auto& t : l.texts) EXPECT_LT(t.box.bottom, l.bar.top) << t.text;
    for (std::size_t k = 1; k < l.tick_x.size(); ++k) EXPECT_GT(l.tick_x[k], l.tick_x[k - 1]);
    EXPECT_DOUBLE_EQ(l.tick_x.front(), l.bar.left);
    EXPECT_DOUBLE_EQ(l.tick_x.back(), l.bar.right);
  }
}

TEST(SkeletonLayout, ScoringPageDrawingUnchanged) {
  // Without title and legend (the scoring page) the drawing keeps its own coordinates.
  const SkeletonLayout l = skeleton_layout({});
  EXPECT_EQ(l.drawing_offset.x, 0);
  EXPECT_EQ(l.drawing_offset.y, 0);
  EXPECT_EQ(l.width, skeleton_drawing().width);
  EXPECT_EQ(l.height, skeleton_drawing().height);
}

TEST(TextBox, MeasuredLikeCairoDrawsIt) {
  // DejaVu Sans: wider text, wider box; anchors move the box, not its size; a larger
  // font is taller.
  const Font f{10, false, Anchor::Start};
  const Box a = text_box(0, 20, "none", f), b = text_box(0, 20, "none at all", f);
  EXPECT_GT(a.width(), 10);  // four letters at 10 pt are about 25 units wide
  EXPECT_LT(a.width(), 40);
  EXPECT_GT(b.width(), a.width());
  Font mid = f;
  mid.anchor = Anchor::Middle;
  const Box m = text_box(0, 20, "none", mid);
  EXPECT_NEAR(m.left, -a.width() / 2, 1);
  EXPECT_NEAR(m.width(), a.width(), 1e-9);
  EXPECT_LT(a.top, 20);
  EXPECT_GT(a.bottom, 20);
  const Box big = text_box(0, 20, "none", Font{20, false, Anchor::Start});
  EXPECT_GT(big.height(), 1.8 * a.height());
}

namespace {

TextTable correlation_table() {
  TextTable t;
  t.header = {"parameter", "n", "rs", "95 % CI", "p", "p Holm"};
  t.rows = {{"lesion_count", "54", "0.667", "[0.48, 0.80]", "3.71e-08", "5.93e-07"},
            {"transphyseal_sites", "54", "0.289", "[0.02, 0.52]", "0.0340", "0.1880"},
            {"spine_involved", "54", "0.220", "[-0.06, 0.47]", "0.1107", "0.2769"},
            {"rai_total", "1234", "NA", "NA", "NA", "NA"}};
  return t;
}

// Every cell inside its column, columns left to right and apart, numbers right-aligned.
void expect_aligned(const TextTable& t, const TableLayout& l) {
  const std::size_t n = t.header.size();
  ASSERT_EQ(l.column_left.size(), n);
  ASSERT_EQ(l.column_width.size(), n);
  for (std::size_t c = 1; c < n; ++c) EXPECT_GT(l.column_left[c], l.column_left[c - 1] + l.column_width[c - 1]) << c;
  for (std::size_t r = 0; r <= t.rows.size(); ++r)
    for (std::size_t c = 0; c < n; ++c) {
      const std::string& cell = r == 0 ? t.header[c] : t.rows[r - 1][c];
      const Box b = text_box(l.anchor_x(c), l.baseline(r), cell, l.font(c, r == 0));
      const double left = l.column_left[c], right = left + l.column_width[c];
      EXPECT_GE(b.left, left - 1e-6) << "'" << cell << "' sticks out of column " << c << " on the left";
      EXPECT_LE(b.right, right + 1e-6) << "'" << cell << "' sticks out of column " << c << " on the right";
      if (c + 1 < n) {
        EXPECT_LT(b.right, l.column_left[c + 1]) << "'" << cell << "' reaches the next column";
      }
      if (l.right_aligned[c]) {
        EXPECT_NEAR(b.right, right, 0.5) << "'" << cell << "' not right-aligned";
      } else {
        EXPECT_NEAR(b.left, left, 1.5) << "'" << cell << "' not left-aligned";
      }
    }
  EXPECT_GT(l.height, l.row_height * static_cast<double>(t.rows.size()));
}

}  // namespace

TEST(PdfTable, MeasuredColumnsNumbersRightAligned) {
  const TextTable t = correlation_table();
  const TableLayout l = layout_table(t, 515);
  EXPECT_EQ(l.font_size, t.font_size);  // fits: not shrunk
  EXPECT_LE(l.width, 515);
  EXPECT_EQ(l.right_aligned, (std::vector<bool>{false, true, true, true, true, true}));
  expect_aligned(t, l);
  // The widest cell sets the width: a longer name widens the first column only.
  TextTable longer = t;
  longer.rows[0][0] = "a_much_longer_parameter_name";
  const TableLayout l2 = layout_table(longer, 515);
  EXPECT_GT(l2.column_width[0], l.column_width[0] + 20);
  EXPECT_NEAR(l2.column_width[2], l.column_width[2], 1e-9);
  expect_aligned(longer, l2);
}

TEST(PdfTable, ShrinksToTheWidthGiven) {
  TextTable t = correlation_table();
  t.header.push_back("method");
  for (auto& r : t.rows) r.push_back("exact permutation p-value, the tail is small enough to count");
  const TableLayout wide = layout_table(t, 2000);
  ASSERT_GT(wide.width, 515);
  const TableLayout l = layout_table(t, 515);
  EXPECT_LT(l.font_size, t.font_size);
  EXPECT_LE(l.width, 515);
  expect_aligned(t, l);
  EXPECT_FALSE(l.right_aligned.back());
}

TEST(PdfTable, NumericCells) {
  for (const char* s : {"54", "0.667", "-0.06", "3.71e-08", "[0.48, 0.80]", "12.5 %", "NA", "0.12 to 0.80", "22.5 -> 16.5"})
    EXPECT_TRUE(numeric_cell(s)) << s;
  for (const char* s : {"", "lesion_count", "R1 / R2", "ICC1", "none", "tibia"}) EXPECT_FALSE(numeric_cell(s)) << s;
  EXPECT_THROW(layout_table(TextTable{"", {"a", "b"}, {{"1"}}, {}, 8.5}, 500), std::invalid_argument);
}
