// Streaming a whole body straight into its NIfTI file (stream_joined) writes the same
// file, byte for byte, as joining in memory (load_joined) and write_nifti, and gives the
// pictures the same MIP, coronal slices and front-back extent; a broken station file is
// reported and left zero the same way.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "imaging/dicom_scan.hpp"
#include "imaging/dicom_series.hpp"
#include "imaging/load_joined.hpp"
#include "imaging/nifti.hpp"
#include "imaging/phantom.hpp"
#include "imaging/pictures.hpp"
#include "imaging/site_positions.hpp"
#include "imaging/stations.hpp"
#include "joined_phantom.hpp"
#include "imaging/stream_joined.hpp"

namespace fs = std::filesystem;
using namespace crmo::imaging;
using crmo::imaging::testing::joined_phantom;
using crmo::imaging::testing::TempDir;

namespace {


std::string bytes_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}


void expect_same_picture(const Picture& a, const Picture& b, const std::string& what) {
  ASSERT_EQ(a.width, b.width) << what;
  ASSERT_EQ(a.height, b.height) << what;
  EXPECT_EQ(a.values, b.values) << what;
  EXPECT_EQ(a.flip_rows, b.flip_rows) << what;
  EXPECT_EQ(a.flip_cols, b.flip_cols) << what;
  EXPECT_EQ(a.depth_axis, b.depth_axis) << what;
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(a.geom.origin[i], b.geom.origin[i], 1e-9) << what;
  // Marks land on the same pixels.
  const Vec3 p = a.geom.to_patient(a.width / 3.0, a.height / 2.0, 0);
  double ca, ra, cb, rb;
  EXPECT_EQ(a.locate(p, ca, ra), b.locate(p, cb, rb)) << what;
  EXPECT_NEAR(ca, cb, 1e-6) << what;
  EXPECT_NEAR(ra, rb, 1e-6) << what;
}

struct Compared {
  std::vector<Problem> streamed_problems, memory_problems;
};

// Every station group of the phantom in `dicom`, both ways, compared. `sideways` moves
// the second station of each group by that many whole columns (its rows then no longer
// line up with the grid's: the path that copies them from the side buffer).
Compared compare_both_ways(const fs::path& dicom, const fs::path& out, int sideways = 0) {
  const ScanResult scan = scan_dicom(dicom.string());
  SeriesResult planned = plan_series(scan.headers);
  if (sideways != 0)
    for (const StationGroup& g : find_station_groups(planned.series)) {
      Geometry& geom = planned.series[g.series.at(1)].geom;
      for (int i = 0; i < 3; ++i) geom.origin[i] += sideways * geom.spacing[0] * geom.axis[0][i];
    }
  Compared c;
  std::size_t groups = 0;
  for (const StationGroup& g : find_station_groups(planned.series)) {
    std::vector<const SeriesPlan*> plans;
    for (std::size_t i : g.series) plans.push_back(&planned.series[i]);
    EXPECT_TRUE(streamable(scan.headers, plans, g.join_axis)) << g.id;
    const fs::path streamed = out / (g.id + "_streamed.nii"), memory = out / (g.id + "_memory.nii");
    const StreamedBody body =
        stream_joined(scan.headers, plans, g.join_axis, streamed.string(), "whole_body", c.streamed_problems);
    EXPECT_TRUE(body.error.empty()) << body.error;
    EXPECT_FALSE(fs::exists(streamed.string() + ".part"));
    const JoinResult jr = load_joined(scan.headers, plans, g.join_axis, c.memory_problems);
    EXPECT_TRUE(jr.error.empty()) << jr.error;
    write_nifti(jr.volume, memory.string(), NiftiOptions{true, false, 1, "whole_body"});
    const std::string a = bytes_of(streamed), b = bytes_of(memory);
    EXPECT_EQ(a.size(), b.size()) << g.id;
    EXPECT_TRUE(a == b) << g.id << ": the streamed NIfTI differs from the one joined in memory";
    EXPECT_EQ(body.voxel_bytes, jr.volume.bytes());
    EXPECT_EQ(body.overlap_mm, jr.overlap_mm);
    EXPECT_EQ(body.grid.dims, jr.volume.dims);

    const Picture mip = coronal_mip(jr.volume);
    expect_same_picture(body.mip, mip, g.id + " MIP");
    for (std::size_t k : {std::size_t{0}, jr.volume.dims.nz / 2, jr.volume.dims.nz - 1})
      expect_same_picture(streamed_coronal_slice(body.grid, streamed.string(), k), coronal_slice(jr.volume, k),
                          g.id + " slice " + std::to_string(k));
    const RowMax from_voxels = row_max_of(jr.volume, mip);
    std::size_t differ = 0;
    for (std::size_t k = 0; k < jr.volume.dims.nz; ++k)
      for (std::size_t j = 0; j < jr.volume.dims.ny; ++j)
        differ += streamed_row_max(body.grid, streamed.string(), j, k) != from_voxels(j, k);
    EXPECT_EQ(differ, 0u) << g.id << ": row maxima differ";
    ++groups;
  }
  EXPECT_GT(groups, 0u);
  return c;
}

}  // namespace

