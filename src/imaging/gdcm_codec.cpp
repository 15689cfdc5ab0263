// The GDCM plugin (see compressed_pixels.hpp): only files crmo's own parser has walked
// without error get here.
#include <gdcmImage.h>
#include <gdcmImageReader.h>
#include <gdcmPixelFormat.h>
#include <gdcmTrace.h>

#include <cstring>
#include <string>
#include <vector>

#include "imaging/compressed_pixels.hpp"
#include "imaging/memory_stream.hpp"
#include "plugins/plugin_export.hpp"

namespace {

// GDCM prints its own warnings on stderr; crmo reports problems per file itself.
void quiet_gdcm() {
  static const bool once = [] {
    gdcm::Trace::SetDebug(false);
    gdcm::Trace::SetWarning(false);
    gdcm::Trace::SetError(false);
    return true;
  }();
  (void)once;
}

std::string decode(const char* bytes, std::size_t size, std::size_t n, int bits, std::uint16_t* out) {
  quiet_gdcm();
  crmo::imaging::MemoryStream in(std::string_view(bytes, size));
  gdcm::ImageReader reader;
  reader.SetStream(in);
  if (!reader.Read()) return "pixel data could not be read";
  const gdcm::Image& img = reader.GetImage();
  const gdcm::PixelFormat pf = img.GetPixelFormat();
  const unsigned long len = img.GetBufferLength();
  if (pf.GetSamplesPerPixel() != 1 || pf.GetBitsAllocated() != static_cast<unsigned>(bits) ||
      len < n * static_cast<std::size_t>(bits / 8))
    return "decoded pixel data does not match the header (rows, columns, frames, bits)";
  std::vector<char> buf(len);
  if (!img.GetBuffer(buf.data())) return "compressed pixel data could not be decoded";
  if (bits == 16) {
    std::memcpy(out, buf.data(), n * 2);
  } else {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<unsigned char>(buf[i]);
  }
  return {};
}

}  // namespace

CRMO_PLUGIN_EXPORT const char* crmo_gdcm_decode(const char* bytes, std::size_t size, std::size_t n, int bits,
                                                std::uint16_t* out) {
  thread_local std::string error;
  try {
    error = decode(bytes, size, n, bits, out);
  } catch (const std::exception& e) {
    error = std::string("compressed pixel data could not be decoded: ") + e.what();
  } catch (...) {
    error = "compressed pixel data could not be decoded";
  }
  return error.empty() ? nullptr : error.c_str();
}
