#include "store/connection.hpp"

#include <cctype>
#include <filesystem>

#include "formats/input_error.hpp"

namespace crmo::store {

Value opt(const std::optional<std::string>& v) { return v ? Value(*v) : Value(); }
// -0.0 is stored as 0.0: SQLite keeps integral REALs as integers and drops the sign,
// PostgreSQL keeps it; one value on both backends (they compare equal anyway).
Value opt(const std::optional<double>& v) { return v ? Value(*v == 0 ? 0.0 : *v) : Value(); }
Value opt(const std::optional<bool>& v) { return v ? Value(std::int64_t(*v ? 1 : 0)) : Value(); }

bool is_postgresql_url(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::unique_ptr<Connection> connect(const std::string& location) { return connect(location, true); }

std::unique_ptr<Connection> connect(const std::string& location, bool create) {
  static const char* kExpected = "expected an SQLite file path (default crmo.db) or postgresql://user@host:port/database";
  if (location.empty()) throw InputError("--db", std::string("is empty: ") + kExpected);
  if (is_postgresql_url(location)) return connect_postgresql(location);
  auto scheme = location.find("://");
  if (scheme != std::string::npos) {
    bool word = scheme > 0;
    for (std::size_t i = 0; i < scheme; ++i)
      word = word && (std::isalnum(static_cast<unsigned char>(location[i])) || location[i] == '+');
    if (word)
      throw InputError("--db", location.substr(0, scheme) + "://...: this kind of database is not supported; " +
                                   kExpected);
  }
  std::error_code ec;
  if (std::filesystem::is_directory(location, ec))
    throw InputError("--db", location + " is a folder; " + kExpected);
  return connect_sqlite(location, create);
}

std::vector<std::string> named_parameters(const std::string& sql, std::string* numbered) {
  std::vector<std::string> names;
  std::string out;
  std::size_t i = 0;
  const std::size_t n = sql.size();
  while (i < n) {
    char c = sql[i];
    if (c == '\'' || c == '"') {  // quoted text or identifier: copy as is
      std::size_t j = i + 1;
      while (j < n && sql[j] != c) ++j;
      out.append(sql, i, j + 1 - i);
      i = j + 1;
      continue;
    }
    if (c == '-' && i + 1 < n && sql[i + 1] == '-') {  // comment to end of line
      std::size_t j = sql.find('\n', i);
      if (j == std::string::npos) j = n;
      out.append(sql, i, j - i);
      i = j;
      continue;
    }
    if (c == ':' && i + 1 < n && sql[i + 1] == ':') {  // a cast
      out += "::";
      i += 2;
      continue;
    }
    if (c == ':' && i + 1 < n && (std::isalpha(static_cast<unsigned char>(sql[i + 1])) || sql[i + 1] == '_')) {
      std::size_t j = i + 1;
      while (j < n && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_')) ++j;
      std::string name = sql.substr(i + 1, j - i - 1);
      std::size_t k = 0;
      while (k < names.size() && names[k] != name) ++k;
      if (k == names.size()) names.push_back(name);
      out += '$';
      out += std::to_string(k + 1);
      i = j;
      continue;
    }
    out += c;
    ++i;
  }
  if (numbered) *numbered = std::move(out);
  return names;
}

}  // namespace crmo::store
