#pragma once
// Helpers the imaging commands (ingest, measure) share: points on the command line and a
// progress bar on a terminal.
#include <string>

#include "imaging/geometry.hpp"

namespace crmo::cli {

// "x,y,z" in mm; throws InputError naming `option` when malformed.
imaging::Vec3 parse_point(const std::string& text, const std::string& option);

// A one-line progress bar on stderr, drawn only when stderr is a terminal.
class ProgressBar {
 public:
  ProgressBar();
  ~ProgressBar();
  void update(const std::string& stage, std::size_t done, std::size_t total);

 private:
  bool on_;
  std::string last_;
};

}  // namespace crmo::cli
