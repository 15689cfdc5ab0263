#pragma once
// `crmo serve`: the HTTP server over the route table (server/api.hpp) and the scoring
// page (web/, embedded in the binary).
#include <ostream>
#include <string>

namespace crmo::server {

struct ServeOptions {
  std::string db = "crmo.db";
  std::string bind = "127.0.0.1";
  int port = 8042;            // 0: any free port (see port_file)
  std::string port_file;      // written with the port once the server listens
  long session_hours = 12;
  int threads = 16;           // requests served at once (the store serialises writes)
  std::string pacs_url;       // DICOMweb root of the PACS (docs/exchange.md); empty: none
  std::string pacs_user, pacs_password;  // HTTP basic authentication (never from the command line)
  std::string images = "crmo-images";    // studies pulled from the PACS are ingested here
  bool blinded = false;       // readers see only their own readings (docs/server.md)
};

// Serves until SIGINT or SIGTERM; returns the exit status. Logs one line per request
// to `log` (method, route pattern, status, time, user: never a patient identifier).
int serve(const ServeOptions& options, std::ostream& log);

}  // namespace crmo::server
