#include "imaging/stations.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>

namespace crmo::imaging {

std::string description_stem(const std::string& description) {
  static const std::regex tail(R"(([\s_\-]+(station|stat|st|step|s)?[\s_\-]*\d+(\s*(/|of)\s*\d+)?)$)",
                               std::regex::icase);
  std::string s = std::regex_replace(description, tail, "");
  while (!s.empty() && (s.back() == ' ' || s.back() == '_' || s.back() == '-')) s.pop_back();
  return s.empty() ? description : s;
}

std::vector<StationGroup> find_station_groups(const std::vector<SeriesPlan>& series) {
  std::map<std::string, std::vector<std::size_t>> by_key;
  auto r3 = [](double v) { return std::to_string(std::llround(v * 1000)); };
  for (std::size_t i = 0; i < series.size(); ++i) {
    const SeriesPlan& s = series[i];
    if (s.nt != 1) continue;
    std::string key = s.study_uid + "|" + description_stem(s.description) + "|" + r3(s.echo_time) + "|" +
                      r3(s.repetition_time) + "|" + r3(s.inversion_time) + "|" + s.image_type + "|" +
                      r3(s.geom.spacing[0]) + "," + r3(s.geom.spacing[1]) + "," + r3(s.geom.spacing[2]);
    for (const auto& a : s.geom.axis)
      for (double v : a) {
        key += ',';  // appended in two steps: GCC 12's -Wrestrict misfires on "," + string&&
        key += r3(v);
      }
    by_key[key].push_back(i);
  }
  std::vector<StationGroup> out;
  for (auto& [key, idx] : by_key) {
    if (idx.size() < 2) continue;
    const SeriesPlan& s0 = series[idx.front()];
    // The direction the stations follow: from the first to the farthest station centre.
    auto centre = [&](const SeriesPlan& s) {
      return s.geom.to_patient((s.dims.nx - 1) / 2.0, (s.dims.ny - 1) / 2.0, (s.dims.nz - 1) / 2.0);
    };
    Vec3 far{0, 0, 0};
    double best = -1;
    for (std::size_t i : idx) {
      const Vec3 d = centre(series[i]) - centre(s0);
      if (norm(d) > best) {
        best = norm(d);
        far = d;
      }
    }
    if (best < 1e-3) continue;  // same position: repeats, not stations
    int axis = 0;
    double align = -1;
    for (int a = 0; a < 3; ++a) {
      const double c = std::abs(dot(far, s0.geom.axis[a]));
      if (c > align) {
        align = c;
        axis = a;
      }
    }
    // Stations sit at clearly different positions along the join axis: at least half
    // the smaller field of view apart from their neighbours (else these are repeats or
    // partial series, not stations).
    auto extent = [&](const SeriesPlan& s) {
      const std::size_t n = axis == 0 ? s.dims.nx : axis == 1 ? s.dims.ny : s.dims.nz;
      return static_cast<double>(n) * s.geom.spacing[axis];
    };
    std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
      return dot(centre(series[a]), s0.geom.axis[axis]) < dot(centre(series[b]), s0.geom.axis[axis]);
    });
    bool apart = true;
    for (std::size_t k = 1; k < idx.size(); ++k) {
      const SeriesPlan &a = series[idx[k - 1]], &b = series[idx[k]];
      const double d = dot(centre(b) - centre(a), s0.geom.axis[axis]);
      if (d < 0.5 * std::min(extent(a), extent(b))) apart = false;
    }
    if (!apart) continue;
    // Order head to feet (descending patient z, LPS +z is superior).
    std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
      return centre(series[a])[2] > centre(series[b])[2];
    });
    StationGroup g;
    g.stem = description_stem(s0.description);
    std::string id;
    for (char c : g.stem) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    g.id = "wb_" + id;
    g.series = idx;
    g.join_axis = axis;
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace crmo::imaging
