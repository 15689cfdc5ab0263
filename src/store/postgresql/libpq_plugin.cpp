// The PostgreSQL plugin: libpq behind the never-throwing table of libpq_api.hpp. The
// store's logic (parameters, transactions, reconnecting, messages) stays in
// pg_connection.cpp; this file only talks to libpq.
#include <libpq-fe.h>

#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "plugins/plugin_export.hpp"
#include "store/postgresql/libpq_api.hpp"

namespace {

PGconn* pg(void* session) { return static_cast<PGconn*>(session); }

struct Guard {
  PGresult* r;
  ~Guard() { PQclear(r); }
};

// The primary message and SQLSTATE only: the DETAIL line can quote row values (patient
// ids), and error messages may end up in logs.
std::string message(PGconn* conn, PGresult* res) {
  const char* primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string out = primary ? primary : PQerrorMessage(conn);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  if (state) out += std::string(" (SQLSTATE ") + state + ")";
  return out;
}

bool succeeded(PGresult* res) {
  const auto status = PQresultStatus(res);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

void* connect(const char* url, std::string* error) {
  // A server that does not answer fails within 10 s unless the URL says otherwise
  // (parameters expanded from the URL override the ones before it).
  const char* keys[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {"10", url, nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, 1);
  if (PQstatus(conn) == CONNECTION_OK) return conn;
  try {
    *error = conn ? PQerrorMessage(conn) : "out of memory";
  } catch (...) {
  }
  PQfinish(conn);
  return nullptr;
}

void finish(void* session) { PQfinish(pg(session)); }

bool connected(void* session) { return PQstatus(pg(session)) == CONNECTION_OK; }

bool reset(void* session) {
  PQreset(pg(session));
  return connected(session);
}

bool query(void* session, const char* sql, int n, const char* const* params, crmo::store::Rows* out,
           std::int64_t* changed, std::string* error) {
  PGconn* conn = pg(session);
  PGresult* res = PQexecParams(conn, sql, n, nullptr, params, nullptr, nullptr, 0);
  Guard g{res};
  try {
    if (!succeeded(res)) {
      *error = message(conn, res);
      return false;
    }
    const int ncol = PQnfields(res);
    for (int c = 0; c < ncol; ++c) out->columns.emplace_back(PQfname(res, c));
    const int nrow = PQntuples(res);
    out->rows.reserve(static_cast<std::size_t>(nrow));
    for (int r = 0; r < nrow; ++r) {
      std::vector<std::optional<std::string>> row;
      row.reserve(static_cast<std::size_t>(ncol));
      for (int c = 0; c < ncol; ++c) {
        if (PQgetisnull(res, r, c)) row.emplace_back(std::nullopt);
        else row.emplace_back(std::string(PQgetvalue(res, r, c), static_cast<std::size_t>(PQgetlength(res, r, c))));
      }
      out->rows.push_back(std::move(row));
    }
    if (changed) {
      const char* t = PQcmdTuples(res);
      *changed = (t && *t) ? std::stoll(t) : 0;
    }
    return true;
  } catch (const std::exception& e) {  // out of memory, a row count that is not a number
    try {
      *error = e.what();
    } catch (...) {
    }
  } catch (...) {
  }
  return false;
}

bool script(void* session, const char* sql, std::string* error) {
  PGconn* conn = pg(session);
  PGresult* res = PQexec(conn, sql);
  Guard g{res};
  if (succeeded(res)) return true;
  try {
    *error = message(conn, res);
  } catch (...) {
  }
  return false;
}

const CrmoPgApi api{connect, finish, connected, reset, query, script};

}  // namespace

CRMO_PLUGIN_EXPORT const CrmoPgApi* crmo_postgresql_api() { return &api; }
