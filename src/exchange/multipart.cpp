#include "exchange/multipart.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace crmo::exchange {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view s) {
  std::size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) --b;
  return std::string(s.substr(a, b - a));
}

constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

}  // namespace

std::string media_type(std::string_view content_type) {
  return lower(trim(content_type.substr(0, std::min(content_type.find(';'), content_type.size()))));
}

std::optional<std::string> content_type_parameter(std::string_view ct, std::string_view name) {
  const std::string want = lower(name);
  std::size_t i = ct.find(';');
  while (i != std::string_view::npos && i < ct.size()) {
    ++i;
    while (i < ct.size() && (ct[i] == ' ' || ct[i] == '\t')) ++i;
    std::size_t eq = ct.find('=', i);
    if (eq == std::string_view::npos) return std::nullopt;
    std::string key = lower(trim(ct.substr(i, eq - i)));
    std::size_t v = eq + 1;
    std::string value;
    if (v < ct.size() && ct[v] == '"') {  // quoted-string, with backslash escapes
      ++v;
      while (v < ct.size() && ct[v] != '"') {
        if (ct[v] == '\\' && v + 1 < ct.size()) ++v;
        value += ct[v++];
      }
      i = ct.find(';', v);
    } else {
      std::size_t end = ct.find(';', v);
      value = trim(ct.substr(v, end == std::string_view::npos ? std::string_view::npos : end - v));
      i = end;
    }
    if (key == want) return value;
  }
  return std::nullopt;
}

MultipartReader::MultipartReader(std::string boundary, std::function<void(MultipartPart&&)> on_part)
    : delimiter_("--" + boundary), on_part_(std::move(on_part)) {
  if (boundary.empty() || boundary.size() > 70)
    throw std::runtime_error("multipart boundary must be 1 to 70 characters, got " + std::to_string(boundary.size()));
}

void MultipartReader::feed(std::string_view bytes) {
  if (state_ == State::done) return;  // the epilogue is ignored
  buf_.append(bytes);
  run();
}

void MultipartReader::finish() {
  run();
  if (state_ != State::done)
    throw std::runtime_error("multipart body ended before its closing boundary (after " + std::to_string(parts_) +
                             " complete part(s))");
}

void MultipartReader::run() {
  const std::string crlf_delim = "\r\n" + delimiter_;
  while (true) {
    switch (state_) {
      case State::preamble: {
        if (buf_.size() < delimiter_.size() && delimiter_.compare(0, buf_.size(), buf_) == 0) return;
        if (buf_.compare(0, delimiter_.size(), delimiter_) == 0) {
          buf_.erase(0, delimiter_.size());
        } else {
          std::size_t pos = buf_.find(crlf_delim, scan_);
          if (pos == std::string::npos) {
            // Drop the preamble, keep what may be the start of the delimiter.
            if (buf_.size() > crlf_delim.size()) buf_.erase(0, buf_.size() - crlf_delim.size());
            scan_ = 0;
            return;
          }
          buf_.erase(0, pos + crlf_delim.size());
        }
        scan_ = 0;
        state_ = State::after_delimiter;
        break;
      }
      case State::after_delimiter: {
        if (buf_.size() < 2) return;
        if (buf_.compare(0, 2, "--") == 0) {
          state_ = State::done;
          buf_.clear();
          return;
        }
        std::size_t eol = buf_.find("\r\n");
        if (eol == std::string::npos) {
          if (buf_.size() > 1024) throw std::runtime_error("multipart boundary line is not followed by CRLF");
          return;
        }
        for (std::size_t k = 0; k < eol; ++k)
          if (buf_[k] != ' ' && buf_[k] != '\t')
            throw std::runtime_error("multipart boundary line carries unexpected text after the boundary");
        buf_.erase(0, eol + 2);
        state_ = State::headers;
        break;
      }
      case State::headers: {
        part_ = MultipartPart{};
        std::size_t end;
        if (buf_.compare(0, 2, "\r\n") == 0) {
          end = 0;
        } else {
          end = buf_.find("\r\n\r\n");
          if (end == std::string::npos) {
            if (buf_.size() > kMaxHeaderBytes) throw std::runtime_error("multipart part headers exceed 64 KiB");
            return;
          }
          std::size_t start = 0;
          while (start < end + 2) {
            std::size_t eol = buf_.find("\r\n", start);
            std::string_view line(buf_.data() + start, eol - start);
            std::size_t colon = line.find(':');
            if (colon == std::string_view::npos)
              throw std::runtime_error("multipart part header without ':': '" + std::string(line.substr(0, 80)) + "'");
            part_.headers[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
            start = eol + 2;
          }
          end += 2;
        }
        buf_.erase(0, end + 2);
        scan_ = 0;
        state_ = State::body;
        break;
      }
      case State::body: {
        std::size_t pos = buf_.find(crlf_delim, scan_);
        if (pos == std::string::npos) {
          scan_ = buf_.size() >= crlf_delim.size() ? buf_.size() - crlf_delim.size() + 1 : 0;
          return;
        }
        part_.body.assign(buf_, 0, pos);
        buf_.erase(0, pos + crlf_delim.size());
        scan_ = 0;
        state_ = State::after_delimiter;
        ++parts_;
        on_part_(std::move(part_));
        break;
      }
      case State::done: return;
    }
  }
}

}  // namespace crmo::exchange
