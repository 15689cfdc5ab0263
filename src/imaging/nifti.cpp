#include "imaging/nifti.hpp"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cerrno>
#include <climits>
#include <cstring>
#include <stdexcept>

namespace crmo::imaging {

namespace {

#pragma pack(push, 1)
struct Nifti1Header {
  std::int32_t sizeof_hdr = 348;
  char data_type[10]{};
  char db_name[18]{};
  std::int32_t extents = 0;
  std::int16_t session_error = 0;
  char regular = 'r';
  char dim_info = 0;
  std::int16_t dim[8]{};
  float intent_p1 = 0, intent_p2 = 0, intent_p3 = 0;
  std::int16_t intent_code = 0, datatype = 0, bitpix = 0, slice_start = 0;
  float pixdim[8]{};
  float vox_offset = 352;
  float scl_slope = 1, scl_inter = 0;
  std::int16_t slice_end = 0;
  char slice_code = 0, xyzt_units = 10;
  float cal_max = 0, cal_min = 0, slice_duration = 0, toffset = 0;
  std::int32_t glmax = 0, glmin = 0;
  char descrip[80]{};
  char aux_file[24]{};
  std::int16_t qform_code = 1, sform_code = 1;
  float quatern_b = 0, quatern_c = 0, quatern_d = 0, qoffset_x = 0, qoffset_y = 0, qoffset_z = 0;
  float srow_x[4]{}, srow_y[4]{}, srow_z[4]{};
  char intent_name[16]{};
  char magic[4] = {'n', '+', '1', '\0'};
};
#pragma pack(pop)
static_assert(sizeof(Nifti1Header) == 348);

bool ends_with(const std::string& s, const std::string& suf) {
  return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
}

// nifti_mat44_to_quatern for a rotation with columns already of unit length.
void to_quatern(const std::array<double, 16>& m, const Vec3& pixdim, double& qb, double& qc, double& qd,
                double& qfac) {
  double r[3][3];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) r[i][j] = m[i * 4 + j] / pixdim[j];
  const double det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) -
                     r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0]) +
                     r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
  qfac = det < 0 ? -1 : 1;
  if (det < 0)
    for (int i = 0; i < 3; ++i) r[i][2] = -r[i][2];
  double a = r[0][0] + r[1][1] + r[2][2] + 1, b, c, d;
  if (a > 0.5) {
    a = 0.5 * std::sqrt(a);
    b = 0.25 * (r[2][1] - r[1][2]) / a;
    c = 0.25 * (r[0][2] - r[2][0]) / a;
    d = 0.25 * (r[1][0] - r[0][1]) / a;
  } else {
    const double xd = 1 + r[0][0] - (r[1][1] + r[2][2]), yd = 1 + r[1][1] - (r[0][0] + r[2][2]),
                 zd = 1 + r[2][2] - (r[0][0] + r[1][1]);
    if (xd > 1) {
      b = 0.5 * std::sqrt(xd);
      c = 0.25 * (r[0][1] + r[1][0]) / b;
      d = 0.25 * (r[0][2] + r[2][0]) / b;
      a = 0.25 * (r[2][1] - r[1][2]) / b;
    } else if (yd > 1) {
      c = 0.5 * std::sqrt(yd);
      b = 0.25 * (r[0][1] + r[1][0]) / c;
      d = 0.25 * (r[1][2] + r[2][1]) / c;
      a = 0.25 * (r[0][2] - r[2][0]) / c;
    } else {
      d = 0.5 * std::sqrt(zd);
      b = 0.25 * (r[0][2] + r[2][0]) / d;
      c = 0.25 * (r[1][2] + r[2][1]) / d;
      a = 0.25 * (r[1][0] - r[0][1]) / d;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  qb = b;
  qc = c;
  qd = d;
}

// Writes all of `iov` (writev may write part of it), advancing through the entries.
bool write_all(int fd, std::vector<iovec>& iov) {
  std::size_t at = 0;
  while (at < iov.size()) {
    const int n = static_cast<int>(std::min<std::size_t>(iov.size() - at, IOV_MAX));
    ssize_t w = ::writev(fd, iov.data() + at, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    while (at < iov.size() && static_cast<std::size_t>(w) >= iov[at].iov_len) {
      w -= static_cast<ssize_t>(iov[at].iov_len);
      ++at;
    }
    if (at < iov.size()) {
      iov[at].iov_base = static_cast<char*>(iov[at].iov_base) + w;
      iov[at].iov_len -= static_cast<std::size_t>(w);
    }
  }
  return true;
}

// Uncompressed 16-bit volumes: each plane's rows handed to the kernel in file order
// (bottom-up when flipped) by writev, without copying them in user space first.
void write_raw(const std::string& tmp, const void* header, std::size_t header_bytes, const Volume& v, bool flip) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write " + tmp);
  const std::size_t nx = v.dims.nx, ny = v.dims.ny;
  std::vector<iovec> iov;
  iov.push_back({const_cast<void*>(header), header_bytes});
  bool ok = true;
  for (std::size_t plane = 0; ok && plane < v.nt * v.dims.nz; ++plane) {
    const std::uint16_t* base = v.data.data() + plane * nx * ny;
    if (flip) {
      for (std::size_t jj = 0; jj < ny; ++jj)
        iov.push_back({const_cast<std::uint16_t*>(base + (ny - 1 - jj) * nx), nx * 2});
    } else {
      iov.push_back({const_cast<std::uint16_t*>(base), nx * ny * 2});
    }
    if (iov.size() >= 512 || plane + 1 == v.nt * v.dims.nz) {
      ok = write_all(fd, iov);
      iov.clear();
    }
  }
  if (v.nt * v.dims.nz == 0) ok = write_all(fd, iov);
  if (::close(fd) != 0 || !ok) throw std::runtime_error("write failed: " + tmp);
}

class Sink {
 public:
  // `path` is the temporary file; `gz` whether to compress.
  Sink(const std::string& path, bool gz, int level) : gz_(gz) {
    if (gz_) {
      const std::string mode = "wb" + std::to_string(std::clamp(level, 0, 9));
      g_ = gzopen(path.c_str(), mode.c_str());
      if (!g_) throw std::runtime_error("cannot write " + path);
      gzbuffer(g_, 1 << 20);
    } else {
      f_ = std::fopen(path.c_str(), "wb");
      if (!f_) throw std::runtime_error("cannot write " + path);
    }
    path_ = path;
  }
  ~Sink() { close(); }
  void write(const void* p, std::size_t n) {
    const bool ok = gz_ ? gzwrite(g_, p, static_cast<unsigned>(n)) == static_cast<int>(n)
                        : std::fwrite(p, 1, n, f_) == n;
    if (!ok) throw std::runtime_error("write failed: " + path_);
  }
  void close() {
    if (g_ && gzclose(g_) != Z_OK) {
      g_ = nullptr;
      throw std::runtime_error("write failed: " + path_);
    }
    if (f_ && std::fclose(f_) != 0) {
      f_ = nullptr;
      throw std::runtime_error("write failed: " + path_);
    }
    g_ = nullptr;
    f_ = nullptr;
  }

 private:
  bool gz_;
  gzFile g_ = nullptr;
  std::FILE* f_ = nullptr;
  std::string path_;
};

}  // namespace

