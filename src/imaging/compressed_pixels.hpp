#pragma once
// The one entry point of the GDCM plugin (libcrmo_gdcm.so, gdcm_codec.cpp): decoding
// encapsulated pixel data (JPEG baseline and lossless, JPEG-LS, JPEG 2000, RLE). It is a
// plugin because GDCM's libraries and dictionaries cost every crmo process ~24 ms at
// start-up, while most exams arrive uncompressed and never need them.
#include <cstddef>
#include <cstdint>

// Decodes the pixel data of the DICOM file held in [bytes, bytes + size) into `out`:
// `n` values (rows x columns x frames) of `bits` (8 or 16) bits, 8-bit values widened.
// Returns nullptr on success, else why not (valid until this thread's next call).
extern "C" const char* crmo_gdcm_decode(const char* bytes, std::size_t size, std::size_t n, int bits,
                                        std::uint16_t* out);
using CrmoGdcmDecode = decltype(crmo_gdcm_decode);
