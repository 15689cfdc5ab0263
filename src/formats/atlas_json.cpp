#include "formats/atlas_json.hpp"

#include <set>

#include <fmt/format.h>

#include "formats/file_io.hpp"
#include "formats/json_fields.hpp"
#include "resources/resources.hpp"

namespace crmo {

Atlas parse_atlas_json(std::string_view text, const std::string& source) {
  const auto doc = parse_json_text(text, source);
  std::vector<InputProblem> problems;
  const std::string where = source + ": ";
  JsonFields top(doc, where, "$", problems);
  top.expect_format("crmo.atlas/1");
  auto name = top.text("name", true).value_or("");
  auto version = top.text("version", true).value_or("");
  top.text("description");
  std::vector<std::string> regions;
  if (const auto* r = top.raw("regions"); r && r->is_array())
    for (const auto& x : *r) regions.push_back(x.is_string() ? x.get<std::string>() : "");
  std::vector<BoneUnit> units;
  const auto* list = top.raw("units");
  if (!list || !list->is_array()) top.problem("units", "expected a list of bone units");
  top.reject_unknown("format, name, version, description, regions, units");
  std::set<std::string> ids;
  if (list && list->is_array()) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      JsonFields u((*list)[i], where, fmt::format("$.units[{}]", i), problems);
      BoneUnit unit;
      unit.id = u.text("id", true).value_or("");
      auto sides = u.text("sides", true);
      if (sides && *sides != "LR" && *sides != "M") u.problem("sides", "expected \"LR\" (paired) or \"M\" (midline)");
      unit.paired = sides && *sides == "LR";
      auto kind_text = u.text("kind", true);
      auto kind = kind_text ? parse_unit_kind(*kind_text) : std::nullopt;
      if (kind_text && !kind) u.problem("kind", "expected long, vertebra, flat or short, got '" + *kind_text + "'");
      unit.kind = kind.value_or(UnitKind::Flat);
      unit.bone = u.text("bone", true).value_or("");
      unit.region = u.text("region", true).value_or("");
      if (!unit.region.empty() && !regions.empty() &&
          std::find(regions.begin(), regions.end(), unit.region) == regions.end())
        u.problem("region", "region '" + unit.region + "' is not in $.regions");
      u.accept("drawing");  // front-view drawing, read by the report module
      u.reject_unknown("id, sides, kind, bone, region, drawing");
      if (!unit.id.empty() && !ids.insert(unit.id).second) u.problem("id", "duplicate unit id '" + unit.id + "'");
      if (unit.id.find(':') != std::string::npos) u.problem("id", "a unit id may not contain ':'");
      units.push_back(std::move(unit));
    }
  }
  throw_if_any(std::move(problems));
  if (regions.empty())
    for (const auto& u : units)
      if (std::find(regions.begin(), regions.end(), u.region) == regions.end()) regions.push_back(u.region);
  return Atlas(name, version, regions, std::move(units));
}

Atlas load_atlas_file(const std::filesystem::path& path) {
  return parse_atlas_json(read_text_file(path), path.string());
}

const Atlas& default_atlas() {
  static const Atlas atlas = [] {
    auto text = resources::find("atlas/default.json");
    if (!text) throw std::logic_error("built-in atlas missing from the binary");
    return parse_atlas_json(*text, "built-in atlas/default.json");
  }();
  return atlas;
}

nlohmann::ordered_json atlas_to_json(const Atlas& atlas) {
  nlohmann::ordered_json units = nlohmann::ordered_json::array();
  for (const BoneUnit& u : atlas.units())
    units.push_back({{"id", u.id}, {"sides", u.paired ? "LR" : "M"}, {"kind", to_string(u.kind)},
                     {"bone", u.bone}, {"region", u.region}});
  return {{"format", "crmo.atlas/1"}, {"name", atlas.name()}, {"version", atlas.version()},
          {"regions", atlas.regions()}, {"site_count", atlas.site_count()}, {"units", units}};
}

}  // namespace crmo
