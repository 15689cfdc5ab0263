#include "imaging/join.hpp"

#include <algorithm>
#include <cmath>

#include "imaging/dicom_scan.hpp"

namespace crmo::imaging {

namespace {

// std::round (half away from zero) then clamped, without libm's round call per voxel (the
// baseline x86-64 has no rounding instruction): clamping first gives the same answers, and
// v - trunc(v) is exact in this range.
std::uint16_t store(double v, bool is_signed) {
  v = is_signed ? std::clamp(v, -32768.0, 32767.0) : std::clamp(v, 0.0, 65535.0);
  auto t = static_cast<long>(v);
  const double frac = v - static_cast<double>(t);
  t += (frac >= 0.5) - (frac <= -0.5);
  return is_signed ? static_cast<std::uint16_t>(static_cast<std::int16_t>(t)) : static_cast<std::uint16_t>(t);
}

double along(std::size_t i, std::size_t j, std::size_t k, int axis) {
  return static_cast<double>(axis == 0 ? i : axis == 1 ? j : k);
}

}  // namespace

double JoinMap::weight(double pos) const {
  double w = 1;
  if (ramp_lo > 0) w = std::min(w, (pos - lo + 0.5) / (ramp_lo + 1));
  if (ramp_hi > 0) w = std::min(w, (hi - pos + 0.5) / (ramp_hi + 1));
  return std::max(w, 1e-6);
}

JoinLayout plan_join(const std::vector<const Volume*>& stations, int axis) {
  JoinLayout r;
  if (stations.empty()) {
    r.error = "no stations to join";
    return r;
  }
  const Volume& ref = *stations.front();
  for (const Volume* s : stations)
    for (int a = 0; a < 3; ++a)
      if (dot(s->geom.axis[a], ref.geom.axis[a]) < 0.999) {
        r.error = "stations differ in orientation; not joined";
        return r;
      }
  // Bounds of all stations in the first station's continuous index space.
  Vec3 lo{1e300, 1e300, 1e300}, hi{-1e300, -1e300, -1e300};
  for (const Volume* s : stations)
    for (int c = 0; c < 8; ++c) {
      const Vec3 p = s->geom.to_patient((c & 1) ? s->dims.nx - 1.0 : 0.0, (c & 2) ? s->dims.ny - 1.0 : 0.0,
                                        (c & 4) ? s->dims.nz - 1.0 : 0.0);
      const Vec3 q = ref.geom.to_index(p);
      for (int a = 0; a < 3; ++a) {
        lo[a] = std::min(lo[a], q[a]);
        hi[a] = std::max(hi[a], q[a]);
      }
    }
  Volume& out = r.grid;
  out.geom = ref.geom;
  out.geom.origin = ref.geom.to_patient(lo[0], lo[1], lo[2]);
  std::size_t n[3];
  for (int a = 0; a < 3; ++a) {
    const double extent = hi[a] - lo[a];
    if (!(extent < 65535)) {
      r.error = "stations too far apart to join";
      return r;
    }
    n[a] = static_cast<std::size_t>(std::floor(extent + 1e-3)) + 1;
  }
  out.dims = {n[0], n[1], n[2]};
  out.is_signed = ref.is_signed;
  out.slope = ref.slope;
  out.intercept = ref.intercept;
  out.repetition_time_s = ref.repetition_time_s;

  std::vector<JoinMap>& maps = r.maps;
  for (const Volume* s : stations) {
    JoinMap m;
    m.integral = true;
    for (int a = 0; a < 3; ++a) {
      m.scale[a] = out.geom.spacing[a] / s->geom.spacing[a];
      m.shift[a] = dot(out.geom.origin - s->geom.origin, s->geom.axis[a]) / s->geom.spacing[a];
      if (std::abs(m.scale[a] - 1) > 1e-6 || std::abs(m.shift[a] - std::round(m.shift[a])) > 1e-3)
        m.integral = false;
      if (m.integral) m.shift[a] = std::round(m.shift[a]);
    }
    const std::size_t sn = axis == 0 ? s->dims.nx : axis == 1 ? s->dims.ny : s->dims.nz;
    m.lo = (0 - m.shift[axis]) / m.scale[axis];
    m.hi = (static_cast<double>(sn - 1) - m.shift[axis]) / m.scale[axis];
    if (m.lo > m.hi) std::swap(m.lo, m.hi);
    m.value_scale = s->slope / ref.slope;
    m.value_shift = (s->intercept - ref.intercept) / ref.slope;
    maps.push_back(m);
  }
  for (std::size_t i = 0; i < maps.size(); ++i)
    for (std::size_t j = 0; j < maps.size(); ++j) {
      if (i == j) continue;
      const double a = std::max(maps[i].lo, maps[j].lo), b = std::min(maps[i].hi, maps[j].hi);
      if (b <= a) continue;
      const double width = b - a;
      if (std::abs(a - maps[i].lo) < std::abs(b - maps[i].hi)) maps[i].ramp_lo = std::max(maps[i].ramp_lo, width);
      else maps[i].ramp_hi = std::max(maps[i].ramp_hi, width);
      if (i < j) r.overlap_mm.push_back(width * out.geom.spacing[axis]);
    }
  r.same_grid = axis != 0;
  for (std::size_t s = 0; s < maps.size(); ++s) {
    const JoinMap& m = maps[s];
    if (!(m.integral && m.value_scale == 1 && m.value_shift == 0 && stations[s]->is_signed == out.is_signed))
      r.same_grid = false;
  }
  return r;
}

int JoinLayout::row_owner(const std::vector<const Volume*>& stations, std::size_t j, std::size_t k, int axis) const {
  int only = -1;
  for (std::size_t s = 0; s < maps.size(); ++s) {
    const JoinMap& m = maps[s];
    const Volume& v = *stations[s];
    const double sj = j + m.shift[1], sk = k + m.shift[2];
    if (sj < 0 || sk < 0 || sj > v.dims.ny - 1.0 || sk > v.dims.nz - 1.0) continue;
    const double pos = along(0, j, k, axis);
    if (only >= 0 || (m.ramp_lo > 0 && pos - m.lo < m.ramp_lo + 0.5) || (m.ramp_hi > 0 && m.hi - pos < m.ramp_hi + 0.5))
      return -2;  // two stations here, or inside a ramp: blend
    only = static_cast<int>(s);
  }
  return only;
}

void blend_row(const JoinLayout& lay, const std::vector<const Volume*>& stations,
               const std::vector<const std::uint16_t*>& rows, std::size_t j, std::size_t k, int axis,
               std::uint16_t* out) {
  const std::size_t nx = lay.grid.dims.nx;
  thread_local std::vector<double> sum, wsum;  // a whole body has thousands of blended rows
  sum.assign(nx, 0.0);
  wsum.assign(nx, 0.0);
  for (std::size_t s = 0; s < lay.maps.size(); ++s) {
    if (!rows[s]) continue;
    const JoinMap& m = lay.maps[s];
    const Volume& v = *stations[s];
    const long shift = static_cast<long>(m.shift[0]);
    // The columns this station covers: no test inside the loops, which then vectorise.
    const long first = std::max(0L, -shift);
    const long last = std::min(static_cast<long>(nx) - 1, static_cast<long>(v.dims.nx) - 1 - shift);
    if (last < first) continue;
    const std::uint16_t* src = rows[s] + shift;
    const auto b = static_cast<std::size_t>(first), e = static_cast<std::size_t>(last) + 1;
    if (axis == 0) {  // joined along the rows: a weight per column
      for (std::size_t i = b; i < e; ++i) {
        const double w = m.weight(along(i, j, k, axis));
        sum[i] += w * (v.is_signed ? static_cast<double>(static_cast<std::int16_t>(src[i])) : src[i]);
        wsum[i] += w;
      }
      continue;
    }
    const double w = m.weight(along(0, j, k, axis));  // one weight per row
    if (v.is_signed) {
      for (std::size_t i = b; i < e; ++i) sum[i] += w * static_cast<double>(static_cast<std::int16_t>(src[i]));
    } else {
      for (std::size_t i = b; i < e; ++i) sum[i] += w * static_cast<double>(src[i]);
    }
    for (std::size_t i = b; i < e; ++i) wsum[i] += w;
  }
  for (std::size_t i = 0; i < nx; ++i)
    if (wsum[i] > 0) out[i] = store(sum[i] / wsum[i], lay.grid.is_signed);
}

JoinResult join_stations(const std::vector<const Volume*>& stations, int axis) {
  JoinResult r;
  JoinLayout lay = plan_join(stations, axis);
  if (!lay.error.empty()) {
    r.error = lay.error;
    return r;
  }
  r.overlap_mm = lay.overlap_mm;
  Volume& out = r.volume;
  out = lay.grid;
  out.allocate();
  const std::vector<JoinMap>& maps = lay.maps;

  if (lay.same_grid) {
    // Stations on one grid: a row only one station covers is that station's row, copied;
    // the overlaps' rows are blended.
    parallel_for(out.dims.nz, 0, [&](std::size_t k) {
      std::vector<const std::uint16_t*> rows(maps.size());
      for (std::size_t j = 0; j < out.dims.ny; ++j) {
        const int owner = lay.row_owner(stations, j, k, axis);
        if (owner == -1) continue;
        for (std::size_t s = 0; s < maps.size(); ++s) {
          const Volume& v = *stations[s];
          const double sj = j + maps[s].shift[1], sk = k + maps[s].shift[2];
          const bool covers = sj >= 0 && sk >= 0 && sj <= v.dims.ny - 1.0 && sk <= v.dims.nz - 1.0;
          rows[s] = covers ? v.data.data() + v.index(0, static_cast<std::size_t>(sj), static_cast<std::size_t>(sk)) : nullptr;
        }
        std::uint16_t* dst = out.data.data() + out.index(0, j, k);
        if (owner >= 0) {
          const Volume& v = *stations[static_cast<std::size_t>(owner)];
          const long shift = static_cast<long>(maps[static_cast<std::size_t>(owner)].shift[0]);
          const long first = std::max(0L, -shift);
          const long last = std::min(static_cast<long>(out.dims.nx) - 1, static_cast<long>(v.dims.nx) - 1 - shift);
          if (last >= first)
            std::copy(rows[static_cast<std::size_t>(owner)] + first + shift,
                      rows[static_cast<std::size_t>(owner)] + last + shift + 1, dst + first);
        } else {
          blend_row(lay, stations, rows, j, k, axis, dst);
        }
      }
    });
    return r;
  }

  // Stations on other grids: each resampled (trilinear), the overlaps blended.
  parallel_for(out.dims.nz, 0, [&](std::size_t k) {
    std::vector<double> sum(out.dims.nx), wsum(out.dims.nx);
    for (std::size_t j = 0; j < out.dims.ny; ++j) {
      std::fill(sum.begin(), sum.end(), 0.0);
      std::fill(wsum.begin(), wsum.end(), 0.0);
      for (std::size_t st = 0; st < maps.size(); ++st) {
        const JoinMap& m = maps[st];
        const Volume& s = *stations[st];
        const double sj = j * m.scale[1] + m.shift[1], sk = k * m.scale[2] + m.shift[2];
        if (sj < -1e-3 || sk < -1e-3 || sj > s.dims.ny - 1 + 1e-3 || sk > s.dims.nz - 1 + 1e-3) continue;
        for (std::size_t i = 0; i < out.dims.nx; ++i) {
          const double si = i * m.scale[0] + m.shift[0];
          if (si < -1e-3 || si > s.dims.nx - 1 + 1e-3) continue;
          const double weight = m.weight(along(i, j, k, axis));
          double v;
          if (m.integral) {
            v = s.raw(s.index(static_cast<std::size_t>(si), static_cast<std::size_t>(sj), static_cast<std::size_t>(sk)));
          } else {
            v = sample_trilinear(s, {std::clamp(si, 0.0, s.dims.nx - 1.0), std::clamp(sj, 0.0, s.dims.ny - 1.0),
                                     std::clamp(sk, 0.0, s.dims.nz - 1.0)});
          }
          sum[i] += weight * (v * m.value_scale + m.value_shift);
          wsum[i] += weight;
        }
      }
      std::uint16_t* row = out.data.data() + out.index(0, j, k);
      for (std::size_t i = 0; i < out.dims.nx; ++i)
        if (wsum[i] > 0) row[i] = store(sum[i] / wsum[i], out.is_signed);
    }
  });
  return r;
}

}  // namespace crmo::imaging
