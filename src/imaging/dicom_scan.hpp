#pragma once
// Finds DICOM files under a folder (recursively) or from a DICOMDIR and reads their
// headers, never their pixels. Files that are not DICOM or cannot be read are listed as
// problems, by name, and skipped.
#include <functional>
#include <string>
#include <vector>

#include "imaging/dicom_header.hpp"

namespace crmo::imaging {

struct Problem {
  std::string path;     // file (or series) concerned
  std::string message;  // what is wrong with it
};

struct ScanResult {
  std::vector<DicomHeader> headers;  // sorted by path
  std::vector<Problem> problems;
  std::size_t files_seen = 0;
  std::uint64_t bytes_seen = 0;
};

using Progress = std::function<void(std::size_t done, std::size_t total)>;

// `path` is a folder, a DICOMDIR (its folder is scanned) or a single file.
ScanResult scan_dicom(const std::string& path, const Progress& progress = {}, unsigned threads = 0);

// Runs f(i) for i in [0, n) on up to `threads` threads (0: hardware concurrency).
void parallel_for(std::size_t n, unsigned threads, const std::function<void(std::size_t)>& f);

}  // namespace crmo::imaging
