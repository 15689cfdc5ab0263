#pragma once
// What a researcher sees: patient and exam ids replaced by keyed pseudonyms (the
// HMAC scheme of exchange/pseudonym.hpp), dates shifted per patient so intervals and
// ages survive, and no birth date (the age at the exam stands in for it). The key is
// made once per database and kept in its settings, so pseudonyms are stable across
// restarts and never leave the server.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/exam.hpp"
#include "exchange/pseudonym.hpp"
#include "store/store.hpp"

namespace crmo::server {

class Pseudonyms {
 public:
  explicit Pseudonyms(store::Store& store);

  std::string patient(const std::string& patient_id) const { return p_->patient(patient_id); }
  std::string exam(const std::string& patient_id, const std::string& exam_id) const {
    return p_->exam(patient_id, exam_id);
  }
  std::string date(const Date& d, const std::string& patient_id) const { return p_->shift(d, patient_id).iso(); }
  // For analyses: ids replaced, dates shifted (birth dates too, so ages are exact).
  std::vector<Exam> for_analysis(const std::vector<Exam>& exams) const;
  // For display: as for_analysis, and the birth date replaced by the age at the exam.
  Exam for_display(const Exam& exam) const;

  // The stored exam id behind a pseudonymous one (nullopt: no such exam). Answered from
  // a reverse map; an unknown pseudonym refreshes it with the exams and patients added
  // since (their keyed hashes only), instead of hashing every id on every request.
  std::optional<std::string> real_exam_id(const std::string& pseudonym) const;
  std::optional<std::string> real_patient_id(const std::string& pseudonym) const;

 private:
  store::Store& store_;
  std::unique_ptr<exchange::Pseudonymizer> p_;
  mutable std::mutex m_;  // handlers run on several threads
  mutable std::unordered_map<std::string, std::string> exam_of_, patient_of_;  // pseudonym -> stored id
  mutable std::unordered_set<std::string> exams_seen_, patients_seen_;        // stored ids hashed so far
};

}  // namespace crmo::server
