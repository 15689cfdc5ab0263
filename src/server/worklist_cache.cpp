#include "server/worklist_cache.hpp"

#include "server/pseudonyms.hpp"
#include "server/views.hpp"

namespace crmo::server {

Json WorklistCache::rows(Services& s, const Caller& caller) {
  const bool researcher = caller.researcher();
  std::vector<store::ExamSummary> summaries = s.store.list_exams();
  std::vector<std::optional<Json>> out(summaries.size());
  std::vector<std::size_t> missing;
  {
    std::lock_guard<std::mutex> l(mutex_);
    for (std::size_t i = 0; i < summaries.size(); ++i) {
      auto it = by_id_.find(summaries[i].id);
      if (it != by_id_.end() && it->second.summary == summaries[i]) {
        const auto& row = researcher ? it->second.researcher : it->second.clinician;
        if (row) out[i] = *row;
      }
      if (!out[i]) missing.push_back(i);
    }
  }
  if (!missing.empty()) {
    // Exams fetched after the summaries were read may be newer than them: a row is
    // kept only when the exam's summary is the same before and after the fetch, so
    // what was fetched is that revision. The reply itself pairs them as before.
    std::map<std::string, Exam> fetched;
    if (missing.size() * 4 > summaries.size()) {
      for (Exam& e : s.store.all_exams()) {
        std::string id = e.id;
        fetched.emplace(std::move(id), std::move(e));
      }
    } else {
      for (std::size_t i : missing)
        if (auto rec = s.store.find_exam(summaries[i].id)) fetched.emplace(summaries[i].id, std::move(rec->exam));
    }
    std::map<std::string, store::ExamSummary> after;
    for (auto& a : s.store.list_exams()) {
      std::string id = a.id;
      after.emplace(std::move(id), std::move(a));
    }
    std::vector<std::size_t> keep;
    for (std::size_t i : missing) {
      const Exam& e = fetched.at(summaries[i].id);
      out[i] = worklist_row(s, researcher ? s.pseudonyms->for_display(e) : e, summaries[i]);
      auto a = after.find(summaries[i].id);
      if (a != after.end() && a->second == summaries[i]) keep.push_back(i);
    }
    std::lock_guard<std::mutex> l(mutex_);
    for (std::size_t i : keep) {
      Entry& entry = by_id_[summaries[i].id];
      if (entry.summary != summaries[i]) entry = Entry{summaries[i], std::nullopt, std::nullopt};
      (researcher ? entry.researcher : entry.clinician) = *out[i];
    }
  }
  Json rows = Json::array();
  for (auto& row : out) rows.push_back(std::move(*row));
  return rows;
}

}  // namespace crmo::server
