// Readings: several readers grade one exam apart; consensus readings; blinded views.
// A reading has its own revision; a change to an exam's main reading also bumps the
// exam's revision, so a writer holding either revision notices the other's change.
#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "store/rows.hpp"
#include "store/store.hpp"

namespace crmo::store {

using namespace detail;

namespace {

void check_sites_unique(const std::vector<SiteGrading>& gradings) {
  std::set<std::string> seen;
  for (const auto& g : gradings)
    if (!seen.insert(g.site).second)
      throw std::invalid_argument("the site " + g.site + " is graded twice in one reading: a site appears at most once");
}

// Readings matching `where` (on r. and e.): exams in import order, each exam's main
// reading first, then by reader name byte by byte (sorted here, not by the database,
// whose text collation differs between backends and locales).
std::vector<Reading> load_readings(Connection& db, const std::string& where, const Params& p) {
  auto r = db.query(
      "SELECT r.exam_id, r.reader, r.kind, r.revision, r.updated_at, r.updated_by, r.clinical_json, "
      "e.reader AS main_reader, e.position FROM readings r JOIN exams e ON e.id = r.exam_id WHERE " + where,
      p);
  Cols c(r.columns);
  std::vector<std::pair<std::int64_t, Reading>> found;
  for (const auto& row : r.rows) {
    Reading x;
    x.exam_id = c.text(row, "exam_id");
    x.reader = c.text(row, "reader");
    x.kind = c.text(row, "kind");
    x.revision = c.integer(row, "revision");
    x.updated_at = c.text(row, "updated_at");
    x.updated_by = c.text(row, "updated_by");
    x.main = x.reader == c.text(row, "main_reader");
    if (auto cj = c.at(row, "clinical_json")) x.clinical = clinical_from_json(*cj);
    found.emplace_back(c.integer(row, "position"), std::move(x));
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return std::make_tuple(a.first, !a.second.main, std::cref(a.second.reader)) <
           std::make_tuple(b.first, !b.second.main, std::cref(b.second.reader));
  });
  std::vector<Reading> out;
  std::map<std::pair<std::string, std::string>, std::size_t> at;
  for (auto& [position, x] : found) {
    at[{x.exam_id, x.reader}] = out.size();
    out.push_back(std::move(x));
  }
  if (out.empty()) return out;
  auto g = db.query(std::string("SELECT g.exam_id, g.reader, ") + kGradingColumns +
                        " FROM site_gradings g JOIN readings r ON r.exam_id = g.exam_id AND r.reader = g.reader "
                        "JOIN exams e ON e.id = r.exam_id WHERE " + where + " ORDER BY g.exam_id, g.reader, g.position",
                    p);
  Cols gc(g.columns);
  for (const auto& row : g.rows) {
    auto it = at.find({gc.text(row, "exam_id"), gc.text(row, "reader")});
    if (it != at.end()) out[it->second].gradings.push_back(read_grading(gc, row));
  }
  auto s = db.query(
      "SELECT cs.exam_id, cs.reader, cs.source_reader FROM consensus_sources cs JOIN readings r ON r.exam_id = "
      "cs.exam_id AND r.reader = cs.reader JOIN exams e ON e.id = r.exam_id WHERE " + where +
          " ORDER BY cs.exam_id, cs.reader, cs.position",
      p);
  for (const auto& row : s.rows) {
    auto it = at.find({row.at(0).value_or(""), row.at(1).value_or("")});
    if (it != at.end()) out[it->second].sources.push_back(row.at(2).value_or(""));
  }
  return out;
}

}  // namespace

