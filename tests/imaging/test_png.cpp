// write_png: pictures with no colour drawn are stored as 8-bit grey PNGs holding the
// windowed values; a picture with a site mark stays RGB with the orange mark in it.
// The files are decoded here with zlib alone (the PNG format, not libpng, is the check).
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

#include "imaging/png.hpp"
#include "imaging/projection.hpp"

namespace fs = std::filesystem;
using namespace crmo::imaging;

namespace {

struct Decoded {
  std::uint32_t width = 0, height = 0;
  int bit_depth = 0, colour_type = -1, channels = 0;
  std::vector<std::uint8_t> pixels;  // rows of width * channels bytes, unfiltered
};

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// A PNG reader for 8-bit grey or RGB, non-interlaced (all filter types undone).
Decoded decode_png(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<std::uint8_t> d{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  Decoded out;
  EXPECT_GE(d.size(), 33u);
  EXPECT_TRUE(std::equal(d.begin(), d.begin() + 8, std::begin({0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a})));
  std::vector<std::uint8_t> idat;
  for (std::size_t i = 8; i + 12 <= d.size();) {
    const std::uint32_t n = be32(&d[i]);
    const std::string type(d.begin() + static_cast<std::ptrdiff_t>(i + 4), d.begin() + static_cast<std::ptrdiff_t>(i + 8));
    const std::uint8_t* c = &d[i + 8];
    if (type == "IHDR") {
      out.width = be32(c);
      out.height = be32(c + 4);
      out.bit_depth = c[8];
      out.colour_type = c[9];
    } else if (type == "IDAT") {
      idat.insert(idat.end(), c, c + n);
    }
    i += 12 + n;
  }
  out.channels = out.colour_type == 0 ? 1 : out.colour_type == 2 ? 3 : 0;
  const std::size_t stride = static_cast<std::size_t>(out.width) * out.channels;
  std::vector<std::uint8_t> raw((stride + 1) * out.height);
  uLongf len = raw.size();
  EXPECT_EQ(uncompress(raw.data(), &len, idat.data(), idat.size()), Z_OK);
  EXPECT_EQ(len, raw.size());
  const std::size_t bpp = static_cast<std::size_t>(out.channels);
  out.pixels.assign(stride * out.height, 0);
  for (std::size_t y = 0; y < out.height; ++y) {
    const std::uint8_t f = raw[y * (stride + 1)];
    const std::uint8_t* src = &raw[y * (stride + 1) + 1];
    std::uint8_t* row = &out.pixels[y * stride];
    const std::uint8_t* up = y ? &out.pixels[(y - 1) * stride] : nullptr;
    for (std::size_t x = 0; x < stride; ++x) {
      const int a = x >= bpp ? row[x - bpp] : 0, b = up ? up[x] : 0, cc = (up && x >= bpp) ? up[x - bpp] : 0;
      int pred = 0;
      if (f == 1) pred = a;
      if (f == 2) pred = b;
      if (f == 3) pred = (a + b) / 2;
      if (f == 4) {
        const int pa = std::abs(b - cc), pb = std::abs(a - cc), pc = std::abs(a + b - 2 * cc);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : cc;
      }
      row[x] = static_cast<std::uint8_t>(src[x] + pred);
    }
  }
  return out;
}

Picture ramp(std::size_t w, std::size_t h) {
  Picture p;
  p.width = w;
  p.height = h;
  p.values.resize(w * h);
  for (std::size_t i = 0; i < p.values.size(); ++i) p.values[i] = static_cast<float>((i * 37) % 1200);
  return p;
}

struct TempDir {
  fs::path dir = fs::temp_directory_path() / ("crmo_test_png_" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(dir); }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

}  // namespace

TEST(Png, WithoutMarksGreyHoldingTheWindowedValues) {
  TempDir t;
  const Picture p = ramp(40, 30);
  const double lo = 100, hi = 1000;
  const PngInfo info = write_png(p, (t.dir / "g.png").string(), lo, hi);
  EXPECT_EQ(info.width, 40);
  EXPECT_EQ(info.height, 30);
  const Decoded d = decode_png(t.dir / "g.png");
  EXPECT_EQ(d.colour_type, 0);  // grey
  EXPECT_EQ(d.bit_depth, 8);
  ASSERT_EQ(d.width, 40u);
  ASSERT_EQ(d.height, 30u);
  for (std::size_t i = 0; i < p.values.size(); ++i) {
    // The window maps lo..hi to 0..255, rounded; outside it clips.
    const double x = std::clamp((p.values[i] - lo) / (hi - lo), 0.0, 1.0);
    ASSERT_EQ(d.pixels[i], static_cast<int>(x * 255.0 + 0.5)) << "pixel " << i;
  }
  EXPECT_FALSE(fs::exists(t.dir / "g.png.part"));
}

TEST(Png, AMarkKeepsColour) {
  TempDir t;
  Picture p = ramp(120, 120);
  p.geom = Geometry{};  // identity: patient mm = picture index
  const PngInfo info = write_png(p, (t.dir / "c.png").string(), 0, 1200, {{"femur.diaphysis:L", {60, 60, 0}, 2}});
  ASSERT_EQ(info.marks.size(), 1u);
  const Decoded d = decode_png(t.dir / "c.png");
  EXPECT_EQ(d.colour_type, 2);  // RGB
  ASSERT_EQ(d.channels, 3);
  // The mark is orange (red > green > blue) somewhere; elsewhere the picture is grey.
  std::size_t orange = 0, grey = 0;
  for (std::size_t i = 0; i + 2 < d.pixels.size(); i += 3) {
    const int r = d.pixels[i], g = d.pixels[i + 1], b = d.pixels[i + 2];
    if (r > g + 40 && g > b + 40) ++orange;
    if (r == g && g == b) ++grey;
  }
  EXPECT_GT(orange, 20u);
  EXPECT_GT(grey, d.pixels.size() / 3 / 2);
}
