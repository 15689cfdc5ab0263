#include "resources/resources.hpp"

#include <algorithm>

namespace crmo::resources {

std::optional<std::string_view> find(std::string_view path) {
  for (const Entry& e : builtin_data())
    if (e.path == path) return e.bytes;
  return std::nullopt;
}

std::vector<std::string> list(std::string_view prefix) {
  std::vector<std::string> out;
  for (const Entry& e : builtin_data())
    if (e.path.starts_with(prefix)) out.emplace_back(e.path);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace crmo::resources
