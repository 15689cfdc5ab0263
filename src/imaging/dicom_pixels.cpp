#include "imaging/dicom_pixels.hpp"

#include <atomic>
#include <cstring>
#include <map>
#include <mutex>
#include <cstdio>

#include "imaging/dicom_parse.hpp"
#include "imaging/compressed_pixels.hpp"
#include "plugins/loader.hpp"

namespace crmo::imaging {

namespace {

// Encapsulated (compressed) pixel data: GDCM's codecs, through the GDCM plugin. A program
// that links gdcm_codec.cpp in (the fuzz target) uses it directly: the weak reference
// below is then not null.
extern "C" const char* crmo_gdcm_decode(const char*, std::size_t, std::size_t, int, std::uint16_t*)
    __attribute__((weak));

DecodedPixels decode_with_gdcm(std::string_view bytes, std::size_t n, int bits) {
  DecodedPixels out;
  try {
    static CrmoGdcmDecode* const decode =
        crmo_gdcm_decode ? &crmo_gdcm_decode
                         : plugins::function<CrmoGdcmDecode>("gdcm", "crmo_gdcm_decode",
                                                             "decoding compressed DICOM pixel data");
    out.data.resize(n);
    if (const char* error = decode(bytes.data(), bytes.size(), n, bits, out.data.data())) {
      out.error = error;
      out.data.clear();
    }
  } catch (const std::exception& e) {
    out.error = e.what();
    out.data.clear();
  }
  return out;
}

}  // namespace

DecodedPixels decode_dicom_pixels(const std::string& path) {
  std::string bytes;
  if (!read_file(path, bytes)) {
    DecodedPixels out;
    out.error = "cannot read the file";
    return out;
  }
  return decode_dicom_pixels_from_memory(bytes);
}

DecodedPixels decode_dicom_pixels_from_memory(std::string_view bytes) {
  DecodedPixels out;
  const DicomParse d = parse_dicom(bytes);
  if (!d.has_pixels) {
    out.error = d.error.empty() ? "no pixel data" : d.error;
    return out;
  }
  if (!d.error.empty()) {
    out.error = d.error;
    return out;
  }
  const int rows = d.integer(0x00280010u).value_or(0), cols = d.integer(0x00280011u).value_or(0);
  const int frames = std::max(1, d.integer(0x00280008u).value_or(1));
  const int bits = d.integer(0x00280100u).value_or(0), spp = d.integer(0x00280002u).value_or(1);
  const bool sgn = d.integer(0x00280103u).value_or(0) == 1;
  if (rows <= 0 || cols <= 0 || rows > 65535 || cols > 65535 || frames > 100000) {
    out.error = "rows, columns or frames missing or out of range";
    return out;
  }
  if (spp != 1) {
    out.error = "colour pixel data is not supported";
    return out;
  }
  if (bits != 8 && bits != 16) {
    out.error = "unsupported Bits Allocated " + std::to_string(bits);
    return out;
  }
  const std::size_t n = static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols) * static_cast<std::size_t>(frames);
  if (n > (std::size_t{1} << 31)) {
    out.error = "image too large";
    return out;
  }
  if (d.encapsulated) {
    out = decode_with_gdcm(bytes, n, bits);
  } else {
    const std::size_t need = n * static_cast<std::size_t>(bits / 8);
    if (d.pixel_length < need) {
      out.error = "pixel data length " + std::to_string(d.pixel_length) + " does not match rows x columns x frames (" +
                  std::to_string(need) + " bytes)";
      return out;
    }
    const auto* src = reinterpret_cast<const unsigned char*>(d.source.data() + d.pixel_offset);
    out.data.resize(n);
    if (bits == 16) {
      if (d.big_endian) {
        for (std::size_t i = 0; i < n; ++i) out.data[i] = static_cast<std::uint16_t>(src[2 * i] << 8 | src[2 * i + 1]);
      } else {
        std::memcpy(out.data.data(), src, n * 2);
      }
    } else {
      for (std::size_t i = 0; i < n; ++i)
        out.data[i] = sgn ? static_cast<std::uint16_t>(static_cast<std::int16_t>(static_cast<std::int8_t>(src[i]))) : src[i];
    }
  }
  if (!out.error.empty()) return out;
  if (bits == 8 && sgn && d.encapsulated)
    for (auto& x : out.data) x = static_cast<std::uint16_t>(static_cast<std::int16_t>(static_cast<std::int8_t>(x & 0xff)));
  out.rows = rows;
  out.cols = cols;
  out.frames = frames;
  return out;
}

