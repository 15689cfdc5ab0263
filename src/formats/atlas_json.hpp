#pragma once
// The atlas file format (`crmo.atlas/1`) and the built-in default atlas.
#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/atlas.hpp"

namespace crmo {

Atlas parse_atlas_json(std::string_view text, const std::string& source);
Atlas load_atlas_file(const std::filesystem::path& path);
// The atlas compiled into crmo (data/atlas/default.json).
const Atlas& default_atlas();
nlohmann::ordered_json atlas_to_json(const Atlas& atlas);

}  // namespace crmo
