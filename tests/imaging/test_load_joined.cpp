// Loading stations straight into the whole-body grid (load_joined) gives the same volume,
// voxel for voxel, as loading each station and joining them (join_stations), which the
// Join.* and Phantom.* tests check against the body; also with a station file broken.
#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include "imaging/dicom_scan.hpp"
#include "imaging/dicom_series.hpp"
#include "imaging/load_joined.hpp"
#include "imaging/phantom.hpp"
#include "imaging/stations.hpp"
#include "joined_phantom.hpp"

namespace fs = std::filesystem;
using namespace crmo::imaging;
using crmo::imaging::testing::joined_phantom;
using crmo::imaging::testing::TempDir;

namespace {

struct Loaded {
  std::vector<JoinResult> direct, joined;
  std::vector<Problem> direct_problems, joined_problems;
  bool all_same_grid = true;  // load_joined took its direct path for every group
};

Loaded load_both(const fs::path& dicom) {
  const ScanResult scan = scan_dicom(dicom.string());
  const SeriesResult planned = plan_series(scan.headers);
  Loaded out;
  for (const StationGroup& g : find_station_groups(planned.series)) {
    std::vector<const SeriesPlan*> plans;
    for (std::size_t i : g.series) plans.push_back(&planned.series[i]);
    std::vector<Volume> grids;
    for (const SeriesPlan* p : plans) grids.push_back(grid_of(*p));
    std::vector<const Volume*> gp;
    for (const Volume& v : grids) gp.push_back(&v);
    out.all_same_grid = out.all_same_grid && plan_join(gp, g.join_axis).same_grid;
    out.direct.push_back(load_joined(scan.headers, plans, g.join_axis, out.direct_problems));
    std::vector<Volume> stations;
    for (const SeriesPlan* p : plans) {
      LoadResult lr = load_series(scan.headers, *p);
      out.joined_problems.insert(out.joined_problems.end(), lr.problems.begin(), lr.problems.end());
      stations.push_back(std::move(lr.volume));
    }
    std::vector<const Volume*> ptrs;
    for (const Volume& v : stations) ptrs.push_back(&v);
    out.joined.push_back(join_stations(ptrs, g.join_axis));
  }
  return out;
}

void expect_same(const JoinResult& a, const JoinResult& b) {
  ASSERT_TRUE(a.error.empty()) << a.error;
  ASSERT_TRUE(b.error.empty()) << b.error;
  ASSERT_EQ(a.volume.dims, b.volume.dims);
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(a.volume.geom.origin[i], b.volume.geom.origin[i], 1e-9);
    EXPECT_NEAR(a.volume.geom.spacing[i], b.volume.geom.spacing[i], 1e-12);
  }
  EXPECT_EQ(a.overlap_mm, b.overlap_mm);
  ASSERT_EQ(a.volume.data.size(), b.volume.data.size());
  std::size_t differ = 0;
  for (std::size_t i = 0; i < a.volume.data.size(); ++i) differ += a.volume.data[i] != b.volume.data[i];
  EXPECT_EQ(differ, 0u) << "voxels differ between loading into the grid and joining stations";
}



}  // namespace

TEST(LoadJoined, SameVoxelsAsJoiningLoadedStations) {
  TempDir d("load_joined");
  write_phantom(d.p.string(), joined_phantom(11));
  const Loaded l = load_both(d.p / "dicom");
  ASSERT_TRUE(l.all_same_grid);   // the direct path is the one under test
  ASSERT_EQ(l.direct.size(), 2u);  // STIR and T1
  ASSERT_EQ(l.joined.size(), 2u);
  for (std::size_t g = 0; g < l.direct.size(); ++g) expect_same(l.direct[g], l.joined[g]);
  EXPECT_TRUE(l.direct_problems.empty());
  // The phantom has signal in the overlaps: the blended rows are not all zero.
  const Volume& v = l.direct[0].volume;
  std::size_t nonzero = 0;
  for (auto x : v.data) nonzero += x != 0;
  EXPECT_GT(nonzero, v.data.size() / 10);
}

TEST(LoadJoined, BrokenStationFileIsReportedAndLeftZeroAsWhenJoining) {
  TempDir d("load_joined_broken");
  PhantomOptions o = joined_phantom(11);
  o.t1 = false;
  write_phantom(d.p.string(), o);
  // Cut the pixels of one file of the second station short: its header still reads.
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(d.p / "dicom"))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  const fs::path victim = files[files.size() / 2];
  fs::resize_file(victim, fs::file_size(victim) - 1000);
  const Loaded l = load_both(d.p / "dicom");
  ASSERT_TRUE(l.all_same_grid);
  ASSERT_EQ(l.direct.size(), 1u);
  expect_same(l.direct[0], l.joined[0]);
  ASSERT_EQ(l.direct_problems.size(), 1u);
  EXPECT_EQ(l.direct_problems[0].path, victim.string());
  EXPECT_NE(l.direct_problems[0].message.find("truncated"), std::string::npos) << l.direct_problems[0].message;
  EXPECT_EQ(l.joined_problems.size(), 1u);
}
