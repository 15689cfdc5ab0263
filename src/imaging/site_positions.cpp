#include "imaging/site_positions.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace crmo::imaging {

namespace {

// Where a unit lies. `level` runs from the vertex (0) to the crotch (1) for the upper
// body (values above 1 reach below the crotch: the hands hang beside the thighs), and
// from the crotch (0) to the soles (1) for the lower body (negative: above the crotch,
// as the hip joint). `lateral` (towards the site's side) and `back` (+ posterior) are
// fractions of the stature. Values: child proportions (sitting height ~0.54 of stature,
// head ~1/6.5, femur ~0.26 and tibia ~0.21 of stature), arms hanging at the sides, palms
// forward.
struct Place {
  bool lower;
  double level, lateral, back;
};

const std::map<std::string, Place>& table() {
  static const std::map<std::string, Place> t = {
      {"skull", {false, 0.13, 0, 0}},
      {"mandible", {false, 0.25, 0.025, -0.035}},
      {"clavicle.medial", {false, 0.385, 0.03, -0.04}},
      {"clavicle.lateral", {false, 0.37, 0.085, -0.02}},
      {"scapula", {false, 0.46, 0.085, 0.06}},
      {"ribs", {false, 0.53, 0.08, 0}},
      {"sternum.manubrium", {false, 0.42, 0, -0.06}},
      {"sternum.body", {false, 0.52, 0, -0.065}},
      {"spine.c1", {false, 0.25, 0, 0.025}},  // c2..l5 evenly below (filled in below)
      {"sacrum", {false, 0.91, 0.02, 0.045}},
      {"coccyx", {false, 0.98, 0, 0.05}},
      {"ilium", {false, 0.85, 0.065, 0.01}},
      {"ischium", {false, 0.98, 0.04, 0.02}},
      {"pubis", {false, 0.96, 0.025, -0.03}},
      {"humerus.proximal_epiphysis", {false, 0.37, 0.125, 0}},
      {"humerus.proximal_metaphysis", {false, 0.42, 0.125, 0}},
      {"humerus.diaphysis", {false, 0.53, 0.127, 0}},
      {"humerus.distal_metaphysis", {false, 0.64, 0.13, 0}},
      {"humerus.distal_epiphysis", {false, 0.69, 0.13, 0}},
      {"radius.proximal_epiphysis", {false, 0.72, 0.145, 0}},
      {"radius.proximal_metaphysis", {false, 0.76, 0.145, 0}},
      {"radius.diaphysis", {false, 0.86, 0.15, 0}},
      {"radius.distal_metaphysis", {false, 0.96, 0.15, 0}},
      {"radius.distal_epiphysis", {false, 0.99, 0.15, 0}},
      {"ulna.proximal_epiphysis", {false, 0.71, 0.125, 0.01}},
      {"ulna.proximal_metaphysis", {false, 0.75, 0.125, 0.01}},
      {"ulna.diaphysis", {false, 0.86, 0.13, 0.01}},
      {"ulna.distal_metaphysis", {false, 0.96, 0.13, 0.01}},
      {"ulna.distal_epiphysis", {false, 0.99, 0.13, 0.01}},
      {"carpus", {false, 1.03, 0.14, 0}},
      {"metacarpals", {false, 1.09, 0.14, 0}},
      {"hand_phalanges", {false, 1.17, 0.14, 0}},
      {"femur.proximal_epiphysis", {true, -0.07, 0.045, 0}},
      {"femur.proximal_metaphysis", {true, 0.02, 0.05, 0}},
      {"femur.diaphysis", {true, 0.22, 0.047, 0}},
      {"femur.distal_metaphysis", {true, 0.40, 0.045, 0}},
      {"femur.distal_epiphysis", {true, 0.46, 0.045, 0}},
      {"patella", {true, 0.47, 0.045, -0.035}},
      {"tibia.proximal_epiphysis", {true, 0.52, 0.045, 0}},
      {"tibia.proximal_metaphysis", {true, 0.56, 0.045, 0}},
      {"tibia.diaphysis", {true, 0.72, 0.045, 0}},
      {"tibia.distal_metaphysis", {true, 0.86, 0.045, 0}},
      {"tibia.distal_epiphysis", {true, 0.91, 0.045, 0}},
      {"fibula.proximal_epiphysis", {true, 0.53, 0.065, 0.01}},
      {"fibula.proximal_metaphysis", {true, 0.57, 0.065, 0.01}},
      {"fibula.diaphysis", {true, 0.72, 0.065, 0.01}},
      {"fibula.distal_metaphysis", {true, 0.87, 0.065, 0.01}},
      {"fibula.distal_epiphysis", {true, 0.92, 0.065, 0.01}},
      {"talus", {true, 0.95, 0.045, 0}},
      {"calcaneus", {true, 0.98, 0.045, 0.02}},
      {"midfoot", {true, 0.97, 0.045, -0.04}},
      {"metatarsals", {true, 0.98, 0.045, -0.06}},
      {"foot_phalanges", {true, 0.99, 0.045, -0.08}},
  };
  return t;
}

// Vertebrae from C1 (0.25) to L5 (0.86) of the vertex-crotch span, evenly per segment
// group (cervical vertebrae are shorter).
std::optional<Place> vertebra(const std::string& unit) {
  if (unit.rfind("spine.", 0) != 0 || unit.size() < 8) return std::nullopt;
  const char region = unit[6];
  int n = 0;
  try {
    n = std::stoi(unit.substr(7));
  } catch (...) {
    return std::nullopt;
  }
  double level;
  if (region == 'c' && n >= 1 && n <= 7) level = 0.25 + (n - 1) * (0.36 - 0.25) / 6;
  else if (region == 't' && n >= 1 && n <= 12) level = 0.38 + (n - 1) * (0.68 - 0.38) / 11;
  else if (region == 'l' && n >= 1 && n <= 5) level = 0.70 + (n - 1) * (0.86 - 0.70) / 4;
  else return std::nullopt;
  return Place{false, level, 0, 0.035};
}

// Otsu's threshold of the positive picture values (256 bins).
double otsu(const std::vector<float>& values) {
  float hi = 0;
  for (float x : values) hi = std::max(hi, x);
  if (!(hi > 0)) return 0;
  std::vector<double> hist(256, 0);
  for (float x : values)
    if (x > 0) hist[std::min<std::size_t>(255, static_cast<std::size_t>(x / hi * 255))] += 1;
  double total = 0, sum = 0;
  for (int b = 0; b < 256; ++b) {
    total += hist[b];
    sum += b * hist[b];
  }
  double w0 = 0, s0 = 0, best = -1;
  int cut = 0;
  for (int b = 0; b < 255; ++b) {
    w0 += hist[b];
    s0 += b * hist[b];
    const double w1 = total - w0;
    if (w0 == 0 || w1 == 0) continue;
    const double m0 = s0 / w0, m1 = (sum - s0) / w1;
    const double between = w0 * w1 * (m0 - m1) * (m0 - m1);
    if (between > best) {
      best = between;
      cut = b;
    }
  }
  return (cut + 1) * hi / 255.0;
}

}  // namespace

