#pragma once
// A database connection as the store sees it: SQL text with named parameters
// (":name"), rows of text values. One implementation per backend (SQLite, PostgreSQL);
// everything above it (schema, migrations, the store) is shared.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace crmo::store {

enum class Backend { SQLite, PostgreSQL };

// A parameter value: NULL, integer, floating point or text.
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;
using Params = std::vector<std::pair<std::string, Value>>;  // {":name" without colon, value}

Value opt(const std::optional<std::string>& v);
Value opt(const std::optional<double>& v);
Value opt(const std::optional<bool>& v);

// A result: column names and rows; a NULL cell is nullopt. Floating point cells are
// written in their shortest exact form so that doubles survive a round trip.
struct Rows {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
  bool empty() const { return rows.empty(); }
  std::size_t size() const { return rows.size(); }
};

class DatabaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Backend backend() const = 0;
  // Runs one statement; returns its rows (if any). `changed` receives the rows changed.
  virtual Rows query(const std::string& sql, const Params& params = {}, std::int64_t* changed = nullptr) = 0;
  // Runs a script of several statements without parameters (schema files).
  virtual void script(const std::string& sql) = 0;
  // A write transaction: SQLite takes its write lock at once (BEGIN IMMEDIATE).
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  // Where the data lives: a file path (SQLite) or the URL without its password.
  virtual std::string location() const = 0;
};

// "postgresql://..." or "postgres://..." opens PostgreSQL; a path opens an SQLite file
// (created when missing unless `create` is false). Any other "scheme://", an empty
// string, a folder, a missing file (create false) or a file that is not SQLite is bad
// input: crmo::InputError placed at "--db", saying what is expected (the CLI exits 2).
// A server that cannot be reached is a DatabaseError.
std::unique_ptr<Connection> connect(const std::string& location);
std::unique_ptr<Connection> connect(const std::string& location, bool create);
std::unique_ptr<Connection> connect_sqlite(const std::string& path);
std::unique_ptr<Connection> connect_sqlite(const std::string& path, bool create);
std::unique_ptr<Connection> connect_postgresql(const std::string& url);
bool is_postgresql_url(const std::string& location);

// Named parameters in SQL text, in order of first appearance (":name"; "::" and quoted
// text are left alone). `numbered` receives the SQL with "$1", "$2"... (PostgreSQL).
std::vector<std::string> named_parameters(const std::string& sql, std::string* numbered = nullptr);

// Runs `fn` inside a transaction; rolls back on any exception and rethrows.
template <class F>
auto in_transaction(Connection& c, F&& fn) -> decltype(fn()) {
  c.begin();
  try {
    if constexpr (std::is_void_v<decltype(fn())>) {
      fn();
      c.commit();
    } else {
      auto r = fn();
      c.commit();
      return r;
    }
  } catch (...) {
    try { c.rollback(); } catch (...) {}
    throw;
  }
}

}  // namespace crmo::store
