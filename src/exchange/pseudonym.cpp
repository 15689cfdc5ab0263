#include "exchange/pseudonym.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <stdexcept>

#include <sodium.h>

#include "formats/file_io.hpp"
#include "formats/input_error.hpp"

namespace crmo::exchange {

namespace {

void ensure_sodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium could not be initialised");
}

std::string base32(const unsigned char* bytes, std::size_t nbits) {
  static const char* alphabet = "ABCDEFGHJKMNPQRSTVWXYZ0123456789";  // no I, L, O, U
  std::string out;
  for (std::size_t bit = 0; bit + 5 <= nbits; bit += 5) {
    unsigned v = 0;
    for (std::size_t k = 0; k < 5; ++k) {
      std::size_t b = bit + k;
      v = (v << 1) | ((bytes[b / 8] >> (7 - b % 8)) & 1u);
    }
    out += alphabet[v];
  }
  return out;
}

}  // namespace

Key load_key_file(const std::filesystem::path& path) {
  std::string text = read_text_file(path);
  std::string hex;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) hex += c;
  Key key{};
  std::size_t len = 0;
  if (hex.size() != 64 ||
      sodium_hex2bin(key.data(), key.size(), hex.data(), hex.size(), nullptr, &len, nullptr) != 0 || len != 32)
    throw InputError(path.string(), "a key file holds 64 hex digits (32 bytes); make one with `crmo deid keygen FILE`");
  return key;
}

void write_new_key_file(const std::filesystem::path& path) {
  ensure_sodium();
  if (std::filesystem::exists(path)) throw std::runtime_error(path.string() + " exists: a key is never overwritten");
  Key key;
  randombytes_buf(key.data(), key.size());
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, key.data(), key.size());
  {
    std::ofstream out(path);
    if (!out) throw std::runtime_error("cannot write " + path.string());
    out << hex << "\n";
  }
  ::chmod(path.c_str(), 0600);
  sodium_memzero(key.data(), key.size());
}

std::array<unsigned char, 32> Pseudonymizer::mac(std::string_view domain, std::string_view value) const {
  ensure_sodium();
  std::string msg(domain);
  msg += '\0';
  msg += value;
  std::array<unsigned char, 32> out;
  crypto_auth_hmacsha256(out.data(), reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), key_.data());
  return out;
}

std::string Pseudonymizer::patient(const std::string& patient_id) const {
  auto m = mac("patient", patient_id);
  return "PX" + base32(m.data(), 80);
}

std::string Pseudonymizer::exam(const std::string& patient_id, const std::string& exam_id) const {
  auto m = mac("exam", exam_id);
  return patient(patient_id) + "-" + base32(m.data(), 40);
}

int Pseudonymizer::date_offset_days(const std::string& patient_id) const {
  auto m = mac("date-offset", patient_id);
  unsigned v = (unsigned(m[0]) << 24) | (unsigned(m[1]) << 16) | (unsigned(m[2]) << 8) | m[3];
  return 1 + static_cast<int>(v % 365u);
}

Date date_from_days(long z) {
  // Howard Hinnant's civil_from_days.
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long y = static_cast<long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Date{static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

Date Pseudonymizer::shift(const Date& d, const std::string& patient_id) const {
  return date_from_days(d.days_since_epoch() - date_offset_days(patient_id));
}

std::string Pseudonymizer::shift_dicom_date(const std::string& da, const std::string& patient_id) const {
  std::string s = da;
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  if (s.size() != 8) return "";
  auto d = parse_date(s.substr(0, 4) + "-" + s.substr(4, 2) + "-" + s.substr(6, 2));
  if (!d) return "";
  Date t = shift(*d, patient_id);
  std::string iso = t.iso();
  return iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2);
}

std::string Pseudonymizer::uid(const std::string& original_uid) const {
  auto m = mac("uid", original_uid);
  // 120 bits as a decimal: repeated division of the big-endian bytes by 10.
  std::vector<unsigned> digits(m.begin(), m.begin() + 15);
  std::string dec;
  auto zero = [&] {
    for (unsigned x : digits)
      if (x) return false;
    return true;
  };
  while (!zero()) {
    unsigned rem = 0;
    for (unsigned& x : digits) {
      unsigned cur = rem * 256 + x;
      x = cur / 10;
      rem = cur % 10;
    }
    dec.push_back(static_cast<char>('0' + rem));
  }
  if (dec.empty()) dec.push_back('0');
  std::string out = "2.25.";
  out.append(dec.rbegin(), dec.rend());
  return out;
}

std::vector<Exam> deidentify_exams(const std::vector<Exam>& exams, const Pseudonymizer& p) {
  std::vector<Exam> out;
  out.reserve(exams.size());
  for (const Exam& e : exams) {
    Exam d = e;
    const std::string& pid = e.patient.id;
    d.patient.id = p.patient(pid);
    d.id = p.exam(pid, e.id);
    d.date = p.shift(e.date, pid);
    if (e.patient.birth_date) d.patient.birth_date = p.shift(*e.patient.birth_date, pid);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace crmo::exchange
