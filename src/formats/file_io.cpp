#include "formats/file_io.hpp"

#include <fstream>
#include <random>
#include <sstream>
#include <system_error>

#include "formats/input_error.hpp"

namespace crmo {

namespace fs = std::filesystem;

std::string read_text_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw InputError(path.string(), "no such file (or not a regular file)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), "cannot open for reading");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {
fs::path sibling_temp(const fs::path& target) {
  std::random_device rd;
  return target.parent_path() / (".tmp-" + target.filename().string() + "-" + std::to_string(rd()));
}
}  // namespace

void write_file_atomically(const fs::path& path, const std::string& content) {
  auto parent = path.parent_path();
  if (!parent.empty()) fs::create_directories(parent);
  fs::path tmp = sibling_temp(path);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
    out << content;
    out.flush();
    if (!out) {
      fs::remove(tmp);
      throw std::runtime_error("write failed for " + path.string());
    }
  }
  fs::rename(tmp, path);
}

void write_folder_atomically(const fs::path& dir, const std::function<void(const fs::path&)>& fill) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir) || !fs::is_empty(dir))
      throw std::runtime_error(dir.string() + " exists and is not an empty folder; refusing to overwrite");
    fs::remove(dir);
  }
  if (!dir.parent_path().empty()) fs::create_directories(dir.parent_path());
  fs::path tmp = sibling_temp(dir);
  fs::create_directories(tmp);
  try {
    fill(tmp);
    fs::rename(tmp, dir);
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
}

}  // namespace crmo
