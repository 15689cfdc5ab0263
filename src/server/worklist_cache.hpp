#pragma once
// The worklist (GET /api/exams) without rescoring every exam on every request: each
// exam's row is kept per view (clinician, researcher) under the exam's summary, which
// the store reads cheaply (id, patient, date, timepoint, main reader, revision, graded
// sites, updated_at). Every write that changes the main reading or the exam bumps its
// revision (store/readings.cpp, store/store.cpp), and the other fields of a row are in
// the summary itself, so a row whose summary is unchanged is the row the exam gives
// now. Shared by the server's threads: one mutex, held only to look up and store.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "server/api.hpp"

namespace crmo::server {

class WorklistCache {
 public:
  // The rows of GET /api/exams for a caller (not a blinded reader), in import order;
  // byte for byte what worklist_row gives for every exam scored afresh.
  Json rows(Services& s, const Caller& caller);

 private:
  struct Entry {
    store::ExamSummary summary;     // what the rows were made from
    std::optional<Json> clinician;  // the stored ids and dates
    std::optional<Json> researcher; // pseudonyms, shifted dates
  };
  std::mutex mutex_;
  std::map<std::string, Entry> by_id_;  // exam id -> its rows (exams are never deleted)
};

}  // namespace crmo::server
