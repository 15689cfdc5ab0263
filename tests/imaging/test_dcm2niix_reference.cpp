// crmo's volumes from real scanner DICOM (dcm_qa_nih: GE slices, Siemens mosaics) must
// match what dcm2niix wrote for the same series: dimensions, voxel size, affine within
// 1e-3 and identical voxel values.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "imaging/dicom_pixels.hpp"
#include "imaging/dicom_scan.hpp"
#include "imaging/dicom_series.hpp"
#include "imaging/nifti.hpp"

namespace fs = std::filesystem;
using namespace crmo::imaging;

namespace {

const fs::path kQa = fs::path(CRMO_SHARED_DATA) / "dicom" / "dcm_qa_nih";

void compare_with_reference(const std::string& vendor_dir) {
  ASSERT_TRUE(fs::is_directory(kQa / "In" / vendor_dir)) << "missing test data " << kQa;
  const ScanResult scan = scan_dicom((kQa / "In" / vendor_dir).string());
  const SeriesResult planned = plan_series(scan.headers);
  for (const auto& p : planned.problems) ADD_FAILURE() << p.path << ": " << p.message;
  // Every non-DICOM file (README-*.txt) is reported by name, nothing else.
  for (const auto& p : scan.problems) EXPECT_NE(p.path.find("README"), std::string::npos) << p.path;
  const std::string manufacturer = vendor_dir.find("GE") != std::string::npos ? "GE" : "Siemens";
  int compared = 0;
  for (const auto& entry : fs::directory_iterator(kQa / "Ref")) {
    if (entry.path().extension() != ".json") continue;
    nlohmann::json side = nlohmann::json::parse(std::ifstream(entry.path()));
    if (side.value("Manufacturer", "") != manufacturer) continue;
    const int number = side.value("SeriesNumber", -1);
    fs::path ref_path = entry.path();
    ref_path.replace_extension(".nii");
    SCOPED_TRACE(ref_path.filename().string());
    const SeriesPlan* plan = nullptr;
    for (const auto& s : planned.series)
      if (s.series_number == number) plan = &s;
    ASSERT_NE(plan, nullptr) << "series " << number << " not found";
    LoadResult loaded = load_series(scan.headers, *plan);
    EXPECT_TRUE(loaded.problems.empty());
    const fs::path out = fs::temp_directory_path() / ("crmo_ref_" + std::to_string(::getpid()) + "_" +
                                                       ref_path.filename().string());
    write_nifti(loaded.volume, out.string());
    const NiftiRead mine = read_nifti(out.string());
    const NiftiRead ref = read_nifti(ref_path.string());
    fs::remove(out);
    ASSERT_TRUE(mine.volume) << mine.error;
    ASSERT_TRUE(ref.volume) << ref.error;
    const Volume& a = *mine.volume;
    const Volume& b = *ref.volume;
    EXPECT_EQ(a.dims, b.dims);
    EXPECT_EQ(a.nt, b.nt);
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(a.geom.spacing[i], b.geom.spacing[i], 1e-3);
    for (int i = 0; i < 12; ++i) {
      EXPECT_NEAR(mine.sform[i], ref.sform[i], 1e-3) << "sform element " << i;
      EXPECT_NEAR(mine.qform[i], ref.qform[i], 1e-3) << "qform element " << i;
    }
    ASSERT_EQ(a.data.size(), b.data.size());
    std::size_t differing = 0;
    for (std::size_t i = 0; i < a.data.size(); ++i)
      if (a.value(i) != b.value(i)) ++differing;
    EXPECT_EQ(differing, 0u) << "voxels differing from dcm2niix";
    ++compared;
  }
  EXPECT_EQ(compared, 4);
}

}  // namespace

TEST(Dcm2niixReference, GeSlicesMatch) { compare_with_reference("20180918GE"); }
TEST(Dcm2niixReference, SiemensMosaicsMatch) { compare_with_reference("20180918Si"); }
