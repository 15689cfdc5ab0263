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

namespace crmo::resources {
std::span<const Entry> store_sql();
}

namespace crmo::store {

namespace {

using json = nlohmann::json;
using Row = std::vector<std::optional<std::string>>;

// Column access by name.
struct Cols {
  std::map<std::string, std::size_t> index;
  explicit Cols(const std::vector<std::string>& names) {
    for (std::size_t i = 0; i < names.size(); ++i) index[names[i]] = i;
  }
  const std::optional<std::string>& at(const Row& r, const std::string& name) const { return r.at(index.at(name)); }
  std::string text(const Row& r, const std::string& name) const { return at(r, name).value_or(""); }
  std::optional<double> number(const Row& r, const std::string& name) const {
    const auto& v = at(r, name);
    if (!v) return std::nullopt;
    return std::stod(*v);
  }
  std::optional<bool> flag(const Row& r, const std::string& name) const {
    const auto& v = at(r, name);
    if (!v) return std::nullopt;
    return *v != "0" && *v != "f" && *v != "false";
  }
  std::int64_t integer(const Row& r, const std::string& name) const { return std::stoll(at(r, name).value()); }
};

const char* kExamColumns =
    "id, patient_id, exam_date, timepoint, reader, pga, pain, patient_global, chaq, esr, crp, "
    "clinical_severity, fever, normal_blood_count, marginal_sclerosis, biopsy, symptomatic_sites, "
    "revision, updated_at, updated_by";

Params clinical_params(const ClinicalMeasures& c) {
  return {{"pga", opt(c.pga)},
          {"pain", opt(c.pain)},
          {"patient_global", opt(c.patient_global)},
          {"chaq", opt(c.chaq)},
          {"esr", opt(c.esr)},
          {"crp", opt(c.crp)},
          {"clinical_severity", opt(c.clinical_severity)},
          {"fever", opt(c.fever)},
          {"normal_blood_count", opt(c.normal_blood_count)},
          {"marginal_sclerosis", opt(c.marginal_sclerosis)},
          {"biopsy", opt(c.biopsy)},
          {"symptomatic_sites", json(c.symptomatic_sites).dump()}};
}

ClinicalMeasures read_clinical(const Cols& c, const Row& r) {
  ClinicalMeasures m;
  m.pga = c.number(r, "pga");
  m.pain = c.number(r, "pain");
  m.patient_global = c.number(r, "patient_global");
  m.chaq = c.number(r, "chaq");
  m.esr = c.number(r, "esr");
  m.crp = c.number(r, "crp");
  m.clinical_severity = c.number(r, "clinical_severity");
  m.fever = c.flag(r, "fever");
  m.normal_blood_count = c.flag(r, "normal_blood_count");
  m.marginal_sclerosis = c.flag(r, "marginal_sclerosis");
  m.biopsy = c.at(r, "biopsy");
  m.symptomatic_sites = json::parse(c.text(r, "symptomatic_sites")).get<std::vector<std::string>>();
  return m;
}

SiteGrading read_grading(const Cols& c, const Row& r) {
  SiteGrading g;
  g.site = c.text(r, "site");
  g.grades = json::parse(c.text(r, "grades")).get<std::map<std::string, int>>();
  g.physis = c.at(r, "physis");
  g.symptomatic = c.flag(r, "symptomatic");
  g.lesion = c.at(r, "lesion");
  g.max_diameter_mm = c.number(r, "max_diameter_mm");
  g.volume_ml = c.number(r, "volume_ml");
  g.si_ratio = c.number(r, "si_ratio");
  return g;
}

std::string grading_json(const SiteGrading& g) {
  Exam e;
  e.lesions.push_back(g);
  return exam_to_json(e)["lesions"][0].dump();
}

std::string clinical_json(const ClinicalMeasures& c) {
  Exam e;
  e.clinical = c;
  auto doc = exam_to_json(e);
  return doc.contains("clinical") ? doc["clinical"].dump() : "{}";
}

}  // namespace

ConflictError::ConflictError(const std::string& id, std::int64_t exp, std::int64_t cur)
    : std::runtime_error(fmt::format(
          "exam {} was changed by someone else (revision {} is now {}): reload it and make your change again",
          id, exp, cur)),
      exam_id(id), expected(exp), current(cur) {}

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
  return std::make_unique<Store>(connect(location), options);
}

Store::Store(std::unique_ptr<Connection> connection, OpenOptions options) : db_(std::move(connection)) {
  migrate(options);
}

int Store::schema_version() {
  auto l = lock();
  auto r = db_->query("SELECT MAX(version) AS v FROM crmo_schema");
  return r.empty() || !r.rows[0][0] ? 0 : std::stoi(*r.rows[0][0]);
}

