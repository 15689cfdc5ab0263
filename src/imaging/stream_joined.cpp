#include "imaging/stream_joined.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "imaging/dicom_scan.hpp"
#include "imaging/load_joined.hpp"
#include "imaging/nifti.hpp"

namespace crmo::imaging {

namespace {

bool pwrite_all(int fd, const void* data, std::size_t n, std::size_t at) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::pwrite(fd, p, n, static_cast<off_t>(at));
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
    at += static_cast<std::size_t>(w);
  }
  return true;
}

// Plane k of the whole body, rows back top-down (as in memory), from the file's
// bottom-up rows: what coronal_mip and coronal_slice draw from.
Volume plane_in_memory_order(const Volume& grid, std::size_t k, const std::uint16_t* file_rows) {
  Volume v;
  v.dims = {grid.dims.nx, grid.dims.ny, 1};
  v.geom = grid.geom;
  v.geom.origin = grid.geom.to_patient(0, 0, static_cast<double>(k));
  v.is_signed = grid.is_signed;
  v.slope = grid.slope;
  v.intercept = grid.intercept;
  const std::size_t nx = grid.dims.nx, ny = grid.dims.ny;
  v.data.resize(nx * ny);
  for (std::size_t j = 0; j < ny; ++j)
    std::copy(file_rows + (ny - 1 - j) * nx, file_rows + (ny - j) * nx, v.data.data() + j * nx);
  return v;
}

// A worker's buffers outlive the call: the next sequence's workers take the pages this
// one faulted in (about 3.5 MB a worker for a 384-wide whole body) instead of fresh ones.
struct WorkerBuffers {
  std::vector<std::uint16_t> slice, frames, max_u, discard;
  std::vector<std::int16_t> max_s;
};
std::mutex pool_mutex;
std::vector<std::unique_ptr<WorkerBuffers>> pool;

std::unique_ptr<WorkerBuffers> take_buffers() {
  std::lock_guard lock(pool_mutex);
  if (pool.empty()) return std::make_unique<WorkerBuffers>();
  auto b = std::move(pool.back());
  pool.pop_back();
  return b;
}

void give_back(std::unique_ptr<WorkerBuffers> b) {
  std::lock_guard lock(pool_mutex);
  pool.push_back(std::move(b));
}

std::vector<const Volume*> pointers(const std::vector<Volume>& v) {
  std::vector<const Volume*> p;
  for (const Volume& x : v) p.push_back(&x);
  return p;
}

}  // namespace

bool streamable(const std::vector<DicomHeader>& headers, const std::vector<const SeriesPlan*>& stations, int axis) {
  if (stations.empty()) return false;
  std::vector<Volume> grids;
  for (const SeriesPlan* p : stations) {
    if (p->nt != 1 || p->mosaic) return false;
    for (const SliceRef& s : p->slices) {
      const DicomHeader& h = headers[s.header];
      if (!h.native_pixels || h.bits_allocated != 16 || h.samples_per_pixel != 1) return false;
      if (h.rows != static_cast<int>(p->dims.ny) || h.cols != static_cast<int>(p->dims.nx)) return false;
    }
    grids.push_back(grid_of(*p));
  }
  const JoinLayout lay = plan_join(pointers(grids), axis);
  if (!lay.error.empty() || !lay.same_grid) return false;
  int col, row, depth;
  coronal_axes(lay.grid.geom, col, row, depth);
  return col == 0 && row == 1 && depth == 2;  // coronal: a file slice is a picture's slice
}

