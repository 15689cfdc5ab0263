// crmo serve: the REST/JSON API and the scoring page over a crmo database.
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "server/server.hpp"

namespace crmo::cli {

void register_serve(CLI::App& app, Action& action) {
  auto o = std::make_shared<server::ServeOptions>();
  auto* sub = app.add_subcommand("serve", "Serve the scoring page and the REST/JSON API (/api/, /api/openapi.json)");
  sub->add_option("--db", o->db, "SQLite file or postgresql:// URL of the database");
  sub->add_option("--port", o->port, "TCP port (0: any free port, see --port-file)")->check(CLI::Range(0, 65535));
  sub->add_option("--bind", o->bind, "Address to listen on (127.0.0.1: this machine only; 0.0.0.0: every interface)");
  sub->add_option("--port-file", o->port_file, "Write the port to this file once the server listens");
  sub->add_option("--session-hours", o->session_hours, "Hours a sign-in stays valid")->check(CLI::Range(1, 24 * 30));
  sub->add_option("--threads", o->threads, "Connections served at once")->check(CLI::Range(2, 256));
  sub->add_flag("--blinded", o->blinded,
                "Blinded reading: readers see only their own readings (no other readers, prior exams or clinical "
                "measures)");
  sub->callback([o, &action] {
    action = [o] { return server::serve(*o, std::cerr); };
  });
}

}  // namespace crmo::cli
