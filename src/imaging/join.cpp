#include "imaging/join.hpp"

#include <algorithm>
#include <cmath>

#include "imaging/dicom_scan.hpp"

namespace crmo::imaging {

namespace {

struct Mapping {
  const Volume* v = nullptr;
  // Station index along each axis = out index * scale + shift.
  Vec3 scale{1, 1, 1}, shift{0, 0, 0};
  bool integral = false;  // all shifts whole voxels and scales 1: copy without interpolation
  double lo = 0, hi = 0;  // extent along the join axis, in output indices
  double ramp_lo = 0, ramp_hi = 0;  // overlap width (output voxels) at each end, 0: none
  double value_scale = 1, value_shift = 0;  // to the first station's stored values
};

}  // namespace

JoinResult join_stations(const std::vector<const Volume*>& stations, int axis) {
  JoinResult r;
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
  Volume& out = r.volume;
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
  out.allocate();

  std::vector<Mapping> maps;
  for (const Volume* s : stations) {
    Mapping m;
    m.v = s;
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

  // Fast path (stations on one grid, joined along rows or slices): a row only one
  // station covers, outside any overlap, is that station's row, copied.
  const bool all_integral = axis != 0 && std::all_of(maps.begin(), maps.end(), [&](const Mapping& m) {
    return m.integral && m.value_scale == 1 && m.value_shift == 0 && m.v->is_signed == out.is_signed;
  });
  auto copy_row = [&](std::size_t j, std::size_t k) {
    if (!all_integral) return false;
    const Mapping* only = nullptr;
    for (const Mapping& m : maps) {
      const double sj = j + m.shift[1], sk = k + m.shift[2];
      if (sj < 0 || sk < 0 || sj > m.v->dims.ny - 1.0 || sk > m.v->dims.nz - 1.0) continue;
      const double pos = axis == 1 ? static_cast<double>(j) : static_cast<double>(k);
      if (only || (m.ramp_lo > 0 && pos - m.lo < m.ramp_lo + 0.5) || (m.ramp_hi > 0 && m.hi - pos < m.ramp_hi + 0.5))
        return false;  // two stations here, or inside a ramp: blend
      only = &m;
    }
    if (!only) return true;  // no station: the row stays 0
    const Volume& s = *only->v;
    const long shift = static_cast<long>(only->shift[0]);
    const long first = std::max(0L, -shift);
    const long last = std::min(static_cast<long>(out.dims.nx) - 1, static_cast<long>(s.dims.nx) - 1 - shift);
    if (last < first) return true;
    const std::uint16_t* src = s.data.data() + s.index(static_cast<std::size_t>(first + shift),
                                                        static_cast<std::size_t>(j + only->shift[1]),
                                                        static_cast<std::size_t>(k + only->shift[2]));
    std::copy(src, src + (last - first + 1), out.data.data() + out.index(static_cast<std::size_t>(first), j, k));
    return true;
  };
  parallel_for(out.dims.nz, 0, [&](std::size_t k) {
    std::vector<double> w(maps.size());
    std::vector<double> sum(out.dims.nx), wsum(out.dims.nx);
    for (std::size_t j = 0; j < out.dims.ny; ++j) {
      if (copy_row(j, k)) continue;
      std::fill(sum.begin(), sum.end(), 0.0);
      std::fill(wsum.begin(), wsum.end(), 0.0);
      for (const Mapping& m : maps) {
        const Volume& s = *m.v;
        const double sj = j * m.scale[1] + m.shift[1], sk = k * m.scale[2] + m.shift[2];
        if (sj < -1e-3 || sk < -1e-3 || sj > s.dims.ny - 1 + 1e-3 || sk > s.dims.nz - 1 + 1e-3) continue;
        const double u = axis == 0 ? 0 : axis == 1 ? static_cast<double>(j) : static_cast<double>(k);
        for (std::size_t i = 0; i < out.dims.nx; ++i) {
          const double si = i * m.scale[0] + m.shift[0];
          if (si < -1e-3 || si > s.dims.nx - 1 + 1e-3) continue;
          const double pos = axis == 0 ? static_cast<double>(i) : u;
          double weight = 1;
          if (m.ramp_lo > 0) weight = std::min(weight, (pos - m.lo + 0.5) / (m.ramp_lo + 1));
          if (m.ramp_hi > 0) weight = std::min(weight, (m.hi - pos + 0.5) / (m.ramp_hi + 1));
          weight = std::max(weight, 1e-6);
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
      for (std::size_t i = 0; i < out.dims.nx; ++i) {
        if (wsum[i] <= 0) continue;
        const double v = std::round(sum[i] / wsum[i]);
        row[i] = out.is_signed ? static_cast<std::uint16_t>(static_cast<std::int16_t>(std::clamp(v, -32768.0, 32767.0)))
                               : static_cast<std::uint16_t>(std::clamp(v, 0.0, 65535.0));
      }
    }
  });
  return r;
}

}  // namespace crmo::imaging