StreamedBody stream_joined(const std::vector<DicomHeader>& headers, const std::vector<const SeriesPlan*>& stations,
                           int axis, const std::string& path, const std::string& description,
                           std::vector<Problem>& problems, unsigned threads) {
  StreamedBody out;
  std::vector<Volume> grids;
  for (const SeriesPlan* p : stations) grids.push_back(grid_of(*p));
  const std::vector<const Volume*> ptrs = pointers(grids);
  const JoinLayout lay = plan_join(ptrs, axis);
  if (!lay.error.empty()) {
    out.error = lay.error;
    return out;
  }
  out.grid = lay.grid;
  out.overlap_mm = lay.overlap_mm;
  const std::size_t nx = lay.grid.dims.nx, ny = lay.grid.dims.ny, nz = lay.grid.dims.nz, ns = stations.size();
  const std::size_t plane = nx * ny;
  out.voxel_bytes = plane * nz * 2;

  const std::string tmp = path + ".part";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write " + tmp);
  struct Cleanup {
    int fd;
    const std::string& tmp;
    bool done = false;
    ~Cleanup() {
      if (fd >= 0) ::close(fd);
      if (!done) std::remove(tmp.c_str());
    }
  } cleanup{fd, tmp};

  std::mutex m;
  bool write_failed = false;
  std::vector<std::uint16_t> mip(plane,
                                 0);  // stored values, the file's row order
  std::vector<std::int16_t> mip_signed(lay.grid.is_signed ? plane : 0, INT16_MIN);
  std::size_t wide = 0;
  for (const Volume& g : grids) wide = std::max(wide, g.dims.nx * g.dims.ny);
  // One worker per thread, each with its slice buffers and its own MIP, merged
  // at the end.
  const std::size_t workers =
      std::min<std::size_t>(nz, threads ? threads : std::max(1u, std::thread::hardware_concurrency()));
  // Stations on the grid's columns (the usual case) have their rows read straight to
  // their place in the slice (rows reversed, as the file stores them): one copy, by the
  // kernel. Overlap rows, and every row of a station shifted sideways, go to `frames`.
  std::vector<char> direct(ns);
  for (std::size_t s = 0; s < ns; ++s) direct[s] = grids[s].dims.nx == nx && lay.maps[s].shift[0] == 0;
  parallel_for(workers, static_cast<unsigned>(workers), [&](std::size_t w) {
    std::unique_ptr<WorkerBuffers> buffers = take_buffers();
    // Old contents may stay in slice (cleared per slice), frames (every row read is written
    // first) and discard; the maxima start afresh.
    std::vector<std::uint16_t>& slice = buffers->slice;
    std::vector<std::uint16_t>& frames = buffers->frames;
    std::vector<std::uint16_t>& max_u = buffers->max_u;
    std::vector<std::int16_t>& max_s = buffers->max_s;
    slice.resize(plane);
    frames.resize(wide * ns);
    buffers->discard.resize(wide);
    max_u.assign(lay.grid.is_signed ? 0 : plane, 0);
    max_s.assign(lay.grid.is_signed ? plane : 0, INT16_MIN);
    std::vector<int> owners(ny);
    std::vector<std::uint16_t*> to;
    bool ok = true;
    for (std::size_t k = w; k < nz; k += workers) {
      std::fill(slice.begin(), slice.end(), 0);
      for (std::size_t j = 0; j < ny; ++j) owners[j] = lay.row_owner(ptrs, j, k, axis);
      // Each station's slice for this output slice, read once (zeros where unreadable).
      std::vector<const std::uint16_t*> base(ns, nullptr);
      for (std::size_t s = 0; s < ns; ++s) {
        const double sk = static_cast<double>(k) + lay.maps[s].shift[2];
        if (sk < 0 || sk > grids[s].dims.nz - 1.0) continue;
        const SliceRef& ref = stations[s]->slices[static_cast<std::size_t>(sk)];
        const DicomHeader& h = headers[ref.header];
        const std::size_t sny = grids[s].dims.ny, snx = grids[s].dims.nx;
        const long shift_j = std::lround(lay.maps[s].shift[1]);
        std::uint16_t* side = frames.data() + s * wide;
        to.assign(sny, nullptr);
        for (std::size_t js = 0; js < sny; ++js) {
          const long j = static_cast<long>(js) - shift_j;
          if (j < 0 || j >= static_cast<long>(ny)) continue;
          const int owner = owners[static_cast<std::size_t>(j)];
          if (direct[s] && owner == static_cast<int>(s))
            to[js] = slice.data() + (ny - 1 - static_cast<std::size_t>(j)) * nx;
          else if (owner == -2 || (!direct[s] && owner == static_cast<int>(s)))
            to[js] = side + js * snx;
        }
        std::string error;
        if (!read_native_rows(h, ref.frame, to, buffers->discard.data(), error)) {
          for (std::uint16_t* row : to)
            if (row) std::fill(row, row + snx, 0);
          std::lock_guard lock(m);
          problems.push_back({h.path, error});
        }
        base[s] = side;
      }
      // Rows as join_stations places them; row j is stored at ny-1-j (bottom-up).
      std::vector<const std::uint16_t*> rows(ns);
      for (std::size_t j = 0; j < ny; ++j) {
        const int owner = owners[j];
        if (owner == -1 || (owner >= 0 && direct[static_cast<std::size_t>(owner)])) continue;
        for (std::size_t s = 0; s < ns; ++s) {
          const double sj = j + lay.maps[s].shift[1];
          const bool covers = base[s] && sj >= 0 && sj <= grids[s].dims.ny - 1.0;
          rows[s] = covers ? base[s] + static_cast<std::size_t>(sj) * grids[s].dims.nx : nullptr;
        }
        std::uint16_t* dst = slice.data() + (ny - 1 - j) * nx;
        if (owner >= 0) {
          const auto o = static_cast<std::size_t>(owner);
          if (!rows[o]) continue;
          const long shift = static_cast<long>(lay.maps[o].shift[0]);
          const long first = std::max(0L, -shift);
          const long last = std::min(static_cast<long>(nx) - 1, static_cast<long>(grids[o].dims.nx) - 1 - shift);
          if (last >= first) std::copy(rows[o] + first + shift, rows[o] + last + shift + 1, dst + first);
        } else {
          blend_row(lay, ptrs, rows, j, k, axis, dst);
        }
      }
      if (lay.grid.is_signed) {
        for (std::size_t i = 0; i < plane; ++i) max_s[i] = std::max(max_s[i], static_cast<std::int16_t>(slice[i]));
      } else {
        for (std::size_t i = 0; i < plane; ++i) max_u[i] = std::max(max_u[i], slice[i]);
      }
      ok = ok && pwrite_all(fd, slice.data(), plane * 2, kNiftiVoxOffset + k * plane * 2);
    }
    std::lock_guard lock(m);
    if (!ok) write_failed = true;
    for (std::size_t i = 0; i < max_s.size(); ++i) mip_signed[i] = std::max(mip_signed[i], max_s[i]);
    for (std::size_t i = 0; i < max_u.size(); ++i) mip[i] = std::max(mip[i], max_u[i]);
    give_back(std::move(buffers));
  });
  NiftiOptions opt;
  opt.description = description;
  // Some value with bit 15 set (uint16 then, else int16) shows in the MIP.
  std::uint16_t any_high = 0;
  if (!lay.grid.is_signed)
    for (std::uint16_t x : mip) any_high |= x;
  const bool fits_i16 = lay.grid.is_signed || (any_high & 0x8000) == 0;
  const auto head = nifti_header(lay.grid, fits_i16, opt);
  if (write_failed || !pwrite_all(fd, head.data(), head.size(), 0)) throw std::runtime_error("write failed: " + tmp);
  const int closing = cleanup.fd;
  cleanup.fd = -1;
  if (::close(closing) != 0) throw std::runtime_error("write failed: " + tmp);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot write " + path);
  cleanup.done = true;

  if (lay.grid.is_signed) std::copy(mip_signed.begin(), mip_signed.end(), mip.begin());
  out.mip = coronal_mip(plane_in_memory_order(lay.grid, 0, mip.data()));
  return out;
}

