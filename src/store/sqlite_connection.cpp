// The SQLite backend: one file, WAL journal, full sync, foreign keys on.
#include <sqlite3.h>

#include <filesystem>

#include <fmt/format.h>

#include "formats/input_error.hpp"
#include "store/connection.hpp"

namespace crmo::store {

namespace {

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(std::string path, bool create) : path_(std::move(path)) {
    std::error_code ec;
    const bool exists = path_ == ":memory:" || std::filesystem::exists(path_, ec);
    if (!exists && !create)
      throw InputError("--db", "no database " + path_ + " (crmo import creates one; or give --db)");
    if (!exists) {
      auto parent = std::filesystem::path(path_).parent_path();
      if (!parent.empty() && !std::filesystem::is_directory(parent, ec))
        throw InputError("--db", "cannot create the SQLite database " + path_ + ": the folder " + parent.string() +
                                     " does not exist");
    }
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      db_ = nullptr;
      throw DatabaseError("cannot open SQLite database " + path_ + ": " + msg);
    }
    sqlite3_busy_timeout(db_, 10000);
    try {
      // The first statement reads the file: a file that is not SQLite fails here.
      script("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
    } catch (const DatabaseError& e) {
      sqlite3_close(db_);
      db_ = nullptr;
      throw InputError("--db", "cannot open " + path_ + " as an SQLite database (" + e.what() +
                                   "): expected a crmo database file or a postgresql:// URL");
    }
  }
  ~SqliteConnection() override {
    for (auto& [sql, st] : cache_) sqlite3_finalize(st);
    sqlite3_close(db_);
  }

  Backend backend() const override { return Backend::SQLite; }
  std::string location() const override { return path_; }

  Rows query(const std::string& sql, const Params& params, std::int64_t* changed) override {
    sqlite3_stmt* st = prepare(sql);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    for (const auto& [name, value] : params) {
      int idx = sqlite3_bind_parameter_index(st, (":" + name).c_str());
      if (idx == 0) continue;  // not used by this statement
      int rc = std::visit(
          [&](const auto& v) -> int {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) return sqlite3_bind_null(st, idx);
            else if constexpr (std::is_same_v<T, std::int64_t>) return sqlite3_bind_int64(st, idx, v);
            else if constexpr (std::is_same_v<T, double>) return sqlite3_bind_double(st, idx, v);
            else return sqlite3_bind_text(st, idx, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
          },
          value);
      if (rc != SQLITE_OK) fail("binding :" + name, sql);
    }
    Rows out;
    int ncol = sqlite3_column_count(st);
    for (int c = 0; c < ncol; ++c) out.columns.emplace_back(sqlite3_column_name(st, c));
    for (;;) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        std::string msg = sqlite3_errmsg(db_);
        sqlite3_reset(st);
        throw DatabaseError("SQLite: " + msg + " in: " + sql.substr(0, 200));
      }
      std::vector<std::optional<std::string>> row;
      for (int c = 0; c < ncol; ++c) {
        switch (sqlite3_column_type(st, c)) {
          case SQLITE_NULL: row.emplace_back(std::nullopt); break;
          case SQLITE_FLOAT: row.emplace_back(fmt::format("{}", sqlite3_column_double(st, c))); break;
          default: {
            const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
            row.emplace_back(std::string(t, static_cast<std::size_t>(sqlite3_column_bytes(st, c))));
          }
        }
      }
      out.rows.push_back(std::move(row));
    }
    if (changed) *changed = sqlite3_changes64(db_);
    sqlite3_reset(st);
    return out;
  }

  void script(const std::string& sql) override {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      throw DatabaseError("SQLite: " + msg);
    }
  }
  void begin() override { script("BEGIN IMMEDIATE"); }
  void commit() override { script("COMMIT"); }
  void rollback() override { script("ROLLBACK"); }

 private:
  sqlite3_stmt* prepare(const std::string& sql) {
    auto it = cache_.begin();
    for (; it != cache_.end(); ++it)
      if (it->first == sql) return it->second;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &st, nullptr) != SQLITE_OK)
      fail("preparing", sql);
    cache_.emplace_back(sql, st);
    return st;
  }
  [[noreturn]] void fail(const std::string& what, const std::string& sql) {
    throw DatabaseError(fmt::format("SQLite: {} failed: {} in: {}", what, sqlite3_errmsg(db_), sql.substr(0, 200)));
  }

  std::string path_;
  sqlite3* db_ = nullptr;
  std::vector<std::pair<std::string, sqlite3_stmt*>> cache_;
};

}  // namespace

std::unique_ptr<Connection> connect_sqlite(const std::string& path) { return connect_sqlite(path, true); }

std::unique_ptr<Connection> connect_sqlite(const std::string& path, bool create) {
  return std::make_unique<SqliteConnection>(path, create);
}

}  // namespace crmo::store