std::array<double, 16> qform_matrix(double b, double c, double d, const Vec3& offset, const Vec3& pixdim,
                                    double qfac) {
  double a = 1.0 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    a = 1.0 / std::sqrt(b * b + c * c + d * d);
    b *= a;
    c *= a;
    d *= a;
    a = 0;
  } else {
    a = std::sqrt(a);
  }
  const double xd = pixdim[0], yd = pixdim[1], zd = qfac < 0 ? -pixdim[2] : pixdim[2];
  return {(a * a + b * b - c * c - d * d) * xd, 2 * (b * c - a * d) * yd, 2 * (b * d + a * c) * zd, offset[0],
          2 * (b * c + a * d) * xd, (a * a + c * c - b * b - d * d) * yd, 2 * (c * d - a * b) * zd, offset[1],
          2 * (b * d - a * c) * xd, 2 * (c * d + a * b) * yd, (a * a + d * d - c * c - b * b) * zd, offset[2],
          0, 0, 0, 1};
}

namespace {

Nifti1Header make_header(const Volume& v, bool fits_i16, const NiftiOptions& opt, const std::string& path) {
  Nifti1Header h;
  const Geometry g = opt.flip_rows ? flipped(v.geom, 1, v.dims.ny) : v.geom;
  h.dim[0] = v.nt > 1 ? 4 : 3;
  h.dim[1] = static_cast<std::int16_t>(v.dims.nx);
  h.dim[2] = static_cast<std::int16_t>(v.dims.ny);
  h.dim[3] = static_cast<std::int16_t>(v.dims.nz);
  h.dim[4] = static_cast<std::int16_t>(v.nt);
  for (int i = 5; i < 8; ++i) h.dim[i] = 1;
  if (v.dims.nx > 32767 || v.dims.ny > 32767 || v.dims.nz > 32767 || v.nt > 32767)
    throw std::runtime_error("volume too large for NIfTI-1: " + path);
  if (opt.labels_u8) {
    h.datatype = 2;
    h.bitpix = 8;
  } else {
    h.datatype = fits_i16 ? 4 : 512;
    h.bitpix = 16;
  }
  const auto ras = g.affine_ras();
  const Vec3 pd = g.spacing;
  double qb, qc, qd, qfac;
  to_quatern(ras, pd, qb, qc, qd, qfac);
  h.pixdim[0] = static_cast<float>(qfac);
  for (int i = 0; i < 3; ++i) h.pixdim[i + 1] = static_cast<float>(pd[i]);
  h.pixdim[4] = static_cast<float>(v.repetition_time_s);
  h.quatern_b = static_cast<float>(qb);
  h.quatern_c = static_cast<float>(qc);
  h.quatern_d = static_cast<float>(qd);
  h.qoffset_x = static_cast<float>(ras[3]);
  h.qoffset_y = static_cast<float>(ras[7]);
  h.qoffset_z = static_cast<float>(ras[11]);
  for (int c = 0; c < 4; ++c) {
    h.srow_x[c] = static_cast<float>(ras[c]);
    h.srow_y[c] = static_cast<float>(ras[4 + c]);
    h.srow_z[c] = static_cast<float>(ras[8 + c]);
  }
  h.scl_slope = static_cast<float>(v.slope);
  h.scl_inter = static_cast<float>(v.intercept);
  std::strncpy(h.descrip, opt.description.c_str(), sizeof(h.descrip) - 1);
  return h;
}

}  // namespace

