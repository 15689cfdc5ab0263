#include "plugins/loader.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <stdexcept>

namespace fs = std::filesystem;

namespace crmo::plugins {

namespace {

std::string program_folder() {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return {};
  return fs::path(std::string(buf, static_cast<std::size_t>(n))).parent_path().string();
}

struct Loaded {
  void* handle = nullptr;
  std::string path;   // the file loaded
  std::string error;  // why it could not be loaded (then every later call says so again)
};

Loaded open_plugin(const std::string& name, const std::string& purpose) {
  const std::string file = "libcrmo_" + name + ".so";
  std::string tried;
  for (const std::string& dir : search_path()) {
    const fs::path p = fs::path(dir) / file;
    std::error_code ec;
    if (!fs::exists(p, ec)) {
      tried += "\n  " + p.string() + ": not there";
      continue;
    }
    void* h = ::dlopen(p.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      const char* why = ::dlerror();
      tried += "\n  " + p.string() + ": " + (why ? why : "cannot be loaded");
      continue;
    }
    using AbiFn = const char* (*)();
    auto abi = reinterpret_cast<AbiFn>(::dlsym(h, "crmo_plugin_abi"));
    if (!abi || std::string(abi()) != CRMO_PLUGIN_ABI) {
      tried += "\n  " + p.string() + ": built by another crmo (" + (abi ? abi() : "no crmo_plugin_abi") +
               "; this is " + CRMO_PLUGIN_ABI + ")";
      ::dlclose(h);
      continue;
    }
    return {h, p.string(), {}};
  }
  return {nullptr, {}, "the crmo plugin '" + name + "' (" + purpose + ") could not be loaded; tried:" + tried +
                       "\nset CRMO_PLUGIN_DIR to the folder holding " + file};
}

}  // namespace

std::vector<std::string> search_path() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("CRMO_PLUGIN_DIR"); env && *env) dirs.emplace_back(env);
  if (const std::string exe = program_folder(); !exe.empty())
    dirs.push_back((fs::path(exe) / ".." / "lib" / "crmo").lexically_normal().string());
  dirs.emplace_back(CRMO_BUILD_PLUGIN_DIR);
  return dirs;
}

static const Loaded& load(const std::string& name, const std::string& purpose) {
  static std::mutex m;
  static std::map<std::string, Loaded> loaded;  // never closed: their code may be running
  std::lock_guard lock(m);
  auto it = loaded.find(name);
  if (it == loaded.end()) it = loaded.emplace(name, open_plugin(name, purpose)).first;
  return it->second;  // map nodes stay put; entries are never changed once made
}

void* symbol(const std::string& name, const char* sym, const std::string& purpose) {
  const Loaded& l = load(name, purpose);
  if (!l.handle) throw std::runtime_error(l.error);
  void* f = ::dlsym(l.handle, sym);
  if (!f) throw std::runtime_error("the crmo plugin '" + name + "' has no " + sym);
  return f;
}

std::string loaded_path(const std::string& name, const std::string& purpose) {
  const Loaded& l = load(name, purpose);
  if (!l.handle) throw std::runtime_error(l.error);
  return l.path;
}

}  // namespace crmo::plugins
