// The PostgreSQL backend through libpq: text parameters whose types the server infers
// from the statement, so the same SQL text serves SQLite and PostgreSQL.
#include <libpq-fe.h>

#include <fmt/format.h>

#include "store/connection.hpp"

namespace crmo::store {

namespace {

std::string without_password(const std::string& url) {
  // postgresql://user:secret@host/db -> postgresql://user@host/db
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  auto at = url.find('@', scheme_end + 3);
  if (at == std::string::npos) return url;
  auto colon = url.find(':', scheme_end + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + url.substr(at);
}

class PgConnection final : public Connection {
 public:
  explicit PgConnection(const std::string& url) : location_(without_password(url)) {
    // A server that does not answer fails within 10 s unless the URL says otherwise
    // (parameters expanded from the URL override the ones before it).
    const char* keys[] = {"connect_timeout", "dbname", nullptr};
    const char* values[] = {"10", url.c_str(), nullptr};
    conn_ = PQconnectdbParams(keys, values, 1);
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string msg = PQerrorMessage(conn_);
      PQfinish(conn_);
      conn_ = nullptr;
      throw DatabaseError("cannot connect to PostgreSQL " + location_ + ": " + msg);
    }
    script("SET client_min_messages = warning; SET extra_float_digits = 1");
  }
  ~PgConnection() override { PQfinish(conn_); }

  Backend backend() const override { return Backend::PostgreSQL; }
  std::string location() const override { return location_; }

  Rows query(const std::string& sql, const Params& params, std::int64_t* changed) override {
    reconnect_if_lost();
    std::string numbered;
    auto names = named_parameters(sql, &numbered);
    std::vector<std::optional<std::string>> texts(names.size());
    std::vector<bool> found(names.size(), false);
    for (const auto& [name, value] : params) {
      for (std::size_t k = 0; k < names.size(); ++k) {
        if (names[k] != name) continue;
        found[k] = true;
        texts[k] = std::visit(
            [](const auto& v) -> std::optional<std::string> {
              using T = std::decay_t<decltype(v)>;
              if constexpr (std::is_same_v<T, std::monostate>) return std::nullopt;
              else if constexpr (std::is_same_v<T, std::string>) return v;
              else return fmt::format("{}", v);
            },
            value);
      }
    }
    for (std::size_t k = 0; k < names.size(); ++k)
      if (!found[k]) throw DatabaseError("no value for parameter :" + names[k] + " in: " + sql.substr(0, 200));
    std::vector<const char*> ptrs;
    for (const auto& t : texts) ptrs.push_back(t ? t->c_str() : nullptr);
    PGresult* res = PQexecParams(conn_, numbered.c_str(), static_cast<int>(ptrs.size()), nullptr, ptrs.data(),
                                 nullptr, nullptr, 0);
    Guard g{res};
    auto status = PQresultStatus(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
      throw DatabaseError("PostgreSQL: " + message(res) + " in: " + sql.substr(0, 200));
    Rows out;
    int ncol = PQnfields(res);
    for (int c = 0; c < ncol; ++c) out.columns.emplace_back(PQfname(res, c));
    int nrow = PQntuples(res);
    for (int r = 0; r < nrow; ++r) {
      std::vector<std::optional<std::string>> row;
      for (int c = 0; c < ncol; ++c) {
        if (PQgetisnull(res, r, c)) row.emplace_back(std::nullopt);
        else row.emplace_back(std::string(PQgetvalue(res, r, c), static_cast<std::size_t>(PQgetlength(res, r, c))));
      }
      out.rows.push_back(std::move(row));
    }
    if (changed) {
      const char* t = PQcmdTuples(res);
      *changed = (t && *t) ? std::stoll(t) : 0;
    }
    return out;
  }

  void script(const std::string& sql) override {
    reconnect_if_lost();
    PGresult* res = PQexec(conn_, sql.c_str());
    Guard g{res};
    auto status = PQresultStatus(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
      throw DatabaseError("PostgreSQL: " + message(res));
  }
  void begin() override {
    script("BEGIN");
    in_transaction_ = true;
  }
  void commit() override {
    script("COMMIT");  // never on a new connection: in_transaction_ still holds here
    in_transaction_ = false;
  }
  void rollback() override {
    in_transaction_ = false;
    if (PQstatus(conn_) == CONNECTION_OK) script("ROLLBACK");
  }

 private:
  // A server restart breaks the connection; outside a transaction nothing is lost by
  // connecting again (inside one, the error reaches the caller and the work rolls back).
  void reconnect_if_lost() {
    if (in_transaction_ || PQstatus(conn_) == CONNECTION_OK) return;
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK)
      throw DatabaseError("lost the connection to PostgreSQL " + location_ + " and could not connect again");
    PGresult* res = PQexec(conn_, "SET client_min_messages = warning; SET extra_float_digits = 1");
    PQclear(res);
  }
  // The primary message and SQLSTATE only: the DETAIL line can quote row values
  // (patient ids), and error messages may end up in logs.
  std::string message(PGresult* res) const {
    const char* primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    std::string out = primary ? primary : PQerrorMessage(conn_);
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    if (state) out += std::string(" (SQLSTATE ") + state + ")";
    return out;
  }
  struct Guard {
    PGresult* r;
    ~Guard() { PQclear(r); }
  };
  std::string location_;
  PGconn* conn_ = nullptr;
  bool in_transaction_ = false;
};

}  // namespace

std::unique_ptr<Connection> connect_postgresql(const std::string& url) {
  return std::make_unique<PgConnection>(url);
}

}  // namespace crmo::store
