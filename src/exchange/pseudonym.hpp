#pragma once
// Keyed pseudonyms for de-identified exports (docs/exchange.md, "De-identification").
// One secret key (a key file of 64 hex digits, 32 bytes) gives, through HMAC-SHA256:
// - a pseudonym per patient id, the same in every export made with that key;
// - a date offset per patient (1 to 365 days back), so that every date of one patient
//   moves by the same number of days and intervals between exams survive;
// - replacement DICOM UIDs (2.25.<decimal>), the same original UID always giving the same one.
#include <array>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.hpp"
#include "core/exam.hpp"

namespace crmo::exchange {

using Key = std::array<unsigned char, 32>;

// Reads a key file: 64 hex digits (whitespace around them allowed). Throws InputError.
Key load_key_file(const std::filesystem::path& path);
// Writes a new random key file (mode 0600); refuses to overwrite an existing one.
void write_new_key_file(const std::filesystem::path& path);

class Pseudonymizer {
 public:
  explicit Pseudonymizer(const Key& key) : key_(key) {}

  // HMAC-SHA256(key, domain + '\0' + value).
  std::array<unsigned char, 32> mac(std::string_view domain, std::string_view value) const;

  // "PX" + 16 base32 characters (80 bits) for a patient id.
  std::string patient(const std::string& patient_id) const;
  // An exam id: the patient's pseudonym, '-', 8 base32 characters keyed on the exam id.
  std::string exam(const std::string& patient_id, const std::string& exam_id) const;
  // Days (1..365) that every date of this patient moves back.
  int date_offset_days(const std::string& patient_id) const;
  Date shift(const Date& d, const std::string& patient_id) const;
  // DICOM DA (YYYYMMDD) shifted; text that is not a date comes back empty.
  std::string shift_dicom_date(const std::string& da, const std::string& patient_id) const;
  // A UID for an original UID: "2.25." + the first 120 bits of the MAC as a decimal.
  std::string uid(const std::string& original_uid) const;

 private:
  Key key_;
};

Date date_from_days(long days_since_epoch);

// The exams with patient and exam ids replaced, birth and exam dates shifted (intervals
// and ages kept), and free text that may identify (symptomatic site list is kept: it is
// atlas vocabulary). Reader codes, timepoints, grades and measurements are kept.
std::vector<Exam> deidentify_exams(const std::vector<Exam>& exams, const Pseudonymizer& p);

}  // namespace crmo::exchange
