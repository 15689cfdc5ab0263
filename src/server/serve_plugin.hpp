#pragma once
// `crmo serve` runs in the server plugin (libcrmo_server.so: crmo_server and what it links,
// src/server/plugin/entry.cpp). The HTTP server is cpp-httplib, which Debian builds with
// OpenSSL: loading it (libssl, libcrypto, brotli) and its OpenSSL set-up cost every crmo
// process ~4.5 ms at start-up, and only `crmo serve` serves. Like the DCMTK plugin, the
// entry takes crmo's C++ types (built together, ABI checked).
#include <ostream>

#include "server/server.hpp"

extern "C" int crmo_serve(const crmo::server::ServeOptions& options, std::ostream& log);
using CrmoServe = decltype(crmo_serve);