std::int64_t Store::change_reading(const std::string& exam_id, const std::string& reader, const std::string& kind,
                                   std::int64_t expected, const std::string& actor, const std::string& now) {
  auto r = db_->query(
      "SELECT r.revision, r.kind, e.reader AS main_reader FROM exams e LEFT JOIN readings r "
      "ON r.exam_id = e.id AND r.reader = :reader WHERE e.id = :id",
      {{"id", exam_id}, {"reader", reader}});
  if (r.empty()) throw NotFoundError("no exam " + exam_id);
  Cols c(r.columns);
  const auto& row = r.rows[0];
  if (!c.at(row, "revision")) {
    if (expected != 0)
      throw NotFoundError(fmt::format("exam {} has no reading by {} (to start one, give revision 0)", exam_id, reader));
    db_->query(
        "INSERT INTO readings (exam_id, reader, kind, revision, updated_at, updated_by) "
        "VALUES (:id, :reader, :kind, 1, :now, :actor)",
        {{"id", exam_id}, {"reader", reader}, {"kind", kind.empty() ? "reading" : kind}, {"now", now}, {"actor", actor}});
    return 1;
  }
  if (!kind.empty() && c.text(row, "kind") != kind)
    throw std::invalid_argument(fmt::format("the reading by {} of exam {} is a {}, not a {}: use another reader name",
                                            reader, exam_id, c.text(row, "kind"), kind));
  std::int64_t changed = 0;
  db_->query(
      "UPDATE readings SET revision = revision + 1, updated_at = :now, updated_by = :actor "
      "WHERE exam_id = :id AND reader = :reader AND revision = :expected",
      {{"now", now}, {"actor", actor}, {"id", exam_id}, {"reader", reader}, {"expected", expected}}, &changed);
  if (changed != 1) {
    auto cur = db_->query("SELECT revision FROM readings WHERE exam_id = :id AND reader = :reader",
                          {{"id", exam_id}, {"reader", reader}});
    throw ConflictError(exam_id, reader, expected, first_integer(cur, 0));
  }
  if (c.text(row, "main_reader") == reader)
    db_->query("UPDATE exams SET revision = revision + 1, updated_at = :now, updated_by = :actor WHERE id = :id",
               {{"now", now}, {"actor", actor}, {"id", exam_id}});
  return expected + 1;
}

std::vector<SiteGrading> Store::gradings_of(const std::string& exam_id, const std::string& reader) {
  auto r = db_->query(std::string("SELECT ") + kGradingColumns +
                          " FROM site_gradings g WHERE g.exam_id = :id AND g.reader = :reader ORDER BY g.position",
                      {{"id", exam_id}, {"reader", reader}});
  Cols c(r.columns);
  std::vector<SiteGrading> out;
  for (const auto& row : r.rows) out.push_back(read_grading(c, row));
  return out;
}

std::int64_t Store::change_site(const std::string& exam_id, const std::string& reader, const SiteGrading* grading,
                                const std::string& site, const std::string& actor, const std::string& now) {
  auto r = db_->query(std::string("SELECT g.position, ") + kGradingColumns +
                          " FROM site_gradings g WHERE g.exam_id = :id AND g.reader = :reader AND g.site = :site",
                      {{"id", exam_id}, {"reader", reader}, {"site", site}});
  Cols c(r.columns);
  std::optional<std::string> before;
  std::int64_t position = 0;
  if (!r.empty()) {
    before = grading_json(read_grading(c, r.rows[0]));
    position = c.integer(r.rows[0], "position");
    db_->query("DELETE FROM site_gradings WHERE exam_id = :id AND reader = :reader AND site = :site",
               {{"id", exam_id}, {"reader", reader}, {"site", site}});
  } else {
    if (!grading) throw NotFoundError("exam " + exam_id + " has no grading on " + site + " by " + reader);
    position = first_integer(db_->query("SELECT MAX(position) FROM site_gradings WHERE exam_id = :id AND reader = :reader",
                                        {{"id", exam_id}, {"reader", reader}}),
                             -1) + 1;
  }
  if (grading) insert_grading(exam_id, reader, *grading, position);
  write_audit(now, actor, grading ? "grade" : "ungrade", "site_grading", exam_id + "/" + site, before,
              grading ? std::optional<std::string>(grading_json(*grading)) : std::nullopt, reader);
  return position;
}

