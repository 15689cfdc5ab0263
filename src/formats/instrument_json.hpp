#pragma once
// Clinical instrument files (`crmo.instrument/1`, data/instruments/*.json), points table
// files (`crmo.points/1`) and the JSON of instrument results. See docs/instruments.md.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/instruments/instrument.hpp"

namespace crmo {

// Parses and checks one instrument file; throws InputError listing every problem.
instruments::Instrument parse_instrument_json(std::string_view text, const std::string& source);

// The built-in instruments, in the order of clinical.md.
std::vector<instruments::Instrument> builtin_instruments();

struct PointsTable {
  std::string instrument;
  std::map<std::string, double> points;
};
PointsTable parse_points_table_json(std::string_view text, const std::string& source);

// Applies a points table to the instrument it names in `list`; throws InputError for an
// unknown instrument or item names the instrument does not have.
void load_points_table(std::vector<instruments::Instrument>& list, const std::filesystem::path& file);

nlohmann::ordered_json instrument_result_to_json(const instruments::Result& result);

}  // namespace crmo
