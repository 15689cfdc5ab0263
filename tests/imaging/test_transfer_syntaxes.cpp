// pydicom's MR_small in every transfer syntax Debian ships it in must decode to the same
// pixels (explicit/implicit little endian, big endian, RLE, JPEG-LS, JPEG 2000, padded);
// deflate and JPEG are read from their own files.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "imaging/dicom_header.hpp"
#include "imaging/dicom_pixels.hpp"

namespace fs = std::filesystem;
using namespace crmo::imaging;

namespace {
const fs::path kFiles = CRMO_PYDICOM_FILES;
}

TEST(TransferSyntaxes, MrSmallDecodesIdenticallyInEverySyntax) {
  ASSERT_TRUE(fs::exists(kFiles / "MR_small.dcm")) << "install python3-pydicom";
  const DecodedPixels ref = decode_dicom_pixels((kFiles / "MR_small.dcm").string());
  ASSERT_TRUE(ref.error.empty()) << ref.error;
  ASSERT_EQ(ref.rows, 64);
  ASSERT_EQ(ref.cols, 64);
  const char* variants[] = {"MR_small_implicit.dcm", "MR_small_bigendian.dcm", "MR_small_expb.dcm",
                            "MR_small_RLE.dcm", "MR_small_jpeg_ls_lossless.dcm", "MR_small_jp2klossless.dcm",
                            "MR_small_padded.dcm"};
  std::set<std::string> syntaxes;
  for (const char* name : variants) {
    SCOPED_TRACE(name);
    const auto hdr = read_dicom_header((kFiles / name).string());
    ASSERT_TRUE(hdr.header) << hdr.error;
    syntaxes.insert(hdr.header->transfer_syntax);
    EXPECT_EQ(hdr.header->rows, 64);
    const DecodedPixels px = decode_dicom_pixels((kFiles / name).string());
    ASSERT_TRUE(px.error.empty()) << px.error;
    EXPECT_EQ(px.data, ref.data);
  }
  EXPECT_GE(syntaxes.size(), 5u);  // implicit, big endian, RLE, JPEG-LS, JPEG 2000 at least
}

TEST(TransferSyntaxes, DeflateAndJpegDecode) {
  for (const char* name : {"image_dfl.dcm", "JPEG-lossy.dcm", "JPGExtended.dcm", "JPEG2000.dcm"}) {
    SCOPED_TRACE(name);
    const DecodedPixels px = decode_dicom_pixels((kFiles / name).string());
    EXPECT_TRUE(px.error.empty()) << px.error;
    EXPECT_GT(px.rows, 0);
    EXPECT_EQ(px.data.size(), static_cast<std::size_t>(px.rows) * px.cols * px.frames);
  }
}

TEST(TransferSyntaxes, TruncatedFileIsReportedNotCrashed) {
  const auto hdr = read_dicom_header((kFiles / "MR_truncated.dcm").string());
  const DecodedPixels px = decode_dicom_pixels((kFiles / "MR_truncated.dcm").string());
  EXPECT_FALSE(px.error.empty());
  (void)hdr;
}

TEST(TransferSyntaxes, DatasetsWithoutFileMetaAreRead) {
  // RT plans stored as bare datasets (no preamble, no file meta), both byte orders.
  for (const char* name : {"ExplVR_BigEndNoMeta.dcm", "ExplVR_LitEndNoMeta.dcm"}) {
    SCOPED_TRACE(name);
    const auto hdr = read_dicom_header((kFiles / name).string());
    ASSERT_TRUE(hdr.header) << hdr.error;
    EXPECT_EQ(hdr.header->sop_class_uid, "1.2.840.10008.5.1.4.1.1.481.8");
    EXPECT_EQ(hdr.header->rows, 0);
    EXPECT_FALSE(decode_dicom_pixels((kFiles / name).string()).error.empty());
  }
}

TEST(TransferSyntaxes, NonDicomAndStructuredReportsAreNotImages) {
  EXPECT_FALSE(read_dicom_header((kFiles / "README.txt").string()).header);
  const auto sr = read_dicom_header((kFiles / "test-SR.dcm").string());
  ASSERT_TRUE(sr.header) << sr.error;
  EXPECT_EQ(sr.header->rows, 0);
}
