// Importing exams (each entry one reading of one exam): every problem found first,
// then everything written in one transaction, or nothing.
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/date.hpp"
#include "formats/exam_json.hpp"
#include "formats/input_error.hpp"
#include "store/rows.hpp"
#include "store/store.hpp"

namespace crmo::store {

using namespace detail;

namespace {

bool same_patient(const Patient& a, const Patient& b) {
  return a.id == b.id && a.sex == b.sex && a.birth_date == b.birth_date && a.age_years == b.age_years;
}

// What the readings of one exam share: the patient, date and timepoint (clinical
// measures may differ between readers' documents: each reading keeps its own).
bool same_exam_facts(const Exam& a, const Exam& b) {
  return same_patient(a.patient, b.patient) && a.date == b.date && a.timepoint == b.timepoint;
}

std::string place(const Exam& e) { return "exam " + e.id + (e.reader.empty() ? "" : " (reader " + e.reader + ")"); }

}  // namespace

void Store::import_exams(const std::vector<Exam>& exams, const std::string& actor) {
  import_exams(exams, actor, ImportExtras{});
}

void Store::import_exams(const std::vector<Exam>& exams, const std::string& actor, const ImportExtras& extras) {
  // The readings of each exam, in input order.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const Exam*>> by_id;
  for (const auto& e : exams) {
    auto& group = by_id[e.id];
    if (group.empty()) order.push_back(e.id);
    group.push_back(&e);
  }
  auto l = lock();
  in_transaction(*db_, [&] {
    std::vector<InputProblem> problems;
    std::map<std::string, Patient> patients;  // as the input gives them
    for (const auto& id : order) {
      const auto& group = by_id[id];
      const Exam& first = *group.front();
      std::set<std::string> readers;
      for (const Exam* e : group) {
        if (!readers.insert(e->reader).second)
          problems.push_back({place(*e), "this exam has two readings by this reader: each reader reads an exam once"});
        else if (e != &first && !same_exam_facts(first, *e))
          problems.push_back({place(*e), "differs from the reading by '" + first.reader +
                                             "' in patient, date or timepoint: the readings of one exam must agree "
                                             "on them"});
      }
      auto [p, fresh] = patients.emplace(first.patient.id, first.patient);
      if (!fresh && !same_patient(p->second, first.patient))
        problems.push_back({place(first), "patient " + first.patient.id +
                                              " has a different sex, birth date or age in another exam of this input"});
      auto stored = exams_from(*db_, id, nullptr);
      if (!stored.empty()) {
        if (!same_exam_facts(stored[0], first))
          problems.push_back({place(first), "is stored with a different patient, date or timepoint: a new reading "
                                            "of a stored exam must agree with it"});
        for (const Exam* e : group)
          if (!db_->query("SELECT 1 FROM readings WHERE exam_id = :id AND reader = :reader",
                          {{"id", id}, {"reader", e->reader}})
                   .empty())
            problems.push_back({place(*e), "already in the database: nothing was imported"});
      } else if (auto m = extras.main_reader.find(id); m != extras.main_reader.end() && !readers.count(m->second)) {
        problems.push_back({place(first), "the main reading is said to be by '" + m->second + "', who did not read it"});
      }
    }
    for (const auto& [key, sources] : extras.consensus_sources) {
      for (const auto& s : sources) {
        bool known = false;
        for (const Exam* e : by_id[key.first]) known |= e->reader == s;
        known |= !db_->query("SELECT 1 FROM readings WHERE exam_id = :id AND reader = :reader",
                             {{"id", key.first}, {"reader", s}})
                      .empty();
        if (!known)
          problems.push_back({"exam " + key.first + " (reader " + key.second + ")",
                              "its consensus reconciles a reading by '" + s + "' that is not there"});
      }
    }
    // A patient already stored must agree with the imported record.
    for (const auto& [id, patient] : patients) {
      auto r = db_->query("SELECT sex, birth_date, age_years FROM patients WHERE id = :id", {{"id", id}});
      if (r.empty()) continue;
      Cols c(r.columns);
      Patient p;
      p.id = id;
      p.sex = c.at(r.rows[0], "sex");
      if (auto b = c.at(r.rows[0], "birth_date")) p.birth_date = parse_date(*b);
      p.age_years = c.number(r.rows[0], "age_years");
      if (!same_patient(p, patient))
        problems.push_back({"patient " + id, "is stored with a different sex, birth date or age: nothing was imported"});
    }
    throw_if_any(std::move(problems));

    std::int64_t next = first_integer(db_->query("SELECT MAX(position) FROM exams"), -1) + 1;
    const std::string now = utc_now_iso();
    for (const auto& id : order) {
      const auto& group = by_id[id];
      const Exam* main = group.front();
      auto named = extras.main_reader.find(id);
      for (const Exam* e : group)
        if (named != extras.main_reader.end() ? e->reader == named->second : e->reader == "consensus") main = e;
      auto stored = exams_from(*db_, id, nullptr);
      const bool is_new = stored.empty();
      const ClinicalMeasures& exam_clinical = is_new ? main->clinical : stored[0].clinical;
      if (is_new) {
        db_->query(
            "INSERT INTO patients (id, sex, birth_date, age_years) VALUES (:id, :sex, :birth_date, :age_years) "
            "ON CONFLICT (id) DO NOTHING",
            {{"id", main->patient.id},
             {"sex", opt(main->patient.sex)},
             {"birth_date", main->patient.birth_date ? Value(main->patient.birth_date->iso()) : Value()},
             {"age_years", opt(main->patient.age_years)}});
        insert_exam(*main, next++, actor, now);
      }
      // Main reading first, then the others in input order.
      std::vector<const Exam*> readings{main};
      for (const Exam* e : group)
        if (e != main) readings.push_back(e);
      for (const Exam* e : readings) {
        auto sources = extras.consensus_sources.find({id, e->reader});
        bool consensus = sources != extras.consensus_sources.end() || e->reader == "consensus";
        insert_reading(*e, consensus ? "consensus" : "reading", actor, now);
        if (!(e->clinical == exam_clinical))
          db_->query("UPDATE readings SET clinical_json = :c WHERE exam_id = :id AND reader = :reader",
                     {{"c", clinical_json(e->clinical)}, {"id", id}, {"reader", e->reader}});
        if (sources != extras.consensus_sources.end())
          for (std::size_t i = 0; i < sources->second.size(); ++i)
            db_->query(
                "INSERT INTO consensus_sources (exam_id, reader, source_reader, source_revision, position) "
                "VALUES (:id, :reader, :source, 1, :pos)",
                {{"id", id}, {"reader", e->reader}, {"source", sources->second[i]}, {"pos", std::int64_t(i)}});
        write_audit(now, actor, "import", "exam", id, std::nullopt, exam_to_json(*e).dump(), e->reader);
      }
    }
  });
}

}  // namespace crmo::store