void Store::insert_reading(const Exam& reading, const std::string& kind, const std::string& actor,
                           const std::string& now) {
  db_->query(
      "INSERT INTO readings (exam_id, reader, kind, revision, updated_at, updated_by) "
      "VALUES (:id, :reader, :kind, 1, :now, :actor)",
      {{"id", reading.id}, {"reader", reading.reader}, {"kind", kind}, {"now", now}, {"actor", actor}});
  for (std::size_t i = 0; i < reading.lesions.size(); ++i)
    insert_grading(reading.id, reading.reader, reading.lesions[i], static_cast<std::int64_t>(i));
}

// ---- the exam's main reading, under the exam's revision ----

std::int64_t Store::put_grading(const std::string& exam_id, const SiteGrading& grading, std::int64_t expected,
                                const std::string& actor) {
  return change_main_site(exam_id, &grading, grading.site, expected, actor);
}

std::int64_t Store::delete_grading(const std::string& exam_id, const std::string& site, std::int64_t expected,
                                   const std::string& actor) {
  return change_main_site(exam_id, nullptr, site, expected, actor);
}

std::int64_t Store::change_main_site(const std::string& exam_id, const SiteGrading* grading, const std::string& site,
                                     std::int64_t expected, const std::string& actor) {
  auto l = lock();
  return in_transaction(*db_, [&] {
    const std::string now = utc_now_iso();
    std::int64_t rev = bump_revision(exam_id, expected, actor, now);
    std::string reader = db_->query("SELECT reader FROM exams WHERE id = :id", {{"id", exam_id}}).rows.at(0).at(0).value();
    db_->query("UPDATE readings SET revision = revision + 1, updated_at = :now, updated_by = :actor "
               "WHERE exam_id = :id AND reader = :reader",
               {{"now", now}, {"actor", actor}, {"id", exam_id}, {"reader", reader}});
    change_site(exam_id, reader, grading, site, actor, now);
    return rev;
  });
}

// ---- readings by reader ----

std::optional<Reading> Store::find_reading(const std::string& exam_id, const std::string& reader) {
  auto l = lock();
  auto r = load_readings(*db_, "r.exam_id = :id AND r.reader = :reader", {{"id", exam_id}, {"reader", reader}});
  if (r.empty()) return std::nullopt;
  return std::move(r[0]);
}

std::vector<Reading> Store::readings(const std::string& exam_id) {
  auto l = lock();
  return load_readings(*db_, "r.exam_id = :id", {{"id", exam_id}});
}

std::vector<Reading> Store::readings() {
  auto l = lock();
  return load_readings(*db_, "1 = 1", {});
}

std::int64_t Store::save_reading(const std::string& exam_id, const std::string& reader,
                                 const std::vector<SiteGrading>& gradings, std::int64_t expected,
                                 const std::string& actor) {
  check_sites_unique(gradings);
  auto l = lock();
  return in_transaction(*db_, [&] {
    const std::string now = utc_now_iso();
    auto before = gradings_of(exam_id, reader);
    std::int64_t rev = change_reading(exam_id, reader, "reading", expected, actor, now);
    db_->query("DELETE FROM site_gradings WHERE exam_id = :id AND reader = :reader", {{"id", exam_id}, {"reader", reader}});
    for (std::size_t i = 0; i < gradings.size(); ++i)
      insert_grading(exam_id, reader, gradings[i], static_cast<std::int64_t>(i));
    write_audit(now, actor, rev == 1 ? "read" : "reread", "reading", exam_id,
                rev == 1 ? std::nullopt : std::optional<std::string>(gradings_json(before)), gradings_json(gradings),
                reader);
    return rev;
  });
}

std::int64_t Store::put_reading_grading(const std::string& exam_id, const std::string& reader,
                                        const SiteGrading& grading, std::int64_t expected, const std::string& actor) {
  auto l = lock();
  return in_transaction(*db_, [&] {
    const std::string now = utc_now_iso();
    std::int64_t rev = change_reading(exam_id, reader, "", expected, actor, now);
    change_site(exam_id, reader, &grading, grading.site, actor, now);
    return rev;
  });
}

