#include "cli/imaging_cli.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "cli/context.hpp"
#include "formats/input_error.hpp"
#include "imaging/dicom_header.hpp"

namespace crmo::cli {

imaging::Vec3 parse_point(const std::string& text, const std::string& option) {
  std::string t = text;
  for (char& c : t)
    if (c == ',') c = '\\';
  const auto v = imaging::parse_numbers(t);
  if (v.size() != 3 || std::count(text.begin(), text.end(), ',') != 2)
    throw InputError(option, "expected three numbers x,y,z in mm, got \"" + text + "\"");
  return {v[0], v[1], v[2]};
}

ProgressBar::ProgressBar() : on_(stderr_is_terminal()) {}

ProgressBar::~ProgressBar() {
  if (on_ && !last_.empty()) std::fputs("\r\033[K", stderr);
}

void ProgressBar::update(const std::string& stage, std::size_t done, std::size_t total) {
  if (!on_) return;
  const int width = 30;
  const double f = total ? static_cast<double>(done) / static_cast<double>(total) : 0.0;
  const int fill = static_cast<int>(std::lround(f * width));
  std::ostringstream s;
  s << "\r" << stage << " [" << std::string(static_cast<std::size_t>(fill), '#')
    << std::string(static_cast<std::size_t>(width - fill), ' ') << "] " << done << "/" << total;
  const std::string line = s.str();
  if (line == last_) return;
  last_ = line;
  std::fputs(line.c_str(), stderr);
  std::fputs("\033[K", stderr);
  std::fflush(stderr);
}

}  // namespace crmo::cli
