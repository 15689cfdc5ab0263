#pragma once
// The scoring page's files (web/), compiled into the binary so the page works offline.
#include <optional>
#include <string>
#include <string_view>

namespace crmo::server {

struct StaticFile {
  std::string_view bytes;
  std::string content_type;
};

// `path` relative to web/ ("index.html", "js/app.js"); nullopt when not embedded.
std::optional<StaticFile> web_file(const std::string& path);

}  // namespace crmo::server
