#pragma once
// The interface of the PostgreSQL plugin (libcrmo_postgresql.so, libpq_plugin.cpp): libpq
// and its ~20 libraries (Kerberos, LDAP, GnuTLS, SASL...) cost every crmo process ~5 ms
// at start-up, yet only a --db postgresql://... store uses them, so they load on the first
// connection (pg_connection.cpp).
//
// Boundary: a table of plain functions that never throw; failures come back as a message
// and pg_connection.cpp throws the store's DatabaseError on the host side. So no C++
// exception and no class with a vtable (Connection) crosses between plugin and program:
// catching and dynamic_cast never depend on how the two copies of a type_info compare
// under hidden visibility. std::string and Rows do cross by pointer: plugin and program
// are built by the same compiler from the same sources (the loader checks the ABI tag).
#include <cstdint>
#include <string>

#include "store/connection.hpp"

struct CrmoPgApi {
  // Connects to `url` (libpq's dbname; connect_timeout 10 s unless the URL says otherwise).
  // Returns the session, or nullptr with *error set to libpq's message.
  void* (*connect)(const char* url, std::string* error);
  void (*finish)(void* session);
  bool (*connected)(void* session);  // the connection is up
  bool (*reset)(void* session);      // connects again; true when that worked
  // One statement with `n` text parameters ($1.., nullptr = NULL): fills *out and, when
  // not null, *changed (rows changed); false with *error = the server's primary message
  // and " (SQLSTATE xxxxx)" (never the DETAIL line: it can quote patient ids).
  bool (*query)(void* session, const char* sql, int n, const char* const* params, crmo::store::Rows* out,
                std::int64_t* changed, std::string* error);
  // A script of statements without parameters; false with *error as for query.
  bool (*script)(void* session, const char* sql, std::string* error);
};

// The plugin's one entry point.
extern "C" const CrmoPgApi* crmo_postgresql_api();
using CrmoPostgresqlApi = decltype(crmo_postgresql_api);
