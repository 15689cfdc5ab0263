// The multipart/related reader (WADO-RS answers) and the keyed pseudonyms.
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

#include "exchange/multipart.hpp"
#include "exchange/pseudonym.hpp"

using namespace crmo;
using namespace crmo::exchange;

namespace {

std::string body_of(const std::string& boundary, const std::vector<std::string>& parts, const std::string& preamble = "") {
  std::string b = preamble;
  for (const auto& p : parts) b += "--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n" + p + "\r\n";
  return b + "--" + boundary + "--\r\nepilogue";
}

std::vector<MultipartPart> read_all(const std::string& boundary, const std::string& body, std::size_t chunk) {
  std::vector<MultipartPart> out;
  MultipartReader r(boundary, [&](MultipartPart&& p) { out.push_back(std::move(p)); });
  for (std::size_t i = 0; i < body.size(); i += chunk) r.feed(std::string_view(body).substr(i, chunk));
  r.finish();
  return out;
}

Key key_of(unsigned char fill) {
  Key k;
  k.fill(fill);
  return k;
}

}  // namespace

TEST(Multipart, PartsComeOutWhateverTheChunking) {
  // Bodies holding CRLF, dashes and a near-boundary must come out byte for byte.
  const std::vector<std::string> parts = {std::string("DICM\0\r\n--b0und\r\nx", 17), "", "--", std::string(5000, 'z') + "\r\n-"};
  const std::string body = body_of("b0undary", parts, "preamble text\r\n");
  for (std::size_t chunk : {1u, 2u, 7u, 64u, 100000u}) {
    auto got = read_all("b0undary", body, chunk);
    ASSERT_EQ(got.size(), parts.size()) << "chunk " << chunk;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      EXPECT_EQ(got[i].body, parts[i]) << "part " << i << ", chunk " << chunk;
      EXPECT_EQ(got[i].headers.at("content-type"), "application/dicom");
    }
  }
}

TEST(Multipart, TruncatedBodyIsAnError) {
  std::string body = body_of("xyz", {"abc", "def"});
  body.resize(body.size() - 20);  // the closing delimiter is cut off
  EXPECT_THROW(read_all("xyz", body, 3), std::runtime_error);
  EXPECT_THROW(read_all("xyz", "--xyz\r\nno header colon\r\n\r\nbody\r\n--xyz--", 4), std::runtime_error);
  EXPECT_THROW(MultipartReader("", [](MultipartPart&&) {}), std::runtime_error);
}

TEST(Multipart, ContentTypeParameters) {
  const std::string ct = R"(Multipart/Related; type="application/dicom"; boundary="a b;c\"d")";
  EXPECT_EQ(media_type(ct), "multipart/related");
  EXPECT_EQ(content_type_parameter(ct, "boundary").value_or("?"), "a b;c\"d");
  EXPECT_EQ(content_type_parameter(ct, "TYPE").value_or("?"), "application/dicom");
  EXPECT_EQ(content_type_parameter("multipart/related; boundary=plain", "boundary").value_or("?"), "plain");
  EXPECT_FALSE(content_type_parameter("multipart/related", "boundary").has_value());
}

TEST(Pseudonym, StableKeyedAndDistinct) {
  Pseudonymizer a(key_of(1)), a2(key_of(1)), b(key_of(2));
  EXPECT_EQ(a.patient("P017"), a2.patient("P017"));
  EXPECT_NE(a.patient("P017"), b.patient("P017"));
  EXPECT_NE(a.patient("P017"), a.patient("P018"));
  EXPECT_EQ(a.patient("P017").size(), 18u);
  EXPECT_EQ(a.patient("P017").find("P017"), std::string::npos);
  std::set<std::string> seen;
  for (int i = 0; i < 5000; ++i) seen.insert(a.patient(std::string("P").append(std::to_string(i))));
  EXPECT_EQ(seen.size(), 5000u);
}

TEST(Pseudonym, DateShiftKeepsIntervals) {
  Pseudonymizer p(key_of(7));
  for (const std::string id : {"P1", "P2", "P3", "MRN88123456"}) {
    int off = p.date_offset_days(id);
    EXPECT_GE(off, 1);
    EXPECT_LE(off, 365);
    Date birth = *parse_date("2011-03-17"), exam1 = *parse_date("2020-02-28"), exam2 = *parse_date("2020-03-01");
    Date sb = p.shift(birth, id), s1 = p.shift(exam1, id), s2 = p.shift(exam2, id);
    EXPECT_EQ(s2.days_since_epoch() - s1.days_since_epoch(), 2);  // across 29 February
    EXPECT_EQ(s1.days_since_epoch() - sb.days_since_epoch(), exam1.days_since_epoch() - birth.days_since_epoch());
    EXPECT_EQ(exam1.days_since_epoch() - s1.days_since_epoch(), off);
    std::string da = p.shift_dicom_date("20200228 ", id);
    EXPECT_EQ(da, s1.iso().substr(0, 4) + s1.iso().substr(5, 2) + s1.iso().substr(8, 2));
  }
  EXPECT_EQ(p.shift_dicom_date("2020", "P1"), "");  // not a full date: dropped, never kept
}

TEST(Pseudonym, CivilDatesAgreeWithDaysSinceEpoch) {
  for (long d = -800000; d < 800000; d += 997) {
    Date x = date_from_days(d);
    EXPECT_EQ(x.days_since_epoch(), d) << x.iso();
  }
}

TEST(Pseudonym, UidsAreValidDicomUids) {
  Pseudonymizer p(key_of(3));
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    std::string u = p.uid(std::string("1.2.840.113619.2.").append(std::to_string(i)));
    EXPECT_LE(u.size(), 64u);
    EXPECT_EQ(u.rfind("2.25.", 0), 0u);
    EXPECT_NE(u[5], '0');  // no leading zero in a component
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 2000u);
  EXPECT_EQ(p.uid("1.2.3"), Pseudonymizer(key_of(3)).uid("1.2.3"));
}
