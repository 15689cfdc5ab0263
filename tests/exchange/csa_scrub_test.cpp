// The Siemens CSA header scrubber (Retain Safe Private): what is kept survives with its
// values, every identifier planted anywhere (values, free-text entries, the Phoenix
// protocol, the garbage after NULs) is gone, malformed headers are refused.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "exchange/siemens_csa_scrub.hpp"

using namespace crmo::exchange;

namespace {

void put32(std::string& out, std::uint32_t v) {
  for (int k = 0; k < 4; ++k) out.push_back(static_cast<char>((v >> (8 * k)) & 0xff));
}

struct E {
  std::string name, vr;
  std::vector<std::string> items;
  std::string name_garbage;  // bytes after the name's NUL, as scanners leave them
};

// A header as Siemens writes it (SV10), with garbage after NULs and in item padding.
std::string csa(const std::vector<E>& entries, const std::string& pad_garbage) {
  std::string b = "SV10";
  b += std::string("\4\3\2\1", 4);
  put32(b, static_cast<std::uint32_t>(entries.size()));
  put32(b, 77);
  for (const auto& e : entries) {
    std::string name = e.name + '\0' + e.name_garbage;
    name.resize(64, '\xcd');
    b += name;
    put32(b, static_cast<std::uint32_t>(e.items.size()));
    std::string vr = e.vr;
    vr.resize(4, '\0');
    b += vr;
    put32(b, 6);
    put32(b, static_cast<std::uint32_t>(e.items.size()));
    put32(b, 77);
    for (const auto& v : e.items) {
      const auto len = static_cast<std::uint32_t>(v.size() + 1);
      for (int k = 0; k < 2; ++k) put32(b, len);
      put32(b, 77);
      put32(b, len);
      std::string val = v + '\0' + pad_garbage;
      val.resize((len + 3) / 4 * 4 + 0, '\0');
      b += val.substr(0, (len + 3) / 4 * 4);
    }
  }
  return b + std::string(4, '\0');
}

// A reader independent of the scrubber's: entry name -> items.
std::vector<std::pair<std::string, std::vector<std::string>>> read(const std::string& b) {
  auto u32 = [&](std::size_t at) {
    const auto* p = reinterpret_cast<const unsigned char*>(b.data() + at);
    return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
  };
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  EXPECT_EQ(b.substr(0, 4), "SV10");
  std::size_t at = 16;
  for (std::uint32_t t = 0, n = u32(8); t < n; ++t) {
    std::string name = b.substr(at, 64);
    name = name.substr(0, name.find('\0'));
    const std::uint32_t items = u32(at + 76);
    at += 84;
    std::vector<std::string> v;
    for (std::uint32_t i = 0; i < items; ++i) {
      const std::uint32_t len = u32(at + 4);
      at += 16;
      std::string s = b.substr(at, len);
      v.push_back(s.substr(0, s.find('\0')));
      at += (len + 3) / 4 * 4;
    }
    out.emplace_back(name, v);
  }
  EXPECT_LE(at, b.size());
  return out;
}

const char* kName = "Zyxwvut^Qwerasdf";
const char* kMrn = "MRN88123456";
const char* kUid = "1.3.12.2.1107.5.2.19.45160.2018091812204221515890105";

}  // namespace

TEST(CsaScrub, ImageHeaderKeepsMosaicEntriesAndDropsEverythingElse) {
  const std::string in = csa(
      {
          {"NumberOfImagesInMosaic", "US", {"5       "}, kMrn},
          {"SliceNormalVector", "FD", {"0.00000000", "-0.25881905", "0.96592583"}, ""},
          {"MosaicRefAcqTimes", "FD", {"0.0", "1450.00000001", "482.5"}, kUid},
          {"AcquisitionMatrixText", "SH", {"72*72"}, ""},
          {"ImaCoilString", "LO", {kName}, ""},               // free text: dropped
          {"B_value", "IS", {kMrn}, ""},                     // allowlisted but not a number: dropped
          {"ICE_Dims", "LO", {"X_1_1_1_1_1_1_1_1_1_1_1_38"}, ""},
          {"DiffusionDirectionality", "CS", {"Qwerasdf"}, ""},  // not one of the codes: dropped
          {"PatientName", "PN", {kName}, ""},
      },
      std::string(kUid) + kName);
  ASSERT_NE(in.find(kName), std::string::npos);
  const CsaScrubResult r = scrub_siemens_csa(in, CsaKind::image);
  ASSERT_TRUE(r.ok);
  for (const char* id : {kName, kMrn, kUid, "Zyxwvut", "Qwerasdf", "88123456", "45160"})
    EXPECT_EQ(r.bytes.find(id), std::string::npos) << id;
  EXPECT_EQ(r.bytes.size() % 2, 0u);
  const auto out = read(r.bytes);
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[0].first, "NumberOfImagesInMosaic");
  EXPECT_EQ(out[0].second, std::vector<std::string>{"5       "});
  EXPECT_EQ(out[1].first, "SliceNormalVector");
  EXPECT_EQ(out[1].second, (std::vector<std::string>{"0.00000000", "-0.25881905", "0.96592583"}));
  EXPECT_EQ(out[2].first, "MosaicRefAcqTimes");
  EXPECT_EQ(out[3].second, std::vector<std::string>{"72*72"});
  EXPECT_EQ(out[4].first, "ICE_Dims");
  EXPECT_EQ(r.dropped, (std::vector<std::string>{"ImaCoilString", "B_value", "DiffusionDirectionality", "PatientName"}));
  // Scrubbing again changes nothing: the output holds only what passes.
  EXPECT_EQ(scrub_siemens_csa(r.bytes, CsaKind::image).bytes, r.bytes);
}

