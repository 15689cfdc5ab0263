#pragma once
// Plugins: shared modules (libcrmo_<name>.so) loaded on first use. A plugin exports
// C functions only (and crmo_plugin_abi, checked on load), so no C++ object or exception
// crosses the boundary unless its interface says so.
//
// Folders searched, first match wins:
//   1. $CRMO_PLUGIN_DIR, when set;
//   2. <folder of the running program>/../lib/crmo (an installed crmo: bin/, lib/crmo/);
//   3. the build tree's lib/crmo (a crmo or test run from where it was built).
#include <string>
#include <vector>

namespace crmo::plugins {

std::vector<std::string> search_path();

// The address of `symbol` in plugin `name`, loading the plugin once per process
// (thread-safe). Throws std::runtime_error naming the plugin, what it is for and every
// file tried with the loader's reason.
void* symbol(const std::string& name, const char* symbol, const std::string& purpose);

// The file plugin `name` was loaded from (loading it if need be); throws as symbol().
std::string loaded_path(const std::string& name, const std::string& purpose);

template <typename F>
F* function(const std::string& name, const char* fn, const std::string& purpose) {
  return reinterpret_cast<F*>(symbol(name, fn, purpose));
}

}  // namespace crmo::plugins