void Store::migrate(const OpenOptions& options) {
  auto l = lock();
  db_->script("CREATE TABLE IF NOT EXISTS crmo_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
  const auto all = migrations();
  const int target = options.target_version < 0 ? static_cast<int>(all.size()) : options.target_version;
  int current = schema_version();
  if (current > static_cast<int>(all.size()))
    throw DatabaseError(fmt::format("the database {} has schema {}, newer than this crmo knows ({}): use a newer crmo",
                                    db_->location(), current, all.size()));
  if (current >= target) return;
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
      db_->script(sql_for(db_->backend(), m.sql));
      db_->query("INSERT INTO crmo_schema (version, name, applied_at) VALUES (:v, :name, :at)",
                 {{"v", std::int64_t(m.version)}, {"name", m.name}, {"at", utc_now_iso()}});
    });
  }
}

// ---- exams ----

std::vector<ExamSummary> Store::list_exams() {
  auto l = lock();
  auto r = db_->query(
      "SELECT e.id, e.patient_id, e.exam_date, e.timepoint, e.reader, e.revision, e.updated_at, "
      "(SELECT COUNT(*) FROM site_gradings g WHERE g.exam_id = e.id AND g.reader = e.reader) AS graded "
      "FROM exams e ORDER BY e.position");
  Cols c(r.columns);
  std::vector<ExamSummary> out;
  for (const auto& row : r.rows)
    out.push_back({c.text(row, "id"), c.text(row, "patient_id"), c.text(row, "exam_date"), c.text(row, "timepoint"),
                   c.text(row, "reader"), c.integer(row, "revision"), static_cast<int>(c.integer(row, "graded")),
                   c.text(row, "updated_at")});
  return out;
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
  return out;
}

namespace {

std::vector<Exam> exams_from(Connection& db, const std::optional<std::string>& only,
                             std::vector<std::int64_t>* revisions, std::vector<std::string>* updated) {
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
    if (revisions) revisions->push_back(c.integer(row, "revision"));
    if (updated) {
      updated->push_back(c.text(row, "updated_at"));
      updated->push_back(c.text(row, "updated_by"));
    }
    by_id[e.id] = out.size();
    out.push_back(std::move(e));
  }
  auto g = db.query(
      std::string("SELECT g.exam_id, g.site, g.grades, g.physis, g.symptomatic, g.lesion, g.max_diameter_mm, "
                  "g.volume_ml, g.si_ratio FROM site_gradings g JOIN exams e ON e.id = g.exam_id AND e.reader = g.reader") +
          where + " ORDER BY g.exam_id, g.position",
      p);
  Cols gc(g.columns);
  for (const auto& row : g.rows) {
    auto it = by_id.find(gc.text(row, "exam_id"));
    if (it != by_id.end()) out[it->second].lesions.push_back(read_grading(gc, row));
  }
  return out;
}

}  // namespace

std::optional<ExamRecord> Store::find_exam(const std::string& id) {
  auto l = lock();
  std::vector<std::int64_t> revs;
  std::vector<std::string> updated;
  auto exams = exams_from(*db_, id, &revs, &updated);
  if (exams.empty()) return std::nullopt;
  return ExamRecord{std::move(exams[0]), revs[0], updated[0], updated[1]};
}

std::vector<Exam> Store::all_exams() {
  auto l = lock();
  return exams_from(*db_, std::nullopt, nullptr, nullptr);
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
  db_->query("INSERT INTO readings (exam_id, reader) VALUES (:id, :reader)", {{"id", e.id}, {"reader", e.reader}});
  for (std::size_t i = 0; i < e.lesions.size(); ++i)
    insert_grading(e.id, e.reader, e.lesions[i], static_cast<std::int64_t>(i));
}

void Store::insert_grading(const std::string& exam_id, const std::string& reader, const SiteGrading& g,
                           std::int64_t position) {
  db_->query(
      "INSERT INTO site_gradings (exam_id, reader, site, position, grades, physis, symptomatic, lesion, "
      "max_diameter_mm, volume_ml, si_ratio) VALUES (:exam_id, :reader, :site, :position, :grades, :physis, "
      ":symptomatic, :lesion, :max_diameter_mm, :volume_ml, :si_ratio)",
      {{"exam_id", exam_id},
       {"reader", reader},
       {"site", g.site},
       {"position", position},
       {"grades", json(g.grades).dump()},
       {"physis", opt(g.physis)},
       {"symptomatic", opt(g.symptomatic)},
       {"lesion", opt(g.lesion)},
       {"max_diameter_mm", opt(g.max_diameter_mm)},
       {"volume_ml", opt(g.volume_ml)},
       {"si_ratio", opt(g.si_ratio)}});
}

