#pragma once
// A small drawing surface that reports draw on once and render twice: as SVG text
// (HTML report, .svg files) and through cairo (PDF pages, PNG). Colours are "#rrggbb".
#include <memory>
#include <string>
#include <vector>

namespace crmo::report {

struct Point {
  double x = 0, y = 0;
};

struct Paint {
  std::string fill = "none";
  std::string stroke = "none";
  double stroke_width = 1;
  double opacity = 1;
};

// What only SVG keeps: ids, classes, data attributes, tooltips, focus.
struct Tag {
  std::string id, cls, data_site, title;
  bool focusable = false;
};

enum class Anchor { Start, Middle, End };

struct Font {
  double size = 11;
  bool bold = false;
  Anchor anchor = Anchor::Start;
  std::string colour = "#222222";
  double rotate = 0;  // degrees, about the text's anchor point
};

class Canvas {
 public:
  virtual ~Canvas() = default;
  virtual void polygon(const std::vector<Point>& points, const Paint& paint, const Tag& tag = {}) = 0;
  virtual void polyline(const std::vector<Point>& points, const Paint& paint) = 0;
  virtual void rect(double x, double y, double w, double h, const Paint& paint, const Tag& tag = {}) = 0;
  virtual void circle(double cx, double cy, double r, const Paint& paint, const Tag& tag = {}) = 0;
  virtual void text(double x, double y, const std::string& text, const Font& font) = 0;
  // Groups carry an id/class in SVG; cairo ignores them.
  virtual void begin_group(const Tag& tag) { (void)tag; }
  virtual void end_group() {}
  void line(double x1, double y1, double x2, double y2, const Paint& paint) { polyline({{x1, y1}, {x2, y2}}, paint); }
};

// SVG text of everything drawn; `svg()` wraps it in an <svg> element.
class SvgCanvas : public Canvas {
 public:
  SvgCanvas(double width, double height) : width_(width), height_(height) {}
  void polygon(const std::vector<Point>& points, const Paint& paint, const Tag& tag = {}) override;
  void polyline(const std::vector<Point>& points, const Paint& paint) override;
  void rect(double x, double y, double w, double h, const Paint& paint, const Tag& tag = {}) override;
  void circle(double cx, double cy, double r, const Paint& paint, const Tag& tag = {}) override;
  void text(double x, double y, const std::string& text, const Font& font) override;
  void begin_group(const Tag& tag) override;
  void end_group() override;
  // attrs: extra attributes of the <svg> element (role, aria-label, class).
  std::string svg(const std::string& attrs = "") const;
  const std::string& body() const { return body_; }

 private:
  double width_, height_;
  std::string body_;
};

// Draws through a cairo context (PDF or image surface) with an offset and scale.
class CairoCanvas : public Canvas {
 public:
  // `cr` is a cairo_t*; kept opaque so that cairo's header stays out of this one.
  CairoCanvas(void* cr, double x = 0, double y = 0, double scale = 1) : cr_(cr), x_(x), y_(y), s_(scale) {}
  void polygon(const std::vector<Point>& points, const Paint& paint, const Tag& tag = {}) override;
  void polyline(const std::vector<Point>& points, const Paint& paint) override;
  void rect(double x, double y, double w, double h, const Paint& paint, const Tag& tag = {}) override;
  void circle(double cx, double cy, double r, const Paint& paint, const Tag& tag = {}) override;
  void text(double x, double y, const std::string& text, const Font& font) override;

 private:
  void finish(const Paint& paint);
  void* cr_;
  double x_, y_, s_;
};

// Where a text drawn at (x, y) with `font` lies (unrotated), as cairo draws it in DejaVu
// Sans, the font the SVG asks for first: horizontally the advance or the ink, whichever
// is wider; vertically the font's ascent and descent (not only this text's ink), so that
// lines of text laid out by these boxes keep their spacing whatever letters they hold.
struct Box {
  double left = 0, top = 0, right = 0, bottom = 0;
  double width() const { return right - left; }
  double height() const { return bottom - top; }
};
Box text_box(double x, double y, const std::string& text, const Font& font);
// Advance width of `text` (what anchors use), and the font's ascent and descent.
struct TextMetrics {
  double advance = 0, ascent = 0, descent = 0;
};
TextMetrics text_metrics(const std::string& text, const Font& font);
bool overlaps(const Box& a, const Box& b);
// `inner` lies within `outer` (edges may touch).
bool inside(const Box& inner, const Box& outer);

std::string xml_escape(const std::string& text);
// Colour scale for heat maps: 0 -> pale, 1 -> dark red (sequential, colour-blind safe).
std::string heat_colour(double t);

}  // namespace crmo::report
