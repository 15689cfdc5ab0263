#include "core/readers/readings.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

namespace crmo::readers {

const Exam* ExamReadings::by(const std::string& reader) const {
  for (const Exam* e : readings)
    if (e->reader == reader) return e;
  return nullptr;
}

std::vector<ExamReadings> group_readings(const std::vector<Exam>& readings) {
  std::vector<ExamReadings> out;
  std::map<std::string, std::size_t> index;
  for (const Exam& e : readings) {
    auto [it, fresh] = index.emplace(e.id, out.size());
    if (fresh) out.push_back({e.id, e.patient.id, e.date, {}});
    out[it->second].readings.push_back(&e);
  }
  return out;
}

std::vector<std::string> reader_names(const std::vector<Exam>& readings) {
  std::vector<std::string> out;
  for (const Exam& e : readings)
    if (std::find(out.begin(), out.end(), e.reader) == out.end()) out.push_back(e.reader);
  return out;
}

std::vector<std::string> check_readings(const std::vector<Exam>& readings) {
  std::vector<std::string> problems;
  for (const auto& g : group_readings(readings)) {
    std::set<std::string> seen;
    const Exam& first = *g.readings.front();
    for (const Exam* e : g.readings) {
      const std::string who = e->reader.empty() ? "an unnamed reader" : "reader '" + e->reader + "'";
      if (!seen.insert(e->reader).second)
        problems.push_back("exam '" + g.exam_id + "': " + who + " has two readings; each reader reads an exam once");
      if (e == &first) continue;
      if (e->patient.id != first.patient.id)
        problems.push_back("exam '" + g.exam_id + "': " + who + "'s reading is of patient '" + e->patient.id +
                           "', another reading is of patient '" + first.patient.id + "'");
      if (e->date != first.date)
        problems.push_back("exam '" + g.exam_id + "': " + who + "'s reading is dated " + e->date.iso() +
                           ", another reading " + first.date.iso());
      if (e->timepoint != first.timepoint)
        problems.push_back("exam '" + g.exam_id + "': " + who + "'s reading has timepoint '" + e->timepoint +
                           "', another reading '" + first.timepoint + "'");
    }
  }
  return problems;
}

Exam blinded_view(const std::vector<Exam>& readings, const std::string& exam_id, const std::string& reader,
                  const BlindOptions& options) {
  const Exam* any = nullptr;
  const Exam* own = nullptr;
  for (const Exam& e : readings) {
    if (e.id != exam_id) continue;
    if (!any) any = &e;
    if (e.reader == reader) own = &e;
  }
  if (!any) throw std::invalid_argument("no exam '" + exam_id + "'");
  Exam view;
  // Identity of the exam only: the patient's id (the images carry it anyway), no
  // birth date, sex or age that would hint at a prior result; never another reading.
  view.patient.id = any->patient.id;
  view.patient.sex = any->patient.sex;
  view.patient.birth_date = any->patient.birth_date;
  view.patient.age_years = any->patient.age_years;
  view.id = any->id;
  view.date = any->date;
  view.timepoint = any->timepoint;
  view.reader = reader;
  if (own) view.lesions = own->lesions;
  if (!options.hide_clinical) view.clinical = (own ? own : any)->clinical;
  return view;
}

std::vector<Exam> blinded_worklist(const std::vector<Exam>& readings, const std::string& reader,
                                   const BlindOptions& options) {
  std::vector<Exam> out;
  for (const auto& g : group_readings(readings))
    if (!g.by(reader)) out.push_back(blinded_view(readings, g.exam_id, reader, options));
  std::stable_sort(out.begin(), out.end(), [](const Exam& a, const Exam& b) { return a.date < b.date; });
  return out;
}

}  // namespace crmo::readers