double streamed_row_max(const Volume& grid, const std::string& path, std::size_t row, std::size_t k) {
  const std::size_t nx = grid.dims.nx, ny = grid.dims.ny;
  std::vector<std::uint16_t> r(nx);
  const std::size_t at = kNiftiVoxOffset + ((k * ny) + (ny - 1 - row)) * nx * 2;  // rows bottom-up
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot read " + path);
  const ssize_t got = ::pread(fd, r.data(), nx * 2, static_cast<off_t>(at));
  ::close(fd);
  if (got != static_cast<ssize_t>(nx * 2))
    throw std::runtime_error("cannot read row " + std::to_string(row) + " of slice " + std::to_string(k) + " of " + path);
  double m = -1e300;
  for (std::uint16_t x : r) {
    const double raw = grid.is_signed ? static_cast<double>(static_cast<std::int16_t>(x)) : x;
    m = std::max(m, raw * grid.slope + grid.intercept);
  }
  return m;
}

Picture streamed_coronal_slice(const Volume& grid, const std::string& path, std::size_t k) {
  k = std::min(k, grid.dims.nz - 1);
  std::vector<std::uint16_t> rows(grid.dims.nx * grid.dims.ny);
  const std::size_t bytes = rows.size() * 2;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot read " + path);
  const ssize_t got = ::pread(fd, rows.data(), bytes, static_cast<off_t>(kNiftiVoxOffset + k * bytes));
  ::close(fd);
  if (got != static_cast<ssize_t>(bytes))
    throw std::runtime_error("cannot read slice " + std::to_string(k) + " of " + path);
  Picture p = coronal_slice(plane_in_memory_order(grid, k, rows.data()), 0);
  p.geom = grid.geom;  // as coronal_slice(whole body, k) has it
  return p;
}

}  // namespace crmo::imaging
