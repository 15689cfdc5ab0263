#pragma once
// A streaming reader of multipart/related bodies (RFC 2046, RFC 2387), as DICOMweb's
// WADO-RS sends them: bytes are fed as they arrive and each part is handed on as soon as
// its closing delimiter has been seen, so that a study never needs to sit in memory whole.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace crmo::exchange {

struct MultipartPart {
  std::map<std::string, std::string> headers;  // names lower-cased, values trimmed
  std::string body;
};

// The value of a parameter of a Content-Type (e.g. "boundary"), unquoted; nullopt when absent.
std::optional<std::string> content_type_parameter(std::string_view content_type, std::string_view name);
// The media type of a Content-Type, lower-cased, without parameters.
std::string media_type(std::string_view content_type);

class MultipartReader {
 public:
  // Throws std::runtime_error when the boundary is empty or longer than RFC 2046 allows.
  MultipartReader(std::string boundary, std::function<void(MultipartPart&&)> on_part);
  // Feeds more bytes; throws std::runtime_error on malformed framing.
  void feed(std::string_view bytes);
  // The end of the body: throws std::runtime_error unless the closing delimiter was seen.
  void finish();
  std::size_t parts() const { return parts_; }

 private:
  enum class State { preamble, after_delimiter, headers, body, done };
  void run();

  std::string delimiter_;  // "--" + boundary
  std::function<void(MultipartPart&&)> on_part_;
  std::string buf_;
  std::size_t scan_ = 0;  // where the search for the next delimiter resumes
  State state_ = State::preamble;
  MultipartPart part_;
  std::size_t parts_ = 0;
};

}  // namespace crmo::exchange