TEST(StreamJoined, SameFileAndPicturesAsJoiningInMemory) {
  TempDir d("stream_joined");
  write_phantom((d.p / "ph").string(), joined_phantom(5));
  const Compared c = compare_both_ways(d.p / "ph" / "dicom", d.p);
  EXPECT_TRUE(c.streamed_problems.empty());
}

TEST(StreamJoined, BrokenStationFileIsReportedAndLeftZeroAsInMemory) {
  TempDir d("stream_joined_broken");
  PhantomOptions o = joined_phantom(5);
  o.t1 = false;
  write_phantom((d.p / "ph").string(), o);
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(d.p / "ph" / "dicom"))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  const fs::path victim = files[files.size() / 2];
  fs::resize_file(victim, fs::file_size(victim) - 1000);
  const Compared c = compare_both_ways(d.p / "ph" / "dicom", d.p);
  ASSERT_EQ(c.streamed_problems.size(), 1u);
  EXPECT_EQ(c.streamed_problems[0].path, victim.string());
  EXPECT_NE(c.streamed_problems[0].message.find("truncated"), std::string::npos) << c.streamed_problems[0].message;
  EXPECT_EQ(c.memory_problems.size(), 1u);
}

TEST(StreamJoined, PicturesDrawnFromTheFileMatchThoseDrawnFromMemory) {
  TempDir d("stream_pictures");
  PhantomOptions o = joined_phantom(5);
  o.t1 = false;
  write_phantom((d.p / "ph").string(), o);
  const ScanResult scan = scan_dicom((d.p / "ph" / "dicom").string());
  const SeriesResult planned = plan_series(scan.headers);
  const auto groups = find_station_groups(planned.series);
  ASSERT_EQ(groups.size(), 1u);
  std::vector<const SeriesPlan*> plans;
  for (std::size_t i : groups[0].series) plans.push_back(&planned.series[i]);
  std::vector<Problem> problems;
  const std::string path = (d.p / "body.nii").string();
  const StreamedBody body = stream_joined(scan.headers, plans, groups[0].join_axis, path, "", problems);
  const JoinResult jr = load_joined(scan.headers, plans, groups[0].join_axis, problems);
  fs::create_directories(d.p / "a");
  fs::create_directories(d.p / "b");
  PictureOptions po;
  po.stem = "stir";
  po.graded = {{"femur_distal:left", 2}, {"l4:midline", 1}};
  po.out_dir = (d.p / "a").string();
  const PictureSource src{body.grid, body.mip, [&](std::size_t k) { return streamed_coronal_slice(body.grid, path, k); },
                          [&](std::size_t row, std::size_t k) { return streamed_row_max(body.grid, path, row, k); }};
  const nlohmann::json a = draw_exam_pictures(src, po);
  po.out_dir = (d.p / "b").string();
  const nlohmann::json b = draw_exam_pictures(jr.volume, po);
  EXPECT_EQ(a, b);
  ASSERT_GE(a["pictures"].size(), 3u);
  for (const auto& p : a["pictures"])
    EXPECT_TRUE(bytes_of(d.p / "a" / p["file"].get<std::string>()) == bytes_of(d.p / "b" / p["file"].get<std::string>()))
        << p["file"];
}

TEST(StreamJoined, AStationShiftedSidewaysIsJoinedAsInMemory) {
  TempDir d("stream_sideways");
  PhantomOptions o = joined_phantom(5);
  o.t1 = false;
  write_phantom((d.p / "ph").string(), o);
  for (int cols : {3, -2}) {
    const Compared c = compare_both_ways(d.p / "ph" / "dicom", d.p, cols);
    EXPECT_TRUE(c.streamed_problems.empty());
  }
}
