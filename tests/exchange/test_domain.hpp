#pragma once
// The built-in atlas and schemes, as the crmo command loads them, for the exchange tests.
#include "core/atlas.hpp"
#include "core/scheme.hpp"
#include "formats/atlas_json.hpp"
#include "formats/scheme_json.hpp"

namespace crmo::test {

inline const Atlas& atlas() { return default_atlas(); }

inline const Scheme& scheme() {
  static const Scheme s = SchemeRegistry::with_builtins().get("rai-cromris");
  return s;
}

// As the crmo command resolves it: seed-2022's parameters on the chosen scheme's grades.
inline const Scheme& parameter_scheme() {
  static const Scheme s = [] {
    Scheme p = scheme().parameters.empty() ? SchemeRegistry::with_builtins().get("seed-2022") : scheme();
    p.items = scheme().items;
    p.unit_score = scheme().unit_score;
    return p;
  }();
  return s;
}

}  // namespace crmo::test
