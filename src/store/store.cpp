#include "store/store.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/date.hpp"
#include "formats/exam_json.hpp"
#include "formats/input_error.hpp"
#include "resources/resources.hpp"
#include "store/rows.hpp"

namespace crmo::resources {
std::span<const Entry> store_sql();
}

namespace crmo::store {

using namespace detail;
using json = nlohmann::json;

ConflictError::ConflictError(const std::string& id, std::int64_t exp, std::int64_t cur)
    : ConflictError(id, "", exp, cur) {}

ConflictError::ConflictError(const std::string& id, const std::string& who, std::int64_t exp, std::int64_t cur)
    : std::runtime_error(fmt::format(
          "{} {} was changed by someone else: your change was based on revision {}, the stored one is revision {}; "
          "reload it and make your change again",
          who.empty() ? "exam" : "the reading by " + who + " of exam", id, exp, cur)),
      exam_id(id), expected(exp), current(cur), reader(who) {}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string utc_now_iso() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

std::vector<Migration> migrations() {
  std::vector<Migration> out;
  for (const auto& e : resources::store_sql()) {
    std::string path(e.path);
    auto slash = path.find_last_of('/');
    std::string file = slash == std::string::npos ? path : path.substr(slash + 1);
    if (file.size() < 8 || !file.ends_with(".sql")) continue;
    out.push_back({std::stoi(file.substr(0, 3)), file, std::string(e.bytes)});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  for (std::size_t i = 0; i < out.size(); ++i)
    if (out[i].version != static_cast<int>(i) + 1)
      throw std::logic_error("schema files must be numbered 001, 002, ... without gaps: " + out[i].name);
  return out;
}

std::string sql_for(Backend backend, const std::string& text) {
  std::string out = text;
  const std::string id = backend == Backend::SQLite ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                                                    : "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
  for (auto p = out.find("{{ID}}"); p != std::string::npos; p = out.find("{{ID}}"))
    out.replace(p, 6, id);
  return out;
}

int Store::latest_schema_version() { return static_cast<int>(migrations().size()); }

std::unique_ptr<Store> Store::open(const std::string& location, OpenOptions options) {
  return std::make_unique<Store>(connect(location, options.create), options);
}

Store::Store(std::unique_ptr<Connection> connection, OpenOptions options) : db_(std::move(connection)) {
  migrate(options);
}

int Store::schema_version() {
  auto l = lock();
  return static_cast<int>(first_integer(db_->query("SELECT MAX(version) AS v FROM crmo_schema"), 0));
}

namespace {

// The tables of the database (not SQLite's own).
std::vector<std::string> table_names(Connection& db) {
  auto r = db.backend() == Backend::SQLite
               ? db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
               : db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()");
  std::vector<std::string> out;
  for (const auto& row : r.rows) out.push_back(row.at(0).value_or(""));
  return out;
}

}  // namespace

void Store::migrate(const OpenOptions& options) {
  auto l = lock();
  const auto all = migrations();
  const int latest = static_cast<int>(all.size());
  const int target = options.target_version < 0 ? latest : std::min(options.target_version, latest);
  auto tables = table_names(*db_);
  if (!tables.empty() && std::find(tables.begin(), tables.end(), "crmo_schema") == tables.end())
    throw DatabaseError(fmt::format("{} holds tables that are not crmo's ({}...): not a crmo database; choose another --db",
                                    db_->location(), tables.front()));
  if (tables.empty())
    db_->script("CREATE TABLE IF NOT EXISTS crmo_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
  int current = schema_version();
  if (current > latest)
    throw DatabaseError(fmt::format("the database {} has schema {}, newer than this crmo knows ({}): use a newer crmo",
                                    db_->location(), current, latest));
  if (current >= target) return;
  // Before changing an older database, keep a copy of it as it was (SQLite; a
  // PostgreSQL server is backed up by its administrator, and each step is one
  // transaction that either applies whole or not at all).
  if (current > 0 && options.backup_before_upgrade && db_->backend() == Backend::SQLite) {
    std::string stamp = utc_now_iso();
    std::replace(stamp.begin(), stamp.end(), ':', '-');
    backup_path_ = fmt::format("{}.schema{}-{}.bak", db_->location(), current, stamp);
    std::string quoted;
    for (char c : backup_path_) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    db_->script("VACUUM INTO '" + quoted + "'");
  }
  for (const auto& m : all) {
    if (m.version <= current || m.version > target) continue;
    in_transaction(*db_, [&] {
      // Two processes opening one old database: the second waits, then finds the step done.
      if (db_->backend() == Backend::PostgreSQL) db_->query("SELECT pg_advisory_xact_lock(7307480001)");
      if (schema_version() >= m.version) return;
      db_->script(sql_for(db_->backend(), m.sql));
      db_->query("INSERT INTO crmo_schema (version, name, applied_at) VALUES (:v, :name, :at)",
                 {{"v", std::int64_t(m.version)}, {"name", m.name}, {"at", utc_now_iso()}});
    });
  }
}

// ---- exams ----

std::vector<ExamSummary> Store::summaries(const std::string& where, const Params& params) {
  auto r = db_->query(
      "SELECT e.id, e.patient_id, e.exam_date, e.timepoint, e.reader, e.revision, e.updated_at, "
      "(SELECT COUNT(*) FROM site_gradings g WHERE g.exam_id = e.id AND g.reader = e.reader) AS graded "
      "FROM exams e" + where + " ORDER BY e.position",
      params);
  Cols c(r.columns);
  std::vector<ExamSummary> out;
  for (const auto& row : r.rows)
    out.push_back({c.text(row, "id"), c.text(row, "patient_id"), c.text(row, "exam_date"), c.text(row, "timepoint"),
                   c.text(row, "reader"), c.integer(row, "revision"), static_cast<int>(c.integer(row, "graded")),
                   c.text(row, "updated_at")});
  return out;
}

std::vector<ExamSummary> Store::list_exams() {
  auto l = lock();
  return summaries("", {});
}

std::vector<ExamSummary> Store::prior_exams(const std::string& patient_id, const std::string& date) {
  auto l = lock();
  return summaries(" WHERE e.patient_id = :patient AND e.exam_date < :date", {{"patient", patient_id}, {"date", date}});
}

std::vector<Patient> Store::patients() {
  auto l = lock();
  auto r = db_->query("SELECT id, sex, birth_date, age_years FROM patients ORDER BY id");
  Cols c(r.columns);
  std::vector<Patient> out;
  for (const auto& row : r.rows) {
    Patient p;
    p.id = c.text(row, "id");
    p.sex = c.at(row, "sex");
    if (auto b = c.at(row, "birth_date")) p.birth_date = parse_date(*b);
    p.age_years = c.number(row, "age_years");
    out.push_back(p);
  }
  std::sort(out.begin(), out.end(), [](const Patient& a, const Patient& b) { return a.id < b.id; });  // byte order
  return out;
}

namespace detail {

std::vector<Exam> exams_from(Connection& db, const std::optional<std::string>& only, std::vector<ExamMeta>* meta) {
  Params p;
  std::string where;
  if (only) {
    where = " WHERE e.id = :id";
    p.push_back({"id", *only});
  }
  auto r = db.query(
      std::string("SELECT e.id, e.patient_id, e.exam_date, e.timepoint, e.reader, e.pga, e.pain, e.patient_global, "
                  "e.chaq, e.esr, e.crp, e.clinical_severity, e.fever, e.normal_blood_count, e.marginal_sclerosis, "
                  "e.biopsy, e.symptomatic_sites, e.revision, e.updated_at, e.updated_by, "
                  "p.sex, p.birth_date, p.age_years FROM exams e JOIN patients p ON p.id = e.patient_id") +
          where + " ORDER BY e.position",
      p);
  Cols c(r.columns);
  std::vector<Exam> out;
  std::map<std::string, std::size_t> by_id;
  for (const auto& row : r.rows) {
    Exam e;
    e.id = c.text(row, "id");
    e.patient.id = c.text(row, "patient_id");
    e.patient.sex = c.at(row, "sex");
    if (auto b = c.at(row, "birth_date")) e.patient.birth_date = parse_date(*b);
    e.patient.age_years = c.number(row, "age_years");
    e.date = parse_date(c.text(row, "exam_date")).value_or(Date{});
    e.timepoint = c.text(row, "timepoint");
    e.reader = c.text(row, "reader");
    e.clinical = read_clinical(c, row);
    if (meta) meta->push_back({c.integer(row, "revision"), c.text(row, "updated_at"), c.text(row, "updated_by")});
    by_id[e.id] = out.size();
    out.push_back(std::move(e));
  }
  auto g = db.query(std::string("SELECT g.exam_id, ") + kGradingColumns +
                        " FROM site_gradings g JOIN exams e ON e.id = g.exam_id AND e.reader = g.reader" + where +
                        " ORDER BY g.exam_id, g.position",
                    p);
  Cols gc(g.columns);
  for (const auto& row : g.rows) {
    auto it = by_id.find(gc.text(row, "exam_id"));
    if (it != by_id.end()) out[it->second].lesions.push_back(read_grading(gc, row));
  }
  return out;
}

}  // namespace detail

std::optional<ExamRecord> Store::find_exam(const std::string& id) {
  auto l = lock();
  std::vector<ExamMeta> meta;
  auto exams = exams_from(*db_, id, &meta);
  if (exams.empty()) return std::nullopt;
  return ExamRecord{std::move(exams[0]), meta[0].revision, meta[0].updated_at, meta[0].updated_by};
}

std::vector<Exam> Store::all_exams() {
  auto l = lock();
  return exams_from(*db_, std::nullopt, nullptr);
}

void Store::insert_exam(const Exam& e, std::int64_t position, const std::string& actor, const std::string& now) {
  Params p = clinical_params(e.clinical);
  p.insert(p.end(), {{"id", e.id},
                     {"patient_id", e.patient.id},
                     {"exam_date", e.date.iso()},
                     {"timepoint", e.timepoint},
                     {"reader", e.reader},
                     {"position", position},
                     {"now", now},
                     {"actor", actor}});
  db_->query(
      "INSERT INTO exams (id, patient_id, exam_date, timepoint, reader, pga, pain, patient_global, chaq, esr, crp, "
      "clinical_severity, fever, normal_blood_count, marginal_sclerosis, biopsy, symptomatic_sites, position, "
      "revision, updated_at, updated_by) VALUES (:id, :patient_id, :exam_date, :timepoint, :reader, :pga, :pain, "
      ":patient_global, :chaq, :esr, :crp, :clinical_severity, :fever, :normal_blood_count, :marginal_sclerosis, "
      ":biopsy, :symptomatic_sites, :position, 1, :now, :actor)",
      p);
}

void Store::insert_grading(const std::string& exam_id, const std::string& reader, const SiteGrading& g,
                           std::int64_t position) {
  db_->query(kInsertGrading, grading_params(exam_id, reader, g, position));
}

void Store::write_audit(const std::string& now, const std::string& actor, const std::string& action,
                        const std::string& entity, const std::string& entity_id,
                        const std::optional<std::string>& before, const std::optional<std::string>& after,
                        const std::string& reader) {
  db_->query(
      "INSERT INTO audit (changed_at, actor, action, entity, entity_id, before_json, after_json, reader) "
      "VALUES (:at, :actor, :action, :entity, :entity_id, :before, :after, :reader)",
      {{"at", now},
       {"actor", actor},
       {"action", action},
       {"entity", entity},
       {"entity_id", entity_id},
       {"before", opt(before)},
       {"after", opt(after)},
       {"reader", reader}});
}

std::int64_t Store::bump_revision(const std::string& exam_id, std::int64_t expected, const std::string& actor,
                                  const std::string& now) {
  std::int64_t changed = 0;
  db_->query("UPDATE exams SET revision = revision + 1, updated_at = :now, updated_by = :actor "
             "WHERE id = :id AND revision = :expected",
             {{"now", now}, {"actor", actor}, {"id", exam_id}, {"expected", expected}}, &changed);
  if (changed == 1) return expected + 1;
  auto r = db_->query("SELECT revision FROM exams WHERE id = :id", {{"id", exam_id}});
  if (r.empty()) throw NotFoundError("no exam " + exam_id);
  throw ConflictError(exam_id, expected, std::stoll(r.rows[0][0].value()));
}

std::int64_t Store::put_clinical(const std::string& exam_id, const ClinicalMeasures& clinical, std::int64_t expected,
                                 const std::string& actor) {
  auto l = lock();
  return in_transaction(*db_, [&] {
    const std::string now = utc_now_iso();
    std::int64_t rev = bump_revision(exam_id, expected, actor, now);
    auto r = db_->query(
        "SELECT pga, pain, patient_global, chaq, esr, crp, clinical_severity, fever, normal_blood_count, "
        "marginal_sclerosis, biopsy, symptomatic_sites FROM exams WHERE id = :id",
        {{"id", exam_id}});
    Cols c(r.columns);
    std::string before = clinical_json(read_clinical(c, r.rows.at(0)));
    Params p = clinical_params(clinical);
    p.push_back({"id", exam_id});
    db_->query(
        "UPDATE exams SET pga = :pga, pain = :pain, patient_global = :patient_global, chaq = :chaq, esr = :esr, "
        "crp = :crp, clinical_severity = :clinical_severity, fever = :fever, normal_blood_count = :normal_blood_count, "
        "marginal_sclerosis = :marginal_sclerosis, biopsy = :biopsy, symptomatic_sites = :symptomatic_sites "
        "WHERE id = :id",
        p);
    write_audit(now, actor, "clinical", "exam", exam_id, before, clinical_json(clinical));
    return rev;
  });
}

std::vector<AuditRecord> Store::audit(const std::optional<std::string>& entity_id, int limit) {
  auto l = lock();
  Params p{{"limit", std::int64_t(limit)}};
  std::string where;
  if (entity_id) {  // the exam and its sites ("exam/site"); substr, not LIKE: ids may hold _ and %
    where = " WHERE entity_id = :entity_id OR substr(entity_id, 1, :n) = :prefix";
    p.push_back({"entity_id", *entity_id});
    p.push_back({"prefix", *entity_id + "/"});
    p.push_back({"n", std::int64_t(entity_id->size() + 1)});
  }
  auto r = db_->query(
      "SELECT id, changed_at, actor, action, entity, entity_id, before_json, after_json, reader FROM audit" + where +
          " ORDER BY id DESC LIMIT :limit",
      p);
  Cols c(r.columns);
  std::vector<AuditRecord> out;
  for (const auto& row : r.rows)
    out.push_back({c.integer(row, "id"), c.text(row, "changed_at"), c.text(row, "actor"), c.text(row, "action"),
                   c.text(row, "entity"), c.text(row, "entity_id"), c.at(row, "before_json"), c.at(row, "after_json"),
                   c.text(row, "reader")});
  return out;
}

std::string Store::setting(const std::string& name, const std::string& initial) {
  auto l = lock();
  return in_transaction(*db_, [&] {
    auto r = db_->query("SELECT value FROM settings WHERE name = :n", {{"n", name}});
    if (!r.empty()) return r.rows[0][0].value_or("");
    db_->query("INSERT INTO settings (name, value) VALUES (:n, :v)", {{"n", name}, {"v", initial}});
    return initial;
  });
}

}  // namespace crmo::store
