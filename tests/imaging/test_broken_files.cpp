// A folder of deliberately broken DICOM files next to a good series: every broken file is
// reported by name with the reason, and ingestion goes on with the rest.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

#include "imaging/dicom_writer.hpp"
#include "imaging/ingest.hpp"

namespace fs = std::filesystem;
using namespace crmo::imaging;

namespace {

DicomWriter slice(int series, int index, int rows = 32, int cols = 32) {
  DicomWriter w;
  w.set(0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.4");
  w.set(0x0008, 0x0018, "UI", phantom_uid(99, series, index));
  w.set(0x0008, 0x0060, "CS", "MR");
  w.set(0x0008, 0x103e, "LO", "series " + std::to_string(series));
  w.set(0x0020, 0x000d, "UI", phantom_uid(99, 0, 0));
  w.set(0x0020, 0x000e, "UI", phantom_uid(99, series, 0));
  w.set(0x0020, 0x0011, "IS", std::to_string(series));
  w.set(0x0020, 0x0013, "IS", std::to_string(index + 1));
  w.set(0x0020, 0x0032, "DS", "-16\\" + std::to_string(index * 5) + "\\100");
  w.set(0x0020, 0x0037, "DS", "1\\0\\0\\0\\0\\-1");
  w.set(0x0028, 0x0030, "DS", "1\\1");
  w.set(0x0018, 0x0050, "DS", "5");
  w.set_us(0x0028, 0x0002, 1);
  w.set(0x0028, 0x0004, "CS", "MONOCHROME2");
  w.set_us(0x0028, 0x0010, static_cast<std::uint16_t>(rows));
  w.set_us(0x0028, 0x0011, static_cast<std::uint16_t>(cols));
  w.set_us(0x0028, 0x0100, 16);
  w.set_us(0x0028, 0x0101, 12);
  w.set_us(0x0028, 0x0102, 11);
  w.set_us(0x0028, 0x0103, 0);
  std::vector<std::uint16_t> px(32 * 32);
  for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<std::uint16_t>(i % 1000 + index);
  w.set_pixels(px);
  return w;
}

void save(const fs::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; }

}  // namespace

TEST(BrokenFiles, EachIsReportedByNameAndIngestionGoesOn) {
  const fs::path dir = fs::temp_directory_path() / ("crmo_broken_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "in" / "good");
  fs::create_directories(dir / "in" / "broken");
  for (int i = 0; i < 4; ++i) slice(1, i).write((dir / "in" / "good" / ("IM" + std::to_string(i))).string());
  const fs::path b = dir / "in" / "broken";
  const std::string good = slice(2, 0).bytes();
  save(b / "truncated_pixels.dcm", good.substr(0, good.size() - 700));
  save(b / "truncated_header.dcm", good.substr(0, 200));
  save(b / "empty.dcm", "");
  save(b / "not_dicom.txt", "this is a README, not an image\n");
  {  // Rows x columns larger than the pixel data.
    DicomWriter w = slice(3, 0, 64, 64);
    w.write((b / "wrong_length.dcm").string());
  }
  {  // An element whose length runs past the end of the file.
    std::string bytes = slice(4, 0).bytes();
    const std::size_t at = bytes.find(std::string("\x08\x00\x3e\x10", 4));
    ASSERT_NE(at, std::string::npos);
    bytes[at + 6] = '\xf0';
    bytes[at + 7] = '\xff';
    save(b / "bad_element_length.dcm", bytes.substr(0, at + 40));
  }
  {
    DicomWriter w = slice(5, 0);
    w.set(0x0020, 0x0032, "DS", "");
    save(b / "missing_position.dcm", w.bytes());
  }
  {
    DicomWriter w = slice(6, 0);
    w.set(0x0028, 0x0030, "DS", "0\\0");
    save(b / "zero_spacing.dcm", w.bytes());
  }
  {
    DicomWriter w = slice(7, 0);
    w.set(0x0020, 0x0037, "DS", "0\\0\\0\\0\\0\\0");
    save(b / "zero_orientation.dcm", w.bytes());
  }
  {  // Two slices at one position and one alone: positions repeat unevenly.
    for (int i : {0, 0, 1}) {
      DicomWriter w = slice(8, i);
      w.set(0x0008, 0x0018, "UI", phantom_uid(99, 8, 100 + static_cast<unsigned>(fs::directory_iterator(b) == fs::directory_iterator() ? 0 : std::distance(fs::directory_iterator(b), fs::directory_iterator()))));
      save(b / ("uneven_" + std::to_string(std::distance(fs::directory_iterator(b), fs::directory_iterator())) + ".dcm"), w.bytes());
    }
  }

  IngestOptions opt;
  opt.input = (dir / "in").string();
  opt.out_dir = (dir / "out").string();
  IngestResult r;
  ASSERT_NO_THROW(r = ingest(opt));
  std::map<std::string, std::string> problems;
  for (const auto& p : r.manifest["problems"]) problems[fs::path(p["path"].get<std::string>()).filename().string()] += p["message"].get<std::string>();
  for (const auto& p : r.manifest["problems"]) std::printf("  %s: %s\n", p["path"].get<std::string>().c_str(), p["message"].get<std::string>().c_str());
  auto reported = [&](const std::string& name, const std::string& words) {
    auto it = problems.find(name);
    if (it == problems.end()) return ::testing::AssertionFailure() << name << " not reported";
    if (it->second.find(words) == std::string::npos)
      return ::testing::AssertionFailure() << name << ": \"" << it->second << "\" lacks \"" << words << "\"";
    return ::testing::AssertionSuccess();
  };
  EXPECT_TRUE(reported("truncated_pixels.dcm", "truncated"));
  EXPECT_TRUE(reported("truncated_header.dcm", "truncated"));
  EXPECT_TRUE(reported("empty.dcm", "not a DICOM"));
  EXPECT_TRUE(reported("not_dicom.txt", "not a DICOM"));
  EXPECT_TRUE(reported("wrong_length.dcm", "length"));
  EXPECT_TRUE(reported("bad_element_length.dcm", "length"));
  EXPECT_TRUE(reported("missing_position.dcm", "Image Position"));
  EXPECT_TRUE(reported("zero_spacing.dcm", "Pixel Spacing"));
  EXPECT_TRUE(reported("zero_orientation.dcm", "Orientation"));
  bool uneven = false;
  for (const auto& p : r.manifest["problems"])
    if (p["message"].get<std::string>().find("unevenly") != std::string::npos) uneven = true;
  EXPECT_TRUE(uneven);
  // The good series is there, with its four slices.
  bool found = false;
  for (const auto& s : r.manifest["series"])
    if (s["series_number"] == 1) {
      found = true;
      EXPECT_EQ(s["geometry"]["dims"][2], 4);
      EXPECT_TRUE(fs::exists(dir / "out" / s["file"].get<std::string>()));
    }
  EXPECT_TRUE(found);
  fs::remove_all(dir);
}
