#pragma once
// The skeletal atlas: bone units, their kinds, bones and regions (spec/atlas.md).
// Pure data; reading it from a file is formats/atlas_json.
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace crmo {

enum class UnitKind { Long, Vertebra, Flat, Short };
enum class Side { L, R, M };

std::string_view to_string(UnitKind kind);
std::optional<UnitKind> parse_unit_kind(std::string_view text);
std::vector<std::string> kind_names(const std::vector<UnitKind>& kinds);
std::string_view to_string(Side side);
std::optional<Side> parse_side(std::string_view text);

struct BoneUnit {
  std::string id;
  bool paired = false;  // L and R; otherwise midline (M)
  UnitKind kind = UnitKind::Flat;
  std::string bone;
  std::string region;
};

// A unit on a side: "tibia.distal_metaphysis:L".
struct Site {
  const BoneUnit* unit = nullptr;
  Side side = Side::M;
  std::string key() const;
};

class Atlas {
 public:
  Atlas() = default;
  Atlas(std::string name, std::string version, std::vector<std::string> regions,
        std::vector<BoneUnit> units);

  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  const std::vector<std::string>& regions() const { return regions_; }
  const std::vector<BoneUnit>& units() const { return units_; }
  const BoneUnit* find(std::string_view id) const;
  // Every unit-side in atlas order (paired units L then R).
  std::vector<Site> sites() const;
  std::size_t site_count() const;

  // Parses "unit:side"; on failure says why in `error`.
  std::optional<Site> parse_site(std::string_view text, std::string* error = nullptr) const;

 private:
  std::string name_, version_;
  std::vector<std::string> regions_;
  std::vector<BoneUnit> units_;
  std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace crmo
