// The server plugin's entry point (serve_plugin.hpp).
#include "plugins/plugin_export.hpp"
#include "server/serve_plugin.hpp"

CRMO_PLUGIN_EXPORT int crmo_serve(const crmo::server::ServeOptions& options, std::ostream& log) {
  return crmo::server::serve(options, log);
}
