// Pictures and site placement on a small four-station phantom that shows the whole body
// (vertex to soles): the body landmarks, where the atlas table puts the phantom's lesion
// sites, the display orientation of the MIP, and the chosen coronal slices.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <unistd.h>

#include "imaging/ingest.hpp"
#include "imaging/nifti.hpp"
#include "imaging/phantom.hpp"
#include "imaging/projection.hpp"
#include "imaging/site_positions.hpp"

namespace fs = std::filesystem;
using namespace crmo::imaging;

namespace {

struct Small {
  fs::path dir;
  PhantomTruth truth;
  IngestResult ingested;
  ~Small() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

const Small& small() {
  static const Small s = [] {
    Small e;
    e.dir = fs::temp_directory_path() / ("crmo_test_pictures_" + std::to_string(::getpid()));
    fs::remove_all(e.dir);
    PhantomOptions o;  // the default 4 x 384 mm stations, coarser: fast
    o.matrix = 128;
    o.pixel_mm = 3.0;
    o.slices = 20;
    o.slice_mm = 8.0;
    o.overlap_mm = 33;
    o.lesions = 14;  // every site the phantom has
    o.noise_sd = 0;
    o.t1 = false;
    e.truth = write_phantom(e.dir.string(), o);
    IngestOptions io;
    io.input = (e.dir / "dicom").string();
    io.out_dir = (e.dir / "out").string();
    for (const auto& l : e.truth.lesions) io.graded.push_back({l.site, 2});
    e.ingested = ingest(io);
    return e;
  }();
  return s;
}

}  // namespace

TEST(Pictures, BodyLandmarksOfThePhantom) {
  const auto& b = small().ingested.manifest["body"];
  ASSERT_TRUE(b["found"].get<bool>());
  // The phantom: head ellipsoid top at z = 1330 mm, soles at 0, legs join the trunk at
  // 520, midline x = 0, trunk centred at y = 0 (phantom.cpp). The fat-suppressed scalp
  // and the skull's cortex are dark on STIR: the visible vertex is ~1 cm lower.
  EXPECT_NEAR(b["vertex_z_mm"].get<double>(), 1330, 15);
  EXPECT_NEAR(b["soles_z_mm"].get<double>(), 0, 6);
  EXPECT_TRUE(b["crotch_detected"].get<bool>());
  EXPECT_NEAR(b["crotch_z_mm"].get<double>(), 520, 10);
  EXPECT_NEAR(b["midline_x_mm"].get<double>(), 0, 3);
  EXPECT_NEAR(b["centre_y_mm"].get<double>(), 0, 8);
  EXPECT_TRUE(b["vertex_in_view"].get<bool>());
  EXPECT_TRUE(b["soles_in_view"].get<bool>());
}

TEST(Pictures, AtlasPlacesThePhantomSitesNearTheirBones) {
  const Small& s = small();
  ASSERT_EQ(s.truth.lesions.size(), 14u);
  const auto& sites = s.ingested.manifest["site_positions"];
  EXPECT_EQ(sites.size(), 124u);  // every site of the default atlas
  for (const auto& l : s.truth.lesions) {
    SCOPED_TRACE(l.site);
    bool seen = false;
    for (const auto& j : sites)
      if (j["site"] == l.site) {
        seen = true;
        const auto& p = j["lps_mm"];
        const Vec3 at{p[0].get<double>(), p[1].get<double>(), p[2].get<double>()};
        // Child proportions against the phantom's cartoon body: within 50 mm (~4 % of
        // the stature), and on the right side of the body.
        EXPECT_LT(norm(at - l.center), 50.0);
        if (std::abs(l.center[0]) > 1) {
          EXPECT_GT(at[0] * l.center[0], 0);
        }
        ASSERT_TRUE(j.contains("mip_px"));
      }
    EXPECT_TRUE(seen);
  }
}

TEST(Pictures, MipShowsLesionsWherePlacedAndPatientLeftOnTheRight) {
  const Small& s = small();
  std::string file;
  for (const auto& v : s.ingested.manifest["volumes"])
    if (v["kind"] == "whole_body") file = v["file"];
  const NiftiRead r = read_nifti((s.dir / "out" / file).string());
  ASSERT_TRUE(r.volume) << r.error;
  const Picture mip = coronal_mip(*r.volume);
  for (const auto& l : s.truth.lesions) {
    SCOPED_TRACE(l.site);
    double col, row;
    ASSERT_TRUE(mip.locate(l.center, col, row));
    // The brightest thing along the ray through a lesion's centre is the lesion (600).
    const auto c = static_cast<std::size_t>(std::lround(col)), rr = static_cast<std::size_t>(std::lround(row));
    EXPECT_NEAR(mip.values[rr * mip.width + c], l.stir, 1.0);
    // Radiological display: the patient's left (+x in LPS) on the viewer's right, head up.
    if (l.center[0] > 1) {
      EXPECT_GT(col, mip.width / 2.0);
    } else if (l.center[0] < -1) {
      EXPECT_LT(col, mip.width / 2.0);
    }
    // Row 0 is the top of the first station (z = 1340 mm), 3 mm a row.
    EXPECT_NEAR(row, (1340 - l.center[2]) / 3.0, 0.01);
  }
  // The MIP picture records a drawn mark per graded site, left sites on the right half.
  const auto& pic = s.ingested.manifest["pictures"][0];
  EXPECT_EQ(pic["kind"], "mip");
  ASSERT_EQ(pic["marks"].size(), s.truth.lesions.size());
  for (const auto& m : pic["marks"]) {
    const std::string site = m["label"];
    const double x = m["x"];
    if (site.back() == 'L') {
      EXPECT_GT(x, pic["width"].get<double>() / 2);
    } else if (site.back() == 'R') {
      EXPECT_LT(x, pic["width"].get<double>() / 2);
    }
  }
  EXPECT_TRUE(fs::exists(s.dir / "out" / pic["file"].get<std::string>()));
}

TEST(Pictures, ChosenCoronalSlices) {
  const auto& pics = small().ingested.manifest["pictures"];
  bool centre = false, spine = false;
  for (const auto& p : pics) {
    if (p["kind"] != "coronal_slice") continue;
    EXPECT_TRUE(fs::exists(small().dir / "out" / p["file"].get<std::string>()));
    const std::string why = p["chosen_for"];
    // Slices are 8 mm apart: the chosen plane is the nearest slice.
    if (why == "body_centre") centre = std::abs(p["y_mm"].get<double>()) <= 4.01;
    if (why == "spine") spine = std::abs(p["y_mm"].get<double>() - 0.035 * 1330) <= 4.01 + 8;
  }
  EXPECT_TRUE(centre);
  EXPECT_TRUE(spine);
}

TEST(Pictures, NoBodyNoSites) {
  Volume v;
  v.dims = {16, 16, 4};
  v.allocate();
  const Picture mip = coronal_mip(v);
  const BodyFrame b = find_body_frame(v, mip);
  EXPECT_FALSE(b.found);
  EXPECT_FALSE(site_position("femur.diaphysis:L", b));
}

TEST(Pictures, UnknownSitesAreNotPlaced) {
  BodyFrame b;
  b.found = true;
  b.vertex_mm = 1300;
  b.soles_mm = 0;
  b.crotch_mm = 600;
  b.stature_mm = 1300;
  EXPECT_TRUE(site_position("femur.diaphysis:L", b));
  EXPECT_FALSE(site_position("femur.nowhere:L", b));
  EXPECT_FALSE(site_position("femur.diaphysis", b));
  EXPECT_FALSE(site_position("spine.t13:M", b));
  // Left is +x (LPS), right -x, the same level.
  const auto l = site_position("tibia.diaphysis:L", b), r = site_position("tibia.diaphysis:R", b);
  ASSERT_TRUE(l && r);
  EXPECT_GT((*l)[0], 0);
  EXPECT_NEAR((*l)[0], -(*r)[0], 1e-9);
  EXPECT_NEAR((*l)[2], (*r)[2], 1e-9);
  EXPECT_EQ(placed_sites().size(), 124u);
}