std::array<char, kNiftiVoxOffset> nifti_header(const Volume& grid, bool fits_i16, const NiftiOptions& opt) {
  const Nifti1Header h = make_header(grid, fits_i16, opt, "");
  std::array<char, kNiftiVoxOffset> head{};
  std::memcpy(head.data(), &h, sizeof h);  // then 4 zero bytes: no extensions
  return head;
}

void write_nifti(const Volume& v, const std::string& path, const NiftiOptions& opt) {
  // Unsigned values above 32767 need uint16; otherwise int16, as dcm2niix writes.
  std::uint16_t any_high = 0;
  if (!v.is_signed)
    for (auto x : v.data) any_high |= x;  // no early exit: the loop vectorises
  const bool fits_i16 = (any_high & 0x8000) == 0;
  const Nifti1Header h = make_header(v, fits_i16, opt, path);
  // All or nothing: written beside the target, renamed into place when complete.
  const std::string tmp = path + ".part";
  struct Cleanup {
    const std::string& p;
    bool done = false;
    ~Cleanup() {
      if (!done) std::remove(p.c_str());
    }
  } cleanup{tmp};
  const bool gz = ends_with(path, ".gz");
  if (!gz && !opt.labels_u8) {
    char head[kNiftiVoxOffset] = {};
    std::memcpy(head, &h, sizeof h);  // then 4 zero bytes: no extensions
    write_raw(tmp, head, sizeof head, v, opt.flip_rows);
    if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot write " + path);
    cleanup.done = true;
    return;
  }
  Sink out(tmp, gz, opt.gzip_level);
  out.write(&h, sizeof h);
  const char ext[4] = {0, 0, 0, 0};
  out.write(ext, 4);
  const std::size_t nx = v.dims.nx, ny = v.dims.ny;
  std::vector<std::uint8_t> row8(nx);
  for (std::size_t vol = 0; vol < v.nt * v.dims.nz; ++vol) {
    const std::uint16_t* plane = v.data.data() + vol * nx * ny;
    if (!opt.flip_rows && !opt.labels_u8) {
      out.write(plane, nx * ny * 2);
      continue;
    }
    for (std::size_t jj = 0; jj < ny; ++jj) {
      const std::size_t j = opt.flip_rows ? ny - 1 - jj : jj;
      const std::uint16_t* row = plane + j * nx;
      if (opt.labels_u8) {
        for (std::size_t i = 0; i < nx; ++i) row8[i] = static_cast<std::uint8_t>(std::min<std::uint16_t>(row[i], 255));
        out.write(row8.data(), nx);
      } else {
        out.write(row, nx * 2);
      }
    }
  }
  out.close();
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot write " + path);
  cleanup.done = true;
}

