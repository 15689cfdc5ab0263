#pragma once
// Whole-file reads and all-or-nothing writes: a file or folder appears complete or
// not at all (written beside the target, then renamed).
#include <filesystem>
#include <functional>
#include <string>

namespace crmo {

// Throws InputError naming the file when it cannot be read.
std::string read_text_file(const std::filesystem::path& path);

void write_file_atomically(const std::filesystem::path& path, const std::string& content);

// Calls fill(tmp_dir), then renames tmp_dir to `dir`. `dir` must not exist, or be an
// empty folder; on any exception the temporary folder is removed.
void write_folder_atomically(const std::filesystem::path& dir,
                             const std::function<void(const std::filesystem::path&)>& fill);

}  // namespace crmo
