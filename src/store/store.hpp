#pragma once
// The store: patients, exams, readings and site gradings, clinical measures, the
// audit trail, accounts and sessions, over SQLite or PostgreSQL (docs/store.md).
// The store does not validate: callers validate with the atlas and scheme first
// (formats/exam_json, core/validation); the store keeps what it is given, exactly.
#include <cstdint>
#include <map>
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
// `reader` is empty for the exam's own revision (clinical measures, main reading) and
// names the reader for one reader's reading (each reading has its own revision).
class ConflictError : public std::runtime_error {
 public:
  ConflictError(const std::string& exam_id, std::int64_t expected, std::int64_t current);
  ConflictError(const std::string& exam_id, const std::string& reader, std::int64_t expected, std::int64_t current);
  std::string exam_id;
  std::int64_t expected, current;
  std::string reader;
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
  bool operator==(const ExamSummary&) const = default;
};

struct AuditRecord {
  std::int64_t id = 0;
  std::string at, actor, action, entity, entity_id;
  std::optional<std::string> before, after;  // JSON text
  std::string reader;                        // the reading's reader, when a reading changed
};

struct User {
  std::string name, role, password_hash, created_at;
};

// One reader's grading of one exam. Several readers read the same exam apart; a
// consensus reading reconciles some of them (`sources`). The exam's main reading is
// the one exports and analyses use (Exam::reader of all_exams()).
struct Reading {
  std::string exam_id, reader;
  std::string kind = "reading";           // "reading" or "consensus"
  std::vector<SiteGrading> gradings;
  std::vector<std::string> sources;       // consensus: the readers it reconciles
  std::optional<ClinicalMeasures> clinical;  // the reading's own, where it differs from the exam's
  std::int64_t revision = 0;              // this reading's own revision
  std::string updated_at, updated_by;
  bool main = false;                      // the exam's main reading
};

// A reader's worklist entry. Blinded: nothing about other readers' readings.
struct WorklistItem {
  std::string exam_id, patient_id, date, timepoint;
  bool read = false;                  // this reader has a reading of the exam
  int graded_sites = 0;               // in this reader's reading
  std::int64_t reading_revision = 0;  // 0 when the reader has no reading yet
  std::vector<std::string> other_readers;  // empty when blinded
};

// What one reader sees of one exam.
struct ReaderView {
  Exam exam;                          // patient, clinical and this reader's gradings (exam.reader = reader)
  std::int64_t exam_revision = 0;
  std::int64_t reading_revision = 0;  // 0: no reading yet (save with expected revision 0)
  std::vector<Reading> other_readings;   // empty when blinded
  std::vector<ExamSummary> prior_exams;  // the patient's earlier exams; empty when blinded
};

// A login session: the token goes to the client once; the store keeps only its hash.
struct Session {
  std::string token, user, role;
  std::int64_t expires_at = 0;  // seconds since 1970, UTC
};

// What an export carries beside the exam documents (docs/store.md): which reading is
// an exam's main one and what a consensus reading reconciles.
struct ImportExtras {
  std::map<std::string, std::string> main_reader;  // exam id -> reader
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> consensus_sources;  // (exam, reader) -> readers
};

struct OpenOptions {
  int target_version = -1;            // -1: the latest schema (tests open older ones)
  bool backup_before_upgrade = true;  // SQLite: copy the file before migrating
  bool create = true;                 // false: an SQLite file that does not exist is an error
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
  // The patient's exams dated before `date` (YYYY-MM-DD), in import order.
  std::vector<ExamSummary> prior_exams(const std::string& patient_id, const std::string& date);
  std::optional<ExamRecord> find_exam(const std::string& id);
  std::vector<Exam> all_exams();  // in import order
  std::vector<Patient> patients();
  // All or nothing: throws InputError naming every problem (nothing written), else
  // stores every exam in one transaction. Several entries with one exam id are that
  // exam's readings by different readers (they must agree on patient, date and
  // timepoint; clinical measures that differ from the main reading's are kept with the
  // reading); a reading by a new reader of a stored exam is added to it; a reading
  // already stored is an error. A new exam's main reading is the one `extras` names,
  // else the "consensus" reading, else the first.
  void import_exams(const std::vector<Exam>& exams, const std::string& actor);
  void import_exams(const std::vector<Exam>& exams, const std::string& actor, const ImportExtras& extras);
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

