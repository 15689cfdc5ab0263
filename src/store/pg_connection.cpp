// The PostgreSQL backend: text parameters whose types the server infers from the
// statement, so the same SQL text serves SQLite and PostgreSQL. libpq itself lives in the
// postgresql plugin (postgresql/libpq_api.hpp says why and how errors cross); this side
// binds parameters, keeps transaction state and throws the store's errors.
#include <fmt/format.h>

#include "plugins/loader.hpp"
#include "store/connection.hpp"
#include "store/postgresql/libpq_api.hpp"

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

// Loaded on the first PostgreSQL connection; a plugin that cannot be loaded is the
// loader's std::runtime_error naming every file tried (the CLI exits 1).
const CrmoPgApi& libpq() {
  static const CrmoPgApi* api =
      plugins::function<CrmoPostgresqlApi>("postgresql", "crmo_postgresql_api", "the store on PostgreSQL, libpq")();
  return *api;
}

class PgConnection final : public Connection {
 public:
  explicit PgConnection(const std::string& url) : pq_(libpq()), location_(without_password(url)) {
    std::string error;
    session_ = pq_.connect(url.c_str(), &error);
    if (!session_) throw DatabaseError("cannot connect to PostgreSQL " + location_ + ": " + error);
    script("SET client_min_messages = warning; SET extra_float_digits = 1");
  }
  ~PgConnection() override { pq_.finish(session_); }

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
    Rows out;
    std::string error;
    if (!pq_.query(session_, numbered.c_str(), static_cast<int>(ptrs.size()), ptrs.data(), &out, changed, &error))
      throw DatabaseError("PostgreSQL: " + error + " in: " + sql.substr(0, 200));
    return out;
  }

  void script(const std::string& sql) override {
    reconnect_if_lost();
    std::string error;
    if (!pq_.script(session_, sql.c_str(), &error)) throw DatabaseError("PostgreSQL: " + error);
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
    if (pq_.connected(session_)) script("ROLLBACK");
  }

 private:
  // A server restart breaks the connection; outside a transaction nothing is lost by
  // connecting again (inside one, the error reaches the caller and the work rolls back).
  void reconnect_if_lost() {
    if (in_transaction_ || pq_.connected(session_)) return;
    if (!pq_.reset(session_))
      throw DatabaseError("lost the connection to PostgreSQL " + location_ + " and could not connect again");
    std::string ignored;
    pq_.script(session_, "SET client_min_messages = warning; SET extra_float_digits = 1", &ignored);
  }
  const CrmoPgApi& pq_;
  std::string location_;
  void* session_ = nullptr;
  bool in_transaction_ = false;
};

}  // namespace

std::unique_ptr<Connection> connect_postgresql(const std::string& url) {
  return std::make_unique<PgConnection>(url);
}

}  // namespace crmo::store
