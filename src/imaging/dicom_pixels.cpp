#include "imaging/dicom_pixels.hpp"

#include <gdcmImage.h>
#include <gdcmImageReader.h>
#include <gdcmPixelFormat.h>
#include <gdcmTrace.h>
#include <gdcmTransferSyntax.h>

#include <atomic>
#include <cstring>
#include <map>
#include <mutex>
#include <cstdio>

#include "imaging/memory_stream.hpp"

namespace crmo::imaging {

namespace {

// GDCM reads a short final Pixel Data element with a warning and pads it with zeros.
// Whether the native (not encapsulated) Pixel Data element in `bytes` ends before its
// declared length: find the element's tag followed by a length at least `expected`.
bool pixel_data_truncated(std::string_view bytes, std::size_t expected) {
  const std::string_view le("\xe0\x7f\x10\x00", 4), be("\x7f\xe0\x00\x10", 4);
  for (const std::string_view tag : {le, be}) {
    for (std::size_t at = bytes.find(tag); at != std::string_view::npos; at = bytes.find(tag, at + 1)) {
      const bool big = tag == be;
      auto u32 = [&](std::size_t o) -> std::uint64_t {
        if (o + 4 > bytes.size()) return 0;
        const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + o);
        return big ? (std::uint64_t{p[0]} << 24 | p[1] << 16 | p[2] << 8 | p[3])
                   : (std::uint64_t{p[3]} << 24 | p[2] << 16 | p[1] << 8 | p[0]);
      };
      std::size_t value_at;
      std::uint64_t len;
      const std::string_view vr = bytes.substr(at + 4, 2);
      if (vr == "OW" || vr == "OB") {
        value_at = at + 12;
        len = u32(at + 8);
      } else {
        value_at = at + 8;
        len = u32(at + 4);
      }
      if (len == 0xffffffffu || len < expected) continue;
      return value_at + len > bytes.size();
    }
  }
  return false;
}

DecodedPixels decode(gdcm::ImageReader& reader, std::string_view bytes) {
  quiet_gdcm();
  DecodedPixels out;
  try {
    if (!reader.Read()) {
      out.error = "pixel data could not be read (truncated or not an image)";
      return out;
    }
    const gdcm::Image& img = reader.GetImage();
    const gdcm::PixelFormat pf = img.GetPixelFormat();
    if (pf.GetSamplesPerPixel() != 1) {
      out.error = "colour pixel data is not supported";
      return out;
    }
    const unsigned nd = img.GetNumberOfDimensions();
    out.cols = static_cast<int>(img.GetDimension(0));
    out.rows = static_cast<int>(img.GetDimension(1));
    out.frames = nd > 2 ? static_cast<int>(img.GetDimension(2)) : 1;
    const std::size_t n = static_cast<std::size_t>(out.cols) * out.rows * out.frames;
    const unsigned long len = img.GetBufferLength();
    const unsigned bits = pf.GetBitsAllocated();
    if (n == 0 || (bits != 8 && bits != 16) || len < n * (bits / 8)) {
      out.error = "pixel data length does not match rows x columns x frames";
      return out;
    }
    const gdcm::TransferSyntax& ts = reader.GetFile().GetHeader().GetDataSetTransferSyntax();
    const gdcm::DataSet& ds = reader.GetFile().GetDataSet();
    const gdcm::Tag pixel_tag(0x7fe0, 0x0010);
    if (!ts.IsEncapsulated() && ds.FindDataElement(pixel_tag)) {
      const gdcm::ByteValue* bv = ds.GetDataElement(pixel_tag).GetByteValue();
      const std::size_t expected = n * (bits / 8);
      if (!bv || bv->GetLength() < expected || pixel_data_truncated(bytes, expected)) {
        out.error = "pixel data truncated: " + std::to_string(bv ? static_cast<std::size_t>(bv->GetLength()) : std::size_t{0}) + " of " +
                    std::to_string(expected) + " bytes";
        return out;
      }
    }
    std::vector<char> buf(len);
    if (!img.GetBuffer(buf.data())) {
      out.error = "pixel data could not be decoded (" +
                  std::string(reader.GetFile().GetHeader().GetDataSetTransferSyntax().GetString()
                                  ? reader.GetFile().GetHeader().GetDataSetTransferSyntax().GetString()
                                  : "unknown transfer syntax") +
                  ")";
      return out;
    }
    out.data.resize(n);
    if (bits == 16) {
      std::memcpy(out.data.data(), buf.data(), n * 2);
    } else {
      const bool sgn = pf.GetPixelRepresentation() == 1;
      for (std::size_t i = 0; i < n; ++i)
        out.data[i] = sgn ? static_cast<std::uint16_t>(static_cast<std::int16_t>(static_cast<std::int8_t>(buf[i])))
                          : static_cast<unsigned char>(buf[i]);
    }
  } catch (const std::exception& e) {
    out.error = std::string("pixel data could not be decoded: ") + e.what();
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
  MemoryStream in(bytes);
  gdcm::ImageReader reader;
  reader.SetStream(in);
  return decode(reader, bytes);
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

LoadResult load_series(const std::vector<DicomHeader>& headers, const SeriesPlan& plan,
                       const Progress& progress, unsigned threads) {
  LoadResult out;
  Volume& v = out.volume;
  v.dims = plan.dims;
  v.nt = plan.nt;
  v.geom = plan.geom;
  v.is_signed = plan.is_signed;
  v.slope = plan.slope;
  v.intercept = plan.intercept;
  v.repetition_time_s = plan.repetition_time / 1000.0;
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