RowMax row_max_of(const Volume& v, const Picture& mip) {
  return [&v, &mip](std::size_t row, std::size_t depth) {
    std::size_t idx[3];
    idx[mip.row_axis] = row;
    idx[mip.depth_axis] = depth;
    double m = -1e300;
    for (std::size_t c = 0; c < mip.width; ++c) {
      idx[mip.col_axis] = c;
      m = std::max(m, v.value(v.index(idx[0], idx[1], idx[2])));
    }
    return m;
  };
}

BodyFrame find_body_frame(const Volume& v, const Picture& mip) { return find_body_frame(v, mip, row_max_of(v, mip)); }

BodyFrame find_body_frame(const Volume& v, const Picture& mip, const RowMax& row_max) {
  BodyFrame f;
  const std::size_t w = mip.width, h = mip.height;
  if (w < 4 || h < 4) return f;
  // Background: Otsu separates air from tissue on the MIP; half of it keeps thin, darker
  // tissue (fat-suppressed subcutis) inside the body.
  f.threshold = 0.5 * otsu(mip.values);
  if (!(f.threshold > 0)) return f;
  const std::size_t min_run = std::max<std::size_t>(3, w / 100);
  std::vector<long> left(h, -1), right(h, -1);
  std::vector<bool> body(h, false);
  for (std::size_t r = 0; r < h; ++r) {
    std::size_t count = 0;
    for (std::size_t c = 0; c < w; ++c)
      if (mip.values[r * w + c] > f.threshold) {
        ++count;
        if (left[r] < 0) left[r] = static_cast<long>(c);
        right[r] = static_cast<long>(c);
      }
    body[r] = count >= min_run;
  }
  std::size_t top = h, bottom = 0;
  std::vector<double> centres;
  for (std::size_t r = 0; r < h; ++r)
    if (body[r]) {
      top = std::min(top, r);
      bottom = r;
      centres.push_back(0.5 * static_cast<double>(left[r] + right[r]));
    }
  if (top >= bottom || bottom - top < 8) return f;
  std::nth_element(centres.begin(), centres.begin() + static_cast<std::ptrdiff_t>(centres.size() / 2), centres.end());
  const double mid_col = centres[centres.size() / 2];
  // Picture (column, row) to patient coordinates at the depth centre of the volume.
  const std::size_t n[3] = {v.dims.nx, v.dims.ny, v.dims.nz};
  auto patient = [&](double col, double row) {
    double idx[3];
    idx[mip.col_axis] = mip.flip_cols ? static_cast<double>(w - 1) - col : col;
    idx[mip.row_axis] = mip.flip_rows ? static_cast<double>(h - 1) - row : row;
    idx[mip.depth_axis] = (static_cast<double>(n[mip.depth_axis]) - 1) / 2.0;
    return v.geom.to_patient(idx[0], idx[1], idx[2]);
  };
  // The body's edge lies half a pixel beyond the outermost body pixel.
  const double px = mip.pixel_h_mm;
  f.vertex_mm = patient(mid_col, static_cast<double>(top))[2] + 0.5 * px;
  f.soles_mm = patient(mid_col, static_cast<double>(bottom))[2] - 0.5 * px;
  f.stature_mm = f.vertex_mm - f.soles_mm;
  f.vertex_in_view = top > 0;
  f.soles_in_view = bottom + 1 < h;
  f.mid_x_mm = patient(mid_col, static_cast<double>(top))[0];
  // Crotch: going up from the soles, where the midline turns into body for good (at least
  // 6 % of the stature, so touching knees do not count).
  const auto c0 = static_cast<std::size_t>(std::clamp(std::lround(mid_col), 0L, static_cast<long>(w - 1)));
  const std::size_t need = std::max<std::size_t>(3, static_cast<std::size_t>(0.06 * static_cast<double>(bottom - top)));
  std::size_t run = 0;
  for (std::size_t r = bottom + 1; r-- > top;) {
    float m = mip.values[r * w + c0];
    if (c0 > 0) m = std::min(m, mip.values[r * w + c0 - 1]);
    if (c0 + 1 < w) m = std::min(m, mip.values[r * w + c0 + 1]);
    run = m > f.threshold ? run + 1 : 0;
    if (run >= need) {
      const double z = patient(mid_col, static_cast<double>(r + need - 1))[2] + 0.5 * px;
      const double from_soles = (z - f.soles_mm) / f.stature_mm;
      if (from_soles > 0.33 && from_soles < 0.6) {
        f.crotch_mm = z;
        f.crotch_detected = true;
      }
      break;
    }
  }
  if (!f.crotch_detected) f.crotch_mm = f.soles_mm + 0.46 * f.stature_mm;
  // Front-back centre: the extent of the body along the depth axis, through the trunk.
  const std::size_t trunk_row =
      std::min(h - 1, top + static_cast<std::size_t>(0.35 * static_cast<double>(bottom - top)));
  long lo = -1, hi = -1;
  const std::size_t row = mip.flip_rows ? h - 1 - trunk_row : trunk_row;
  for (std::size_t d = 0; d < n[mip.depth_axis]; ++d) {
    if (row_max(row, d) > f.threshold) {
      if (lo < 0) lo = static_cast<long>(d);
      hi = static_cast<long>(d);
    }
  }
  double centre_idx[3];
  centre_idx[mip.col_axis] = 0;
  centre_idx[mip.row_axis] = 0;
  centre_idx[mip.depth_axis] = lo < 0 ? (static_cast<double>(n[mip.depth_axis]) - 1) / 2.0 : 0.5 * static_cast<double>(lo + hi);
  f.mid_y_mm = v.geom.to_patient(centre_idx[0], centre_idx[1], centre_idx[2])[1];
  f.found = true;
  return f;
}

