#include "imaging/load_joined.hpp"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <map>
#include <mutex>

namespace crmo::imaging {

namespace {

struct SliceJob {
  std::size_t station, z;  // station, and its slice index
  int frame;
};

}  // namespace

bool read_native_rows(const DicomHeader& h, int frame, const std::vector<std::uint16_t*>& to, std::uint16_t* discard,
                      std::string& error) {
  const std::size_t row_bytes = static_cast<std::size_t>(h.cols) * 2;
  const std::uint64_t need = static_cast<std::uint64_t>(row_bytes) * static_cast<std::uint64_t>(h.rows);
  if (h.pixel_length < need * static_cast<std::uint64_t>(frame + 1)) {
    error = "pixel data length " + std::to_string(h.pixel_length) + " does not match rows x columns x frames";
    return false;
  }
  const int fd = ::open(h.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot read the file";
    return false;
  }
  const std::uint64_t at = h.pixel_offset + need * static_cast<std::uint64_t>(frame);
  std::uint64_t got = 0;
  std::vector<iovec> iov;
  for (std::size_t first = 0; first < to.size() && got == first * row_bytes; first += IOV_MAX) {
    const std::size_t n = std::min<std::size_t>(IOV_MAX, to.size() - first);
    iov.clear();
    for (std::size_t r = first; r < first + n; ++r) iov.push_back({to[r] ? to[r] : discard, row_bytes});
    const ssize_t r = ::preadv(fd, iov.data(), static_cast<int>(n), static_cast<off_t>(at + got));
    if (r > 0) got += static_cast<std::uint64_t>(r);
  }
  ::close(fd);
  if (got < need) {  // a short read is the end of the file: regular files read fully otherwise
    error = "pixel data truncated: " + std::to_string(got) + " of " + std::to_string(need) + " bytes";
    return false;
  }
  return true;
}

bool read_native_frame(const DicomHeader& h, int frame, std::uint16_t* out, std::string& error) {
  std::vector<std::uint16_t*> rows(static_cast<std::size_t>(std::max(h.rows, 0)));
  for (std::size_t r = 0; r < rows.size(); ++r) rows[r] = out + r * static_cast<std::size_t>(h.cols);
  return read_native_rows(h, frame, rows, nullptr, error);
}

JoinResult load_joined(const std::vector<DicomHeader>& headers, const std::vector<const SeriesPlan*>& stations,
                       int axis, std::vector<Problem>& problems, unsigned threads) {
  std::vector<Volume> grids;
  std::vector<const Volume*> ptrs;
  bool simple = true;
  for (const SeriesPlan* p : stations) {
    grids.push_back(grid_of(*p));
    if (p->nt != 1 || p->mosaic) simple = false;
  }
  for (const Volume& g : grids) ptrs.push_back(&g);
  const JoinLayout lay = plan_join(ptrs, axis);
  JoinResult r;
  if (!lay.error.empty()) {
    r.error = lay.error;
    return r;
  }
  if (!simple || !lay.same_grid) {
    std::vector<Volume> loaded;
    for (const SeriesPlan* p : stations) {
      LoadResult lr = load_series(headers, *p, {}, threads);
      problems.insert(problems.end(), lr.problems.begin(), lr.problems.end());
      loaded.push_back(std::move(lr.volume));
    }
    std::vector<const Volume*> lp;
    for (const Volume& v : loaded) lp.push_back(&v);
    return join_stations(lp, axis);
  }
  r.overlap_mm = lay.overlap_mm;
  Volume& out = r.volume;
  out = lay.grid;
  out.allocate();
  const std::size_t nx = out.dims.nx, ny = out.dims.ny, nz = out.dims.nz, ns = stations.size();
  // Each output row: its one station, or a slot among the blended rows.
  std::vector<int> owner(ny * nz);
  std::vector<std::size_t> slot(ny * nz, 0);
  std::size_t blended = 0, wide = 0;
  for (std::size_t k = 0; k < nz; ++k)
    for (std::size_t j = 0; j < ny; ++j) {
      owner[k * ny + j] = lay.row_owner(ptrs, j, k, axis);
      if (owner[k * ny + j] == -2) slot[k * ny + j] = blended++;
    }
  for (const Volume& g : grids) wide = std::max(wide, g.dims.nx);
  // The overlaps' rows of every station, kept aside until all are read.
  std::vector<std::uint16_t> side(blended * ns * wide, 0);
  std::vector<char> have(blended * ns, 0);
  // Slices per file, so each file is read once.
  std::map<std::size_t, std::vector<SliceJob>> by_file;
  for (std::size_t s = 0; s < ns; ++s)
    for (std::size_t z = 0; z < stations[s]->slices.size(); ++z) {
      const SliceRef& ref = stations[s]->slices[z];
      by_file[ref.header].push_back({s, z, ref.frame});
    }
  std::vector<std::pair<std::size_t, std::vector<SliceJob>>> jobs(by_file.begin(), by_file.end());
  std::mutex m;
  parallel_for(jobs.size(), threads, [&](std::size_t f) {
    const DicomHeader& h = headers[jobs[f].first];
    thread_local std::vector<std::uint16_t> buf;  // one slice, reused
    DecodedPixels px;
    std::string error;
    const bool native = h.native_pixels && h.bits_allocated == 16 && h.samples_per_pixel == 1;
    if (!native) {
      px = decode_dicom_pixels(h.path);
      error = px.error;
      if (error.empty() && (px.rows != h.rows || px.cols != h.cols))
        error = "decoded size differs from the header's rows and columns";
    }
    for (const SliceJob& job : jobs[f].second) {
      if (!error.empty()) break;
      const Volume& g = grids[job.station];
      const std::size_t plane = g.dims.nx * g.dims.ny;
      const std::uint16_t* src;
      if (native) {
        buf.resize(static_cast<std::size_t>(h.rows) * static_cast<std::size_t>(h.cols));
        if (!read_native_frame(h, job.frame, buf.data(), error)) break;
        src = buf.data();
      } else if (job.frame < px.frames) {
        src = px.data.data() + static_cast<std::size_t>(job.frame) * plane;
      } else {
        error = "frame " + std::to_string(job.frame) + " missing from pixel data";
        break;
      }
      const JoinMap& mp = lay.maps[job.station];
      const long shift_x = static_cast<long>(mp.shift[0]);
      const long k = static_cast<long>(job.z) - static_cast<long>(mp.shift[2]);
      if (k < 0 || k >= static_cast<long>(nz)) continue;
      for (std::size_t js = 0; js < g.dims.ny; ++js) {
        const long j = static_cast<long>(js) - static_cast<long>(mp.shift[1]);
        if (j < 0 || j >= static_cast<long>(ny)) continue;
        const std::size_t row = static_cast<std::size_t>(k) * ny + static_cast<std::size_t>(j);
        const std::uint16_t* s = src + js * g.dims.nx;
        if (owner[row] == static_cast<int>(job.station)) {
          const long first = std::max(0L, -shift_x);
          const long last = std::min(static_cast<long>(nx) - 1, static_cast<long>(g.dims.nx) - 1 - shift_x);
          if (last >= first)
            std::memcpy(out.data.data() + row * nx + first, s + first + shift_x,
                        static_cast<std::size_t>(last - first + 1) * 2);
        } else if (owner[row] == -2) {
          const std::size_t at = slot[row] * ns + job.station;
          std::memcpy(side.data() + at * wide, s, g.dims.nx * 2);
          have[at] = 1;
        }
      }
    }
    if (!error.empty()) {
      std::lock_guard lock(m);
      problems.push_back({h.path, error});
    }
  });
  // The overlaps: each station's rows as join_stations blends them (unread rows count as
  // zeros there too, since a station that failed to decode keeps zeros).
  std::vector<std::size_t> blend_rows;
  blend_rows.reserve(blended);
  for (std::size_t row = 0; row < ny * nz; ++row)
    if (owner[row] == -2) blend_rows.push_back(row);
  std::vector<std::uint16_t> zeros(wide, 0);
  parallel_for(blend_rows.size(), threads, [&](std::size_t b) {
    const std::size_t row = blend_rows[b], j = row % ny, k = row / ny;
    std::vector<const std::uint16_t*> rows(ns, nullptr);
    for (std::size_t s = 0; s < ns; ++s) {
      const Volume& g = grids[s];
      const double sj = j + lay.maps[s].shift[1], sk = k + lay.maps[s].shift[2];
      if (sj < 0 || sk < 0 || sj > g.dims.ny - 1.0 || sk > g.dims.nz - 1.0) continue;
      const std::size_t at = slot[row] * ns + s;
      rows[s] = have[at] ? side.data() + at * wide : zeros.data();
    }
    blend_row(lay, ptrs, rows, j, k, axis, out.data.data() + row * nx);
  });
  return r;
}

}  // namespace crmo::imaging