TEST(CsaScrub, PhoenixProtocolKeepsOnlyNumericParametersOfKnownStructures) {
  const std::string protocol = std::string(
                                   "<XProtocol> { <Name> \"PhoenixMetaProtocol\" \"Zyxwvut\" }\n"
                                   "### ASCCONV BEGIN object=MrProtDataImpl@MrProtocolData version=51130001 ###\n"
                                   "ulVersion\t = \t51130001\n"
                                   "tProtocolName\t = \t\"\"Zyxwvut^Qwerasdf WB STIR\"\"\n"
                                   "tReferenceImage0\t = \t\"\"") +
                               kUid +
                               "\"\"\n"
                               "sKSpace.ucMultiSliceMode\t = \t0x2\n"
                               "sSliceArray.asSlice[0].sPosition.dTra\t = \t-12.5\t# comment\n"
                               "sPatient.lId\t = \t88123456\n"
                               "sCoilSelectMeas.aRxCoilSelectData[0].asList[0].sCoilElementID.ulUniqueKey\t = \t776254261\n"
                               "sCoilSelectMeas.aRxCoilSelectData[0].asList[0].sCoilElementID.tCoilID\t = \t\"\"Zyxwvut\"\"\n"
                               "lPatientMrn\t = \t88123456\n"
                               "alTR[0]\t = \t2435370\n"
                               "### ASCCONV END ###\n\"Qwerasdf\"";
  const std::string asc = scrub_ascconv(protocol);
  EXPECT_EQ(asc,
            "### ASCCONV BEGIN ###\n"
            "ulVersion\t = \t51130001\n"
            "sKSpace.ucMultiSliceMode\t = \t0x2\n"
            "sSliceArray.asSlice[0].sPosition.dTra\t = \t-12.5\n"
            "alTR[0]\t = \t2435370\n"
            "### ASCCONV END ###\n");
  const std::string in = csa({{"UsedPatientWeight", "IS", {"90"}, ""},
                              {"PatReinPattern", "ST", {"1;HFS;90.00;48.00;3;0;2;-2048984740"}, ""},
                              {"MrPhoenixProtocol", "UN", {protocol}, kName},
                              {"PositivePCSDirections", "SH", {"+LPH"}, ""},
                              {"SequenceFileOwner", "SH", {"USER"}, ""}},
                             kMrn);
  const CsaScrubResult r = scrub_siemens_csa(in, CsaKind::series);
  ASSERT_TRUE(r.ok);
  const auto out = read(r.bytes);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].first, "MrPhoenixProtocol");
  EXPECT_EQ(out[0].second, std::vector<std::string>{asc});
  EXPECT_EQ(out[1].second, std::vector<std::string>{"+LPH"});
  for (const char* id : {"Zyxwvut", "Qwerasdf", "88123456", "45160", "2048984740", "776254261"})
    EXPECT_EQ(r.bytes.find(id), std::string::npos) << id;
}

TEST(CsaScrub, MalformedHeadersAreRefusedNotRead) {
  const std::string good = csa({{"NumberOfImagesInMosaic", "US", {"5"}, ""}}, "");
  EXPECT_FALSE(scrub_siemens_csa("", CsaKind::image).ok);
  EXPECT_FALSE(scrub_siemens_csa("SV1", CsaKind::image).ok);
  EXPECT_FALSE(scrub_siemens_csa("CSA1 old layout is not read", CsaKind::image).ok);
  for (std::size_t cut = 5; cut + 4 < good.size(); cut += 7)
    EXPECT_FALSE(scrub_siemens_csa(good.substr(0, cut), CsaKind::image).ok) << cut;
  std::string huge = good;
  huge[8] = '\xff';  // absurd number of entries
  EXPECT_FALSE(scrub_siemens_csa(huge, CsaKind::image).ok);
  EXPECT_TRUE(scrub_siemens_csa(good, CsaKind::image).ok);
  // Nothing allowlisted: well formed, but nothing to keep.
  const auto none = scrub_siemens_csa(csa({{"ImaCoilString", "LO", {"HEA;HEP"}, ""}}, ""), CsaKind::image);
  EXPECT_TRUE(none.ok);
  EXPECT_TRUE(none.bytes.empty());
}
