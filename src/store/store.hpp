#pragma once
// The store: patients, exams, readings and site gradings, clinical measures, the
// audit trail, accounts and sessions, over SQLite or PostgreSQL (docs/store.md).
// The store does not validate: callers validate with the atlas and scheme first
// (formats/exam_json, core/validation); the store keeps what it is given, exactly.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/exam.hpp"
#include "store/connection.hpp"

namespace crmo::store {

// A second writer's edit, based on a revision that is no longer current.
class ConflictError : public std::runtime_error {
 public:
  ConflictError(const std::string& exam_id, std::int64_t expected, std::int64_t current);
  std::string exam_id;
  std::int64_t expected, current;
};

class NotFoundError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ExamRecord {
  Exam exam;
  std::int64_t revision = 0;
  std::string updated_at, updated_by;
};

struct ExamSummary {
  std::string id, patient_id, date, timepoint, reader;
  std::int64_t revision = 0;
  int graded_sites = 0;
  std::string updated_at;
};

struct AuditRecord {
  std::int64_t id = 0;
  std::string at, actor, action, entity, entity_id;
  std::optional<std::string> before, after;  // JSON text
};

struct User {
  std::string name, role, password_hash, created_at;
};

struct OpenOptions {
  int target_version = -1;            // -1: the latest schema (tests open older ones)
  bool backup_before_upgrade = true;  // SQLite: copy the file before migrating
};

class Store {
 public:
  // `location`: an SQLite file path, or a postgresql:// URL. Creates the schema in an
  // empty database and upgrades an older one (after a backup for SQLite).
  static std::unique_ptr<Store> open(const std::string& location, OpenOptions options = {});
  explicit Store(std::unique_ptr<Connection> connection, OpenOptions options = {});

  Backend backend() const { return db_->backend(); }
  std::string location() const { return db_->location(); }
  int schema_version();
  static int latest_schema_version();
  // The backup written by the last upgrade on open (empty when none was needed).
  const std::string& backup_path() const { return backup_path_; }

  // Exams.
  std::vector<ExamSummary> list_exams();
  std::optional<ExamRecord> find_exam(const std::string& id);
  std::vector<Exam> all_exams();  // in import order
  std::vector<Patient> patients();
  // All or nothing: throws InputError naming every exam id already stored (nothing
  // written), else stores every exam in one transaction.
  void import_exams(const std::vector<Exam>& exams, const std::string& actor);
  // Edits of one exam. Each is one transaction that checks `expected_revision`
  // (ConflictError when another writer came first), writes an audit record and returns
  // the exam's new revision.
  std::int64_t put_grading(const std::string& exam_id, const SiteGrading& grading,
                           std::int64_t expected_revision, const std::string& actor);
  std::int64_t delete_grading(const std::string& exam_id, const std::string& site,
                              std::int64_t expected_revision, const std::string& actor);
  std::int64_t put_clinical(const std::string& exam_id, const ClinicalMeasures& clinical,
                            std::int64_t expected_revision, const std::string& actor);
  std::vector<AuditRecord> audit(const std::optional<std::string>& entity_id = std::nullopt,
                                 int limit = 1000);

  // Accounts and sessions (crmo serve).
  void add_user(const User& user);  // throws std::runtime_error when the name is taken
  std::optional<User> find_user(const std::string& name);
  std::vector<User> users();
  void add_session(const std::string& token_hash, const std::string& user, std::int64_t expires_at);
  std::optional<User> session_user(const std::string& token_hash, std::int64_t now);
  void delete_session(const std::string& token_hash);
  // A per-database setting, created with `initial` the first time it is asked for.
  std::string setting(const std::string& name, const std::string& initial);

  // Low level, for tests and tools: the connection (not thread safe; hold lock()).
  Connection& connection() { return *db_; }
  std::unique_lock<std::recursive_mutex> lock() { return std::unique_lock(mutex_); }

 private:
  void migrate(const OpenOptions& options);
  Exam load_exam_locked(const std::vector<std::optional<std::string>>& row, const std::vector<std::string>& columns);
  std::int64_t bump_revision(const std::string& exam_id, std::int64_t expected, const std::string& actor,
                             const std::string& now);
  void insert_exam(const Exam& exam, std::int64_t position, const std::string& actor, const std::string& now);
  void insert_grading(const std::string& exam_id, const std::string& reader, const SiteGrading& g, std::int64_t position);
  void write_audit(const std::string& now, const std::string& actor, const std::string& action,
                   const std::string& entity, const std::string& entity_id,
                   const std::optional<std::string>& before, const std::optional<std::string>& after);

  std::unique_ptr<Connection> db_;
  std::recursive_mutex mutex_;
  std::string backup_path_;
};

// The schema files embedded in the binary (src/store/sql/NNN_name.sql), in order.
struct Migration {
  int version;
  std::string name, sql;
};
std::vector<Migration> migrations();
// A schema file's text for one backend ({{ID}} filled in).
std::string sql_for(Backend backend, const std::string& text);

std::string utc_now_iso();

}  // namespace crmo::store
