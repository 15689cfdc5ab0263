#pragma once
// A read-only, seekable std::istream over bytes in memory (no copy), for handing files
// already read (or fuzz inputs) to GDCM.
#include <istream>
#include <streambuf>
#include <string_view>

namespace crmo::imaging {

class MemoryBuf : public std::streambuf {
 public:
  explicit MemoryBuf(std::string_view b) {
    char* p = const_cast<char*>(b.data());
    setg(p, p, p + b.size());
  }

 protected:
  pos_type seekoff(off_type off, std::ios_base::seekdir dir, std::ios_base::openmode) override {
    char* target = dir == std::ios_base::beg ? eback() + off : dir == std::ios_base::cur ? gptr() + off : egptr() + off;
    if (target < eback() || target > egptr()) return pos_type(off_type(-1));
    setg(eback(), target, egptr());
    return pos_type(target - eback());
  }
  pos_type seekpos(pos_type pos, std::ios_base::openmode m) override {
    return seekoff(off_type(pos), std::ios_base::beg, m);
  }
};

class MemoryStream : public std::istream {
 public:
  explicit MemoryStream(std::string_view b) : std::istream(nullptr), buf_(b) { rdbuf(&buf_); }

 private:
  MemoryBuf buf_;
};

}  // namespace crmo::imaging
