#include "formats/exam_documents.hpp"

#include <map>
#include <set>
#include <stdexcept>

#include "formats/exam_json.hpp"
#include "formats/file_io.hpp"

namespace crmo {

namespace {
std::string file_part(const std::string& text) {
  std::string out;
  for (char c : text) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  return out;
}
}  // namespace

std::string exam_document_name(const Exam& e, bool several_readings) {
  std::string name = file_part(e.id);
  if (several_readings) {
    name += '.';
    name += file_part(e.reader.empty() ? "_" : e.reader);
  }
  name += ".json";
  return name;
}

void write_exam_documents(const std::filesystem::path& dir, const std::vector<Exam>& readings) {
  std::map<std::string, int> readings_of;
  for (const auto& e : readings) ++readings_of[e.id];
  std::vector<std::string> names;
  std::set<std::string> taken;
  for (const auto& e : readings) {
    names.push_back(exam_document_name(e, readings_of[e.id] > 1));
    if (!taken.insert(names.back()).second) throw std::runtime_error("two readings map to the file name " + names.back());
  }
  write_folder_atomically(dir, [&](const std::filesystem::path& tmp) {
    for (std::size_t i = 0; i < readings.size(); ++i) write_file_atomically(tmp / names[i], write_exam_json(readings[i]));
  });
}

}  // namespace crmo