void Store::write_audit(const std::string& now, const std::string& actor, const std::string& action,
                        const std::string& entity, const std::string& entity_id,
                        const std::optional<std::string>& before, const std::optional<std::string>& after) {
  db_->query(
      "INSERT INTO audit (changed_at, actor, action, entity, entity_id, before_json, after_json) "
      "VALUES (:at, :actor, :action, :entity, :entity_id, :before, :after)",
      {{"at", now},
       {"actor", actor},
       {"action", action},
       {"entity", entity},
       {"entity_id", entity_id},
       {"before", opt(before)},
       {"after", opt(after)}});
}

void Store::import_exams(const std::vector<Exam>& exams, const std::string& actor) {
  auto l = lock();
  in_transaction(*db_, [&] {
    std::vector<InputProblem> problems;
    for (const auto& e : exams) {
      auto r = db_->query("SELECT 1 FROM exams WHERE id = :id", {{"id", e.id}});
      if (!r.empty()) problems.push_back({"exam " + e.id, "already in the database: nothing was imported"});
    }
    // A patient already stored must agree with the imported record.
    for (const auto& e : exams) {
      auto r = db_->query("SELECT sex, birth_date, age_years FROM patients WHERE id = :id", {{"id", e.patient.id}});
      if (r.empty()) continue;
      Cols c(r.columns);
      Patient p;
      p.sex = c.at(r.rows[0], "sex");
      if (auto b = c.at(r.rows[0], "birth_date")) p.birth_date = parse_date(*b);
      p.age_years = c.number(r.rows[0], "age_years");
      if (p.sex != e.patient.sex || p.birth_date != e.patient.birth_date || p.age_years != e.patient.age_years)
        problems.push_back({"exam " + e.id, "patient " + e.patient.id +
                                                " is stored with a different sex, birth date or age: nothing was imported"});
    }
    throw_if_any(std::move(problems));
    auto pos = db_->query("SELECT COALESCE(MAX(position), -1) AS p FROM exams");
    std::int64_t next = std::stoll(pos.rows[0][0].value_or("-1")) + 1;
    const std::string now = utc_now_iso();
    for (const auto& e : exams) {
      db_->query(
          "INSERT INTO patients (id, sex, birth_date, age_years) VALUES (:id, :sex, :birth_date, :age_years) "
          "ON CONFLICT (id) DO NOTHING",
          {{"id", e.patient.id},
           {"sex", opt(e.patient.sex)},
           {"birth_date", e.patient.birth_date ? Value(e.patient.birth_date->iso()) : Value()},
           {"age_years", opt(e.patient.age_years)}});
      insert_exam(e, next++, actor, now);
      write_audit(now, actor, "import", "exam", e.id, std::nullopt, exam_to_json(e).dump());
    }
  });
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

std::int64_t Store::put_grading(const std::string& exam_id, const SiteGrading& grading, std::int64_t expected,
                                const std::string& actor) {
  auto l = lock();
  return in_transaction(*db_, [&] {
    const std::string now = utc_now_iso();
    std::int64_t rev = bump_revision(exam_id, expected, actor, now);
    auto r = db_->query(
        "SELECT g.site, g.grades, g.physis, g.symptomatic, g.lesion, g.max_diameter_mm, g.volume_ml, g.si_ratio, "
        "g.position, e.reader FROM exams e LEFT JOIN site_gradings g ON g.exam_id = e.id AND g.reader = e.reader "
        "AND g.site = :site WHERE e.id = :id",
        {{"id", exam_id}, {"site", grading.site}});
    Cols c(r.columns);
    const std::string reader = c.text(r.rows.at(0), "reader");
    std::optional<std::string> before;
    if (c.at(r.rows[0], "site")) {
      before = grading_json(read_grading(c, r.rows[0]));
      std::int64_t position = c.integer(r.rows[0], "position");
      db_->query("DELETE FROM site_gradings WHERE exam_id = :id AND reader = :reader AND site = :site",
                 {{"id", exam_id}, {"reader", reader}, {"site", grading.site}});
      insert_grading(exam_id, reader, grading, position);
    } else {
      auto p = db_->query("SELECT COALESCE(MAX(position), -1) AS p FROM site_gradings WHERE exam_id = :id AND reader = :reader",
                          {{"id", exam_id}, {"reader", reader}});
      insert_grading(exam_id, reader, grading, std::stoll(p.rows[0][0].value_or("-1")) + 1);
    }
    write_audit(now, actor, "grade", "site_grading", exam_id + "/" + grading.site, before, grading_json(grading));
    return rev;
  });
}

std::int64_t Store::delete_grading(const std::string& exam_id, const std::string& site, std::int64_t expected,
                                   const std::string& actor) {
  auto l = lock();
  return in_transaction(*db_, [&] {
    const std::string now = utc_now_iso();
    std::int64_t rev = bump_revision(exam_id, expected, actor, now);
    auto r = db_->query(
        "SELECT g.site, g.grades, g.physis, g.symptomatic, g.lesion, g.max_diameter_mm, g.volume_ml, g.si_ratio "
        "FROM site_gradings g JOIN exams e ON e.id = g.exam_id AND e.reader = g.reader "
        "WHERE g.exam_id = :id AND g.site = :site",
        {{"id", exam_id}, {"site", site}});
    if (r.empty()) throw NotFoundError("exam " + exam_id + " has no grading on " + site);
    Cols c(r.columns);
    std::string before = grading_json(read_grading(c, r.rows[0]));
    db_->query("DELETE FROM site_gradings WHERE exam_id = :id AND site = :site AND reader = "
               "(SELECT reader FROM exams WHERE id = :id)",
               {{"id", exam_id}, {"site", site}});
    write_audit(now, actor, "ungrade", "site_grading", exam_id + "/" + site, before, std::nullopt);
    return rev;
  });
}

std::int64_t Store::put_clinical(const std::string& exam_id, const ClinicalMeasures& clinical, std::int64_t expected,
                                 const std::string& actor) {
  auto l = lock();
  return in_transaction(*db_, [&] {
    const std::string now = utc_now_iso();
    std::int64_t rev = bump_revision(exam_id, expected, actor, now);
    auto r = db_->query(std::string("SELECT ") + kExamColumns + " FROM exams WHERE id = :id", {{"id", exam_id}});
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
  if (entity_id) {
    where = " WHERE entity_id = :entity_id OR entity_id LIKE :prefix";
    p.push_back({"entity_id", *entity_id});
    p.push_back({"prefix", *entity_id + "/%"});
  }
  auto r = db_->query("SELECT id, changed_at, actor, action, entity, entity_id, before_json, after_json FROM audit" +
                          where + " ORDER BY id DESC LIMIT :limit",
                      p);
  Cols c(r.columns);
  std::vector<AuditRecord> out;
  for (const auto& row : r.rows)
    out.push_back({c.integer(row, "id"), c.text(row, "changed_at"), c.text(row, "actor"), c.text(row, "action"),
                   c.text(row, "entity"), c.text(row, "entity_id"), c.at(row, "before_json"), c.at(row, "after_json")});
  return out;
}

// ---- accounts ----

void Store::add_user(const User& u) {
  auto l = lock();
  in_transaction(*db_, [&] {
    if (!db_->query("SELECT 1 FROM users WHERE name = :name", {{"name", u.name}}).empty())
      throw std::runtime_error("a user named " + u.name + " already exists");
    db_->query("INSERT INTO users (name, role, password_hash, created_at) VALUES (:name, :role, :hash, :at)",
               {{"name", u.name}, {"role", u.role}, {"hash", u.password_hash}, {"at", utc_now_iso()}});
  });
}

std::optional<User> Store::find_user(const std::string& name) {
  auto l = lock();
  auto r = db_->query("SELECT name, role, password_hash, created_at FROM users WHERE name = :name", {{"name", name}});
  if (r.empty()) return std::nullopt;
  const auto& row = r.rows[0];
  return User{row[0].value_or(""), row[1].value_or(""), row[2].value_or(""), row[3].value_or("")};
}

std::vector<User> Store::users() {
  auto l = lock();
  auto r = db_->query("SELECT name, role, created_at FROM users ORDER BY name");
  std::vector<User> out;
  for (const auto& row : r.rows) out.push_back(User{row[0].value_or(""), row[1].value_or(""), "", row[2].value_or("")});
  return out;
}

void Store::add_session(const std::string& token_hash, const std::string& user, std::int64_t expires_at) {
  auto l = lock();
  in_transaction(*db_, [&] {
    db_->query("DELETE FROM sessions WHERE expires_at < :now",
               {{"now", std::int64_t(std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count())}});
    db_->query("INSERT INTO sessions (token_hash, user_name, expires_at) VALUES (:t, :u, :e)",
               {{"t", token_hash}, {"u", user}, {"e", expires_at}});
  });
}

std::optional<User> Store::session_user(const std::string& token_hash, std::int64_t now) {
  auto l = lock();
  auto r = db_->query(
      "SELECT u.name, u.role FROM sessions s JOIN users u ON u.name = s.user_name "
      "WHERE s.token_hash = :t AND s.expires_at > :now",
      {{"t", token_hash}, {"now", now}});
  if (r.empty()) return std::nullopt;
  return User{r.rows[0][0].value_or(""), r.rows[0][1].value_or(""), "", ""};
}

void Store::delete_session(const std::string& token_hash) {
  auto l = lock();
  db_->query("DELETE FROM sessions WHERE token_hash = :t", {{"t", token_hash}});
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