NiftiRead read_nifti(const std::string& path) {
  NiftiRead r;
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) {
    r.error = "cannot open " + path;
    return r;
  }
  gzbuffer(f, 1 << 20);
  Nifti1Header h;
  if (gzread(f, &h, sizeof h) != static_cast<int>(sizeof h) || h.sizeof_hdr != 348) {
    gzclose(f);
    r.error = path + ": not a little-endian NIfTI-1 file";
    return r;
  }
  r.datatype = h.datatype;
  if ((h.datatype != 2 && h.datatype != 4 && h.datatype != 512) || h.dim[0] < 3 || h.dim[0] > 4 ||
      h.dim[1] < 1 || h.dim[2] < 1 || h.dim[3] < 1 || h.vox_offset < 348) {
    gzclose(f);
    r.error = path + ": unsupported NIfTI (datatype " + std::to_string(h.datatype) + ")";
    return r;
  }
  Volume v;
  v.dims = {static_cast<std::size_t>(h.dim[1]), static_cast<std::size_t>(h.dim[2]),
            static_cast<std::size_t>(h.dim[3])};
  v.nt = h.dim[0] == 4 && h.dim[4] > 1 ? static_cast<std::size_t>(h.dim[4]) : 1;
  v.is_signed = h.datatype == 4;
  v.slope = h.scl_slope == 0 ? 1 : h.scl_slope;
  v.intercept = h.scl_inter;
  v.repetition_time_s = h.pixdim[4];
  for (int c = 0; c < 4; ++c) {
    r.sform[c] = h.srow_x[c];
    r.sform[4 + c] = h.srow_y[c];
    r.sform[8 + c] = h.srow_z[c];
  }
  r.sform[15] = 1;
  r.qform = qform_matrix(h.quatern_b, h.quatern_c, h.quatern_d, {h.qoffset_x, h.qoffset_y, h.qoffset_z},
                         {h.pixdim[1], h.pixdim[2], h.pixdim[3]}, h.pixdim[0]);
  const auto geom = geometry_from_ras(h.sform_code > 0 ? r.sform : r.qform);
  if (!geom) {
    gzclose(f);
    r.error = path + ": degenerate affine";
    return r;
  }
  v.geom = *geom;
  std::vector<char> skip(static_cast<std::size_t>(h.vox_offset) - sizeof h);
  if (!skip.empty()) gzread(f, skip.data(), static_cast<unsigned>(skip.size()));
  v.allocate();
  const std::size_t n = v.data.size();
  bool ok;
  if (h.datatype == 2) {
    std::vector<std::uint8_t> b(n);
    ok = gzread(f, b.data(), static_cast<unsigned>(n)) == static_cast<int>(n);
    std::copy(b.begin(), b.end(), v.data.begin());
  } else {
    ok = gzread(f, v.data.data(), static_cast<unsigned>(n * 2)) == static_cast<int>(n * 2);
  }
  gzclose(f);
  if (!ok) {
    r.error = path + ": voxel data truncated";
    return r;
  }
  r.volume = std::move(v);
  return r;
}

}  // namespace crmo::imaging
