#include "server/pseudonyms.hpp"

#include <cmath>

#include <sodium.h>

namespace crmo::server {

namespace {

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), buf.data(), buf.size());
  hex.pop_back();
  return hex;
}

}  // namespace

Pseudonyms::Pseudonyms(store::Store& store) : store_(store) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  const std::string hex = store.setting("researcher_pseudonym_key", random_hex(32));
  exchange::Key key{};
  std::size_t len = 0;
  if (sodium_hex2bin(key.data(), key.size(), hex.data(), hex.size(), nullptr, &len, nullptr) != 0 || len != key.size())
    throw std::runtime_error("the database's researcher_pseudonym_key setting is not 64 hex digits");
  p_ = std::make_unique<exchange::Pseudonymizer>(key);
}

std::vector<Exam> Pseudonyms::for_analysis(const std::vector<Exam>& exams) const {
  return exchange::deidentify_exams(exams, *p_);
}

Exam Pseudonyms::for_display(const Exam& exam) const {
  Exam d = exchange::deidentify_exams({exam}, *p_).front();
  if (auto age = exam.age_at_exam()) d.patient.age_years = std::round(*age * 10) / 10;
  d.patient.birth_date.reset();
  return d;
}

std::optional<std::string> Pseudonyms::real_exam_id(const std::string& pseudonym) const {
  std::lock_guard lock(m_);
  if (auto it = exam_of_.find(pseudonym); it != exam_of_.end()) return it->second;
  for (const auto& e : store_.list_exams()) {
    // Exam ids are unique in the store; a deleted exam's entry stays and then finds no exam.
    if (!exams_seen_.insert(e.id).second) continue;
    exam_of_.emplace(p_->exam(e.patient_id, e.id), e.id);
  }
  if (auto it = exam_of_.find(pseudonym); it != exam_of_.end()) return it->second;
  return std::nullopt;
}

std::optional<std::string> Pseudonyms::real_patient_id(const std::string& pseudonym) const {
  std::lock_guard lock(m_);
  if (auto it = patient_of_.find(pseudonym); it != patient_of_.end()) return it->second;
  for (const auto& p : store_.patients()) {
    if (!patients_seen_.insert(p.id).second) continue;
    patient_of_.emplace(p_->patient(p.id), p.id);
  }
  if (auto it = patient_of_.find(pseudonym); it != patient_of_.end()) return it->second;
  return std::nullopt;
}

}  // namespace crmo::server
