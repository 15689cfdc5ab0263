// Station joining on synthetic volumes: the overlap is blended with a linear ramp (no
// seam), grids that do not coincide are resampled, and geometry is kept.
#include <gtest/gtest.h>

#include <cmath>

#include "imaging/join.hpp"
#include "imaging/stations.hpp"

using namespace crmo::imaging;

namespace {
// A coronal station: rows run feet-ward from z_top.
Volume station(double z_top, std::uint16_t value, std::size_t rows = 60, double row_mm = 2.0) {
  Volume v;
  v.dims = {8, rows, 4};
  v.geom.origin = {0, 0, z_top};
  v.geom.axis = {Vec3{1, 0, 0}, Vec3{0, 0, -1}, Vec3{0, 1, 0}};
  v.geom.spacing = {2.0, row_mm, 5.0};
  v.allocate();
  std::fill(v.data.begin(), v.data.end(), value);
  return v;
}
}  // namespace

TEST(Join, OverlapIsARampWithoutSeam) {
  const Volume a = station(1000, 100), b = station(1000 - 80, 200);  // 40 rows apart: 20 overlap
  const JoinResult r = join_stations({&a, &b}, 1);
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.volume.dims.ny, 100u);
  ASSERT_EQ(r.overlap_mm.size(), 1u);
  EXPECT_NEAR(r.overlap_mm[0], 38.0, 1e-9);
  double prev = r.volume.value(r.volume.index(3, 0, 1));
  EXPECT_EQ(prev, 100);
  EXPECT_EQ(r.volume.value(r.volume.index(3, 99, 1)), 200);
  for (std::size_t j = 1; j < 100; ++j) {
    const double v = r.volume.value(r.volume.index(3, j, 1));
    EXPECT_GE(v, prev) << "row " << j;
    EXPECT_LE(v - prev, 100.0 / 20 + 1) << "seam at row " << j;
    prev = v;
  }
  for (std::size_t j = 0; j < 40; ++j) EXPECT_EQ(r.volume.value(r.volume.index(0, j, 0)), 100);
  for (std::size_t j = 60; j < 100; ++j) EXPECT_EQ(r.volume.value(r.volume.index(7, j, 3)), 200);
  EXPECT_NEAR(r.volume.geom.origin[2], 1000, 1e-9);
}

TEST(Join, OffGridStationIsResampled) {
  const Volume a = station(1000, 100), b = station(1000 - 81, 100);  // half a row off the grid
  const JoinResult r = join_stations({&a, &b}, 1);
  ASSERT_TRUE(r.error.empty());
  for (std::size_t j = 0; j < r.volume.dims.ny; ++j) EXPECT_EQ(r.volume.value(r.volume.index(3, j, 2)), 100);
}

TEST(Join, MixedOrientationIsRefused) {
  Volume a = station(1000, 100), b = station(900, 100);
  b.geom.axis = {Vec3{0, 1, 0}, Vec3{0, 0, -1}, Vec3{1, 0, 0}};
  EXPECT_FALSE(join_stations({&a, &b}, 1).error.empty());
}

TEST(Stations, DescriptionStems) {
  EXPECT_EQ(description_stem("COR STIR WB S1"), "COR STIR WB");
  EXPECT_EQ(description_stem("t2_tirm_cor_wb_3"), "t2_tirm_cor_wb");
  EXPECT_EQ(description_stem("WB STIR 2/4"), "WB STIR");
  EXPECT_EQ(description_stem("STIR station 2"), "STIR");
  EXPECT_EQ(description_stem("T1"), "T1");
}
