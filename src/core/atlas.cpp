#include "core/atlas.hpp"

namespace crmo {

std::string_view to_string(UnitKind kind) {
  switch (kind) {
    case UnitKind::Long: return "long";
    case UnitKind::Vertebra: return "vertebra";
    case UnitKind::Flat: return "flat";
    case UnitKind::Short: return "short";
  }
  return "flat";
}

std::optional<UnitKind> parse_unit_kind(std::string_view text) {
  if (text == "long") return UnitKind::Long;
  if (text == "vertebra") return UnitKind::Vertebra;
  if (text == "flat") return UnitKind::Flat;
  if (text == "short") return UnitKind::Short;
  return std::nullopt;
}

std::vector<std::string> kind_names(const std::vector<UnitKind>& kinds) {
  std::vector<std::string> out;
  for (UnitKind k : kinds) out.emplace_back(to_string(k));
  return out;
}

std::string_view to_string(Side side) {
  switch (side) {
    case Side::L: return "L";
    case Side::R: return "R";
    case Side::M: return "M";
  }
  return "M";
}

std::optional<Side> parse_side(std::string_view text) {
  if (text == "L") return Side::L;
  if (text == "R") return Side::R;
  if (text == "M") return Side::M;
  return std::nullopt;
}

std::string Site::key() const {
  std::string out = unit ? unit->id : std::string("?");
  out += ':';
  out += to_string(side);
  return out;
}

Atlas::Atlas(std::string name, std::string version, std::vector<std::string> regions,
             std::vector<BoneUnit> units)
    : name_(std::move(name)), version_(std::move(version)), regions_(std::move(regions)),
      units_(std::move(units)) {
  for (std::size_t i = 0; i < units_.size(); ++i) index_.emplace(units_[i].id, i);
}

const BoneUnit* Atlas::find(std::string_view id) const {
  auto it = index_.find(std::string(id));
  return it == index_.end() ? nullptr : &units_[it->second];
}

std::vector<Site> Atlas::sites() const {
  std::vector<Site> out;
  for (const BoneUnit& u : units_) {
    if (u.paired) {
      out.push_back({&u, Side::L});
      out.push_back({&u, Side::R});
    } else {
      out.push_back({&u, Side::M});
    }
  }
  return out;
}

std::size_t Atlas::site_count() const {
  std::size_t n = 0;
  for (const BoneUnit& u : units_) n += u.paired ? 2 : 1;
  return n;
}

std::optional<Site> Atlas::parse_site(std::string_view text, std::string* error) const {
  auto fail = [&](std::string msg) -> std::optional<Site> {
    if (error) *error = std::move(msg);
    return std::nullopt;
  };
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos)
    return fail("expected unit:side (e.g. tibia.distal_metaphysis:L), got '" + std::string(text) + "'");
  auto unit_id = text.substr(0, colon);
  auto side_text = text.substr(colon + 1);
  const BoneUnit* unit = find(unit_id);
  if (!unit) return fail("unknown bone unit '" + std::string(unit_id) + "' (see `crmo atlas`)");
  auto side = parse_side(side_text);
  if (!side) return fail("unknown side '" + std::string(side_text) + "': expected L, R or M");
  if (unit->paired && *side == Side::M)
    return fail("'" + unit->id + "' is a paired unit: side must be L or R, not M");
  if (!unit->paired && *side != Side::M)
    return fail("'" + unit->id + "' is a midline unit: side must be M");
  return Site{unit, *side};
}

}  // namespace crmo