  // Readings (issue 7): one per reader per exam, each with its own revision. A change
  // to the main reading also bumps the exam's revision. Every change is audited.
  std::optional<Reading> find_reading(const std::string& exam_id, const std::string& reader);
  std::vector<Reading> readings(const std::string& exam_id);  // main first, then by reader
  std::vector<Reading> readings();  // of every exam, exams in import order
  // Creates (expected_revision 0) or replaces a reader's whole reading.
  std::int64_t save_reading(const std::string& exam_id, const std::string& reader,
                            const std::vector<SiteGrading>& gradings, std::int64_t expected_revision,
                            const std::string& actor);
  // One site of a reader's reading; expected_revision 0 starts the reading.
  std::int64_t put_reading_grading(const std::string& exam_id, const std::string& reader, const SiteGrading& grading,
                                   std::int64_t expected_revision, const std::string& actor);
  std::int64_t delete_reading_grading(const std::string& exam_id, const std::string& reader, const std::string& site,
                                      std::int64_t expected_revision, const std::string& actor);
  // A consensus reading by `reader` (e.g. "consensus") reconciling the readings of
  // `sources` (stored readers of this exam, at least two).
  std::int64_t save_consensus(const std::string& exam_id, const std::string& reader,
                              const std::vector<SiteGrading>& gradings, const std::vector<std::string>& sources,
                              std::int64_t expected_revision, const std::string& actor);
  // Makes `reader`'s reading the exam's main one; checks and returns the exam revision.
  std::int64_t set_main_reader(const std::string& exam_id, const std::string& reader,
                               std::int64_t expected_exam_revision, const std::string& actor);
  // Every reading of every exam as an exam (patient from the exam; clinical measures the
  // reading's own where it has them, else the exam's), exams in import order, each
  // exam's main reading first: agreement analyses, export.
  std::vector<Exam> all_readings();
  // Changes whenever all_readings() would: every exam's and reading's id, reader and
  // revision (every write of a reading or an exam bumps its revision; new and removed
  // ones add and remove rows). Cheap next to loading the readings.
  std::string readings_version();
  // Blinded: a reader sees only their own reading, no other readers and no prior exams,
  // and (unless `show_clinical`) no clinical measures, as in docs/readers.md.
  std::vector<WorklistItem> worklist(const std::string& reader, bool blinded);
  std::optional<ReaderView> reader_view(const std::string& exam_id, const std::string& reader, bool blinded,
                                        bool show_clinical = false);

  // Accounts and sessions (crmo serve), src/store/accounts.cpp. Passwords are kept as
  // libsodium argon2id hashes; session tokens are random and kept hashed.
  static bool valid_role(const std::string& role);  // admin, reader, researcher
  // Throws std::invalid_argument for a bad name, role or password, std::runtime_error
  // when the name is taken.
  void create_user(const std::string& name, const std::string& role, const std::string& password);
  void set_password(const std::string& name, const std::string& password);
  // The user when the password is right; nullopt for an unknown name or a wrong password.
  std::optional<User> authenticate(const std::string& name, const std::string& password);
  Session start_session(const std::string& user, std::int64_t lifetime_seconds);
  // The session's user (with role) while the token is valid and not expired.
  std::optional<User> user_for_token(const std::string& token);
  std::optional<User> user_for_token(const std::string& token, std::int64_t now);
  void end_session(const std::string& token);

  // Low level: the caller hashes.
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
  std::int64_t bump_revision(const std::string& exam_id, std::int64_t expected, const std::string& actor,
                             const std::string& now);
  void insert_exam(const Exam& exam, std::int64_t position, const std::string& actor, const std::string& now);
  void insert_grading(const std::string& exam_id, const std::string& reader, const SiteGrading& g, std::int64_t position);
  void write_audit(const std::string& now, const std::string& actor, const std::string& action,
                   const std::string& entity, const std::string& entity_id,
                   const std::optional<std::string>& before, const std::optional<std::string>& after,
                   const std::string& reader = "");
  std::vector<ExamSummary> summaries(const std::string& where, const Params& params);
  // Readings (readings.cpp): starts or bumps a reader's reading (the exam's revision too
  // when it is the main one) and returns its new revision. `kind` empty: any kind.
  std::int64_t change_reading(const std::string& exam_id, const std::string& reader, const std::string& kind,
                              std::int64_t expected, const std::string& actor, const std::string& now);
  std::vector<SiteGrading> gradings_of(const std::string& exam_id, const std::string& reader);
  std::int64_t change_site(const std::string& exam_id, const std::string& reader, const SiteGrading* grading,
                           const std::string& site, const std::string& actor, const std::string& now);
  void insert_reading(const Exam& reading, const std::string& kind, const std::string& actor, const std::string& now);
  // Grades (grading) or ungrades (nullptr) a site of the exam's main reading, under the
  // exam's revision; returns the exam's new revision.
  std::int64_t change_main_site(const std::string& exam_id, const SiteGrading* grading, const std::string& site,
                                std::int64_t expected, const std::string& actor);

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
std::int64_t unix_now();

// Password hashing (libsodium crypto_pwhash_str, argon2id).
std::string hash_password(const std::string& password);
bool password_matches(const std::string& hash, const std::string& password);

}  // namespace crmo::store