std::optional<Vec3> site_position(const std::string& site, const BodyFrame& b) {
  if (!b.found) return std::nullopt;
  const auto colon = site.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  const std::string unit = site.substr(0, colon), side = site.substr(colon + 1);
  std::optional<Place> p = vertebra(unit);
  if (!p) {
    const auto it = table().find(unit);
    if (it == table().end()) return std::nullopt;
    p = it->second;
  }
  // LPS: the patient's left is +x.
  const double sign = side == "L" ? 1.0 : side == "R" ? -1.0 : 0.0;
  if (sign == 0 && p->lateral != 0 && side != "M") return std::nullopt;
  const double z = p->lower ? b.crotch_mm - p->level * (b.crotch_mm - b.soles_mm)
                            : b.vertex_mm - p->level * (b.vertex_mm - b.crotch_mm);
  return Vec3{b.mid_x_mm + sign * p->lateral * b.stature_mm, b.mid_y_mm + p->back * b.stature_mm, z};
}

std::vector<std::string> placed_sites() {
  std::vector<std::string> out;
  auto add = [&](const std::string& unit, bool paired) {
    if (paired) {
      out.push_back(unit + ":L");
      out.push_back(unit + ":R");
    } else {
      out.push_back(unit + ":M");
    }
  };
  for (const auto& [unit, p] : table()) {
    if (unit == "spine.c1") continue;
    const bool midline = p.lateral == 0 && unit != "sacrum";
    add(unit, !midline);
  }
  for (int i = 1; i <= 7; ++i) add("spine.c" + std::to_string(i), false);
  for (int i = 1; i <= 12; ++i) add("spine.t" + std::to_string(i), false);
  for (int i = 1; i <= 5; ++i) add("spine.l" + std::to_string(i), false);
  return out;
}

}  // namespace crmo::imaging