bool read_file(const std::string& path, std::string& out) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  std::fseek(f, 0, SEEK_END);
  const long size = std::ftell(f);
  std::fseek(f, 0, SEEK_SET);
  if (size < 0) {
    std::fclose(f);
    return false;
  }
  out.resize(static_cast<std::size_t>(size));
  const bool ok = std::fread(out.data(), 1, out.size(), f) == out.size();
  std::fclose(f);
  return ok;
}

Volume grid_of(const SeriesPlan& plan) {
  Volume v;
  v.dims = plan.dims;
  v.nt = plan.nt;
  v.geom = plan.geom;
  v.is_signed = plan.is_signed;
  v.slope = plan.slope;
  v.intercept = plan.intercept;
  v.repetition_time_s = plan.repetition_time / 1000.0;
  return v;
}

LoadResult load_series(const std::vector<DicomHeader>& headers, const SeriesPlan& plan,
                       const Progress& progress, unsigned threads) {
  LoadResult out;
  Volume& v = out.volume;
  v = grid_of(plan);
  v.allocate();
  // Slices per file, so each file is decoded once.
  std::map<std::size_t, std::vector<std::size_t>> by_file;
  for (std::size_t s = 0; s < plan.slices.size(); ++s) by_file[plan.slices[s].header].push_back(s);
  std::vector<std::pair<std::size_t, std::vector<std::size_t>>> jobs(by_file.begin(), by_file.end());
  const std::size_t plane = v.dims.nx * v.dims.ny;
  std::mutex m;
  std::atomic<std::size_t> done{0};
  parallel_for(jobs.size(), threads, [&](std::size_t j) {
    const DicomHeader& h = headers[jobs[j].first];
    DecodedPixels px = decode_dicom_pixels(h.path);
    std::string error = px.error;
    if (error.empty() && (px.rows != h.rows || px.cols != h.cols))
      error = "decoded size differs from the header's rows and columns";
    if (error.empty()) {
      for (std::size_t s : jobs[j].second) {
        const SliceRef& ref = plan.slices[s];
        std::uint16_t* dst = v.data.data() + s * plane;
        if (ref.tile >= 0) {
          const int mcols = px.cols / static_cast<int>(v.dims.nx);
          const std::size_t tr = static_cast<std::size_t>(ref.tile / mcols) * v.dims.ny;
          const std::size_t tc = static_cast<std::size_t>(ref.tile % mcols) * v.dims.nx;
          for (std::size_t y = 0; y < v.dims.ny; ++y)
            std::memcpy(dst + y * v.dims.nx, px.data.data() + (tr + y) * px.cols + tc, v.dims.nx * 2);
        } else if (ref.frame < px.frames) {
          std::memcpy(dst, px.data.data() + static_cast<std::size_t>(ref.frame) * plane, plane * 2);
        } else {
          error = "frame " + std::to_string(ref.frame) + " missing from pixel data";
        }
      }
    }
    if (!error.empty()) {
      std::lock_guard lock(m);
      out.problems.push_back({h.path, error});
    }
    const std::size_t d = ++done;
    if (progress) {
      std::lock_guard lock(m);
      progress(d, jobs.size());
    }
  });
  return out;
}

}  // namespace crmo::imaging
