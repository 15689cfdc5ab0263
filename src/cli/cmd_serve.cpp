// crmo serve: the REST/JSON API and the scoring page over a crmo database.
#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "formats/file_io.hpp"
#include "formats/input_error.hpp"
#include "plugins/loader.hpp"
#include "server/serve_plugin.hpp"

namespace crmo::cli {

namespace {

// The PACS options (docs/exchange.md): credentials never come from the command line,
// where `ps` and shell histories would show them.
void configure_pacs(server::ServeOptions& o, const std::string& password_file) {
  if (o.pacs_url.empty()) {
    if (!o.pacs_user.empty() || !password_file.empty())
      throw InputError("--pacs-user", "PACS credentials given without --pacs URL");
    return;
  }
  const auto scheme = o.pacs_url.find("://");
  if (scheme == std::string::npos || (o.pacs_url.compare(0, scheme, "http") != 0 && o.pacs_url.compare(0, scheme, "https") != 0))
    throw InputError("--pacs", "expected an http:// or https:// URL (the DICOMweb root), got '" + o.pacs_url + "'");
  const auto host_end = o.pacs_url.find('/', scheme + 3);
  if (o.pacs_url.substr(scheme + 3, host_end - scheme - 3).find('@') != std::string::npos)
    throw InputError("--pacs", "credentials do not belong in the URL: use --pacs-user and --pacs-password-file "
                               "or CRMO_PACS_PASSWORD");
  if (!password_file.empty()) {
    std::string text = read_text_file(password_file);
    text = text.substr(0, text.find_first_of("\r\n"));
    if (text.empty()) throw InputError(password_file, "line 1: expected the PACS password");
    o.pacs_password = text;
  } else if (const char* pw = std::getenv("CRMO_PACS_PASSWORD")) {
    o.pacs_password = pw;
  }
  if (!o.pacs_password.empty() && o.pacs_user.empty())
    throw InputError("--pacs-user", "a PACS password is given but no --pacs-user");
}

}  // namespace

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
  auto pacs_password_file = std::make_shared<std::string>();
  sub->add_option("--pacs", o->pacs_url,
                  "DICOMweb root of a PACS the page may search and pull from, e.g. http://pacs:8042/dicom-web");
  sub->add_option("--pacs-user", o->pacs_user,
                  "PACS HTTP basic authentication user (password from --pacs-password-file or CRMO_PACS_PASSWORD)");
  sub->add_option("--pacs-password-file", *pacs_password_file, "File whose first line is the PACS password");
  sub->add_option("--images", o->images, "Folder that studies pulled from the PACS are ingested into");
  sub->callback([o, pacs_password_file, &action] {
    action = [o, pacs_password_file] {
      configure_pacs(*o, *pacs_password_file);
      return plugins::function<CrmoServe>("server", "crmo_serve", "the HTTP server of crmo serve")(*o, std::cerr);
    };
  });
}

}  // namespace crmo::cli