std::int64_t Store::delete_reading_grading(const std::string& exam_id, const std::string& reader,
                                           const std::string& site, std::int64_t expected, const std::string& actor) {
  auto l = lock();
  return in_transaction(*db_, [&] {
    const std::string now = utc_now_iso();
    if (expected == 0) throw NotFoundError("exam " + exam_id + " has no grading on " + site + " by " + reader);
    std::int64_t rev = change_reading(exam_id, reader, "", expected, actor, now);
    change_site(exam_id, reader, nullptr, site, actor, now);
    return rev;
  });
}

std::int64_t Store::save_consensus(const std::string& exam_id, const std::string& reader,
                                   const std::vector<SiteGrading>& gradings, const std::vector<std::string>& sources,
                                   std::int64_t expected, const std::string& actor) {
  check_sites_unique(gradings);
  std::set<std::string> distinct(sources.begin(), sources.end());
  if (distinct.size() < 2 || distinct.size() != sources.size())
    throw std::invalid_argument("a consensus reading reconciles at least two different readings");
  if (distinct.count(reader))
    throw std::invalid_argument("a consensus reading cannot list its own reader (" + reader + ") as a source");
  auto l = lock();
  return in_transaction(*db_, [&] {
    const std::string now = utc_now_iso();
    std::vector<std::int64_t> source_revisions;
    for (const auto& s : sources) {
      auto r = db_->query("SELECT revision, kind FROM readings WHERE exam_id = :id AND reader = :reader",
                          {{"id", exam_id}, {"reader", s}});
      if (r.empty()) throw NotFoundError("exam " + exam_id + " has no reading by " + s + " to reconcile");
      source_revisions.push_back(std::stoll(r.rows[0][0].value()));
    }
    auto before = gradings_of(exam_id, reader);
    std::int64_t rev = change_reading(exam_id, reader, "consensus", expected, actor, now);
    db_->query("DELETE FROM site_gradings WHERE exam_id = :id AND reader = :reader", {{"id", exam_id}, {"reader", reader}});
    for (std::size_t i = 0; i < gradings.size(); ++i)
      insert_grading(exam_id, reader, gradings[i], static_cast<std::int64_t>(i));
    db_->query("DELETE FROM consensus_sources WHERE exam_id = :id AND reader = :reader",
               {{"id", exam_id}, {"reader", reader}});
    for (std::size_t i = 0; i < sources.size(); ++i)
      db_->query(
          "INSERT INTO consensus_sources (exam_id, reader, source_reader, source_revision, position) "
          "VALUES (:id, :reader, :source, :rev, :pos)",
          {{"id", exam_id}, {"reader", reader}, {"source", sources[i]}, {"rev", source_revisions[i]},
           {"pos", std::int64_t(i)}});
    nlohmann::json after = {{"sources", sources}, {"lesions", nlohmann::json::parse(gradings_json(gradings))}};
    write_audit(now, actor, "consensus", "reading", exam_id,
                rev == 1 ? std::nullopt : std::optional<std::string>(gradings_json(before)), after.dump(), reader);
    return rev;
  });
}

std::int64_t Store::set_main_reader(const std::string& exam_id, const std::string& reader, std::int64_t expected,
                                    const std::string& actor) {
  auto l = lock();
  return in_transaction(*db_, [&] {
    const std::string now = utc_now_iso();
    std::int64_t rev = bump_revision(exam_id, expected, actor, now);
    if (db_->query("SELECT 1 FROM readings WHERE exam_id = :id AND reader = :reader", {{"id", exam_id}, {"reader", reader}})
            .empty())
      throw NotFoundError("exam " + exam_id + " has no reading by " + reader);
    std::string before = db_->query("SELECT reader FROM exams WHERE id = :id", {{"id", exam_id}}).rows.at(0).at(0).value();
    db_->query("UPDATE exams SET reader = :reader WHERE id = :id", {{"reader", reader}, {"id", exam_id}});
    write_audit(now, actor, "main_reading", "exam", exam_id, nlohmann::json({{"main_reader", before}}).dump(),
                nlohmann::json({{"main_reader", reader}}).dump(), reader);
    return rev;
  });
}

