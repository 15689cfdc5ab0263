#pragma once
// Data files compiled into the binary (cmake/Embed.cmake): the default atlas, the
// scheme and instrument definitions, the web page. Found by their path under data/.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace crmo::resources {

struct Entry {
  std::string_view path;
  std::string_view bytes;
};

// Everything under data/, generated at build time.
std::span<const Entry> builtin_data();

std::optional<std::string_view> find(std::string_view path);
// Paths that start with `prefix`, sorted.
std::vector<std::string> list(std::string_view prefix);

}  // namespace crmo::resources
