#include "imaging/dicom_scan.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

namespace fs = std::filesystem;

namespace crmo::imaging {

void parallel_for(std::size_t n, unsigned threads, const std::function<void(std::size_t)>& f) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, n));
  if (threads <= 1) {
    for (std::size_t i = 0; i < n; ++i) f(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex m;
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (std::size_t i; (i = next++) < n;) {
        try {
          f(i);
        } catch (...) {
          std::lock_guard lock(m);
          if (!error) error = std::current_exception();
        }
      }
    });
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

ScanResult scan_dicom(const std::string& path, const Progress& progress, unsigned threads) {
  ScanResult out;
  std::vector<std::string> files;
  std::error_code ec;
  fs::path root(path);
  if (fs::is_regular_file(root, ec)) {
    std::string name = root.filename().string();
    std::transform(name.begin(), name.end(), name.begin(), ::toupper);
    if (name == "DICOMDIR") {
      // A DICOMDIR indexes the files of its folder tree: scan that tree (the DICOMDIR
      // file itself is an index, not an image, and is skipped below).
      root = root.parent_path().empty() ? fs::path(".") : root.parent_path();
    } else {
      files.push_back(root.string());
    }
  }
  if (files.empty()) {
    if (!fs::is_directory(root, ec)) {
      out.problems.push_back({path, "no such file or folder"});
      return out;
    }
    for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
         it != end; it.increment(ec)) {
      if (ec) break;
      if (!it->is_regular_file(ec)) continue;
      std::string name = it->path().filename().string();
      std::string upper = name;
      std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
      if (upper == "DICOMDIR") continue;
      files.push_back(it->path().string());
    }
  }
  std::sort(files.begin(), files.end());
  out.files_seen = files.size();
  std::vector<HeaderResult> results(files.size());
  std::atomic<std::size_t> done{0};
  std::mutex progress_mutex;
  parallel_for(files.size(), threads, [&](std::size_t i) {
    results[i] = read_dicom_header(files[i]);
    const std::size_t d = ++done;
    if (progress) {
      std::lock_guard lock(progress_mutex);
      progress(d, files.size());
    }
  });
  for (std::size_t i = 0; i < files.size(); ++i) {
    out.bytes_seen += fs::file_size(files[i], ec);
    if (results[i].header) {
      out.headers.push_back(std::move(*results[i].header));
    } else {
      out.problems.push_back({files[i], results[i].error});
    }
  }
  return out;
}

}  // namespace crmo::imaging