std::vector<Exam> Store::all_readings() {
  auto l = lock();
  auto mains = exams_from(*db_, std::nullopt, nullptr);
  auto all = load_readings(*db_, "r.reader <> e.reader", {});
  std::map<std::string, std::vector<const Reading*>> others;
  for (const auto& r : all) others[r.exam_id].push_back(&r);
  std::vector<Exam> out;
  for (auto& e : mains) {
    out.push_back(e);
    for (const Reading* r : others[e.id]) {
      Exam x = e;
      x.reader = r->reader;
      x.lesions = r->gradings;
      if (r->clinical) x.clinical = *r->clinical;
      out.push_back(std::move(x));
    }
  }
  return out;
}

std::string Store::readings_version() {
  auto l = lock();
  std::string v;
  for (const char* sql : {"SELECT id, reader, revision FROM exams ORDER BY position",
                          "SELECT exam_id, reader, revision FROM readings ORDER BY exam_id, reader"}) {
    for (const auto& row : db_->query(sql).rows) {
      for (const auto& cell : row) {
        v += cell.value_or("");
        v += '\x1f';
      }
      v += '\x1e';
    }
    v += '\x1d';
  }
  return v;
}

std::vector<WorklistItem> Store::worklist(const std::string& reader, bool blinded) {
  auto l = lock();
  auto r = db_->query(
      "SELECT e.id, e.patient_id, e.exam_date, e.timepoint, r.revision, "
      "(SELECT COUNT(*) FROM site_gradings g WHERE g.exam_id = e.id AND g.reader = :reader) AS graded "
      "FROM exams e LEFT JOIN readings r ON r.exam_id = e.id AND r.reader = :reader ORDER BY e.position",
      {{"reader", reader}});
  std::map<std::string, std::vector<std::string>> others;
  if (!blinded) {
    for (const auto& row : db_->query("SELECT exam_id, reader FROM readings WHERE reader <> :reader", {{"reader", reader}}).rows)
      others[row.at(0).value_or("")].push_back(row.at(1).value_or(""));
    for (auto& [id, names] : others) std::sort(names.begin(), names.end());
  }
  Cols c(r.columns);
  std::vector<WorklistItem> out;
  for (const auto& row : r.rows) {
    WorklistItem w;
    w.exam_id = c.text(row, "id");
    w.patient_id = c.text(row, "patient_id");
    w.date = c.text(row, "exam_date");
    w.timepoint = c.text(row, "timepoint");
    w.read = c.at(row, "revision").has_value();
    w.reading_revision = w.read ? c.integer(row, "revision") : 0;
    w.graded_sites = static_cast<int>(c.integer(row, "graded"));
    if (!blinded) w.other_readers = others[w.exam_id];
    out.push_back(std::move(w));
  }
  return out;
}

std::optional<ReaderView> Store::reader_view(const std::string& exam_id, const std::string& reader, bool blinded,
                                             bool show_clinical) {
  auto l = lock();
  std::vector<ExamMeta> meta;
  auto exams = exams_from(*db_, exam_id, &meta);
  if (exams.empty()) return std::nullopt;
  ReaderView v;
  v.exam = std::move(exams[0]);
  v.exam_revision = meta[0].revision;
  v.exam.reader = reader;
  v.exam.lesions.clear();
  for (auto& r : load_readings(*db_, "r.exam_id = :id", {{"id", exam_id}})) {
    if (r.reader == reader) {
      v.reading_revision = r.revision;
      v.exam.lesions = std::move(r.gradings);
      if (r.clinical) v.exam.clinical = *r.clinical;
    } else if (!blinded) {
      v.other_readings.push_back(std::move(r));
    }
  }
  if (blinded && !show_clinical) v.exam.clinical = ClinicalMeasures{};
  if (!blinded)
    v.prior_exams = summaries(" WHERE e.patient_id = :patient AND e.exam_date < :date",
                              {{"patient", v.exam.patient.id}, {"date", v.exam.date.iso()}});
  return v;
}

}  // namespace crmo::store
