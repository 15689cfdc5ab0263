// dicom_json_string (dicomweb.hpp): in crmo_exchange and in the dicomweb plugin, which reads
// the QIDO-RS answers with it.
#include <fmt/format.h>

#include "exchange/dicomweb.hpp"

namespace crmo::exchange {

std::string dicom_json_string(const nlohmann::json& object, const std::string& tag) {
  if (!object.is_object()) return "";
  auto it = object.find(tag);
  if (it == object.end() || !it->is_object()) return "";
  auto v = it->find("Value");
  if (v == it->end() || !v->is_array() || v->empty()) return "";
  const auto& first = (*v)[0];
  if (first.is_string()) return first.get<std::string>();
  if (first.is_number_integer()) return std::to_string(first.get<long long>());
  if (first.is_number()) return fmt::format("{}", first.get<double>());
  if (first.is_object() && first.contains("Alphabetic") && first["Alphabetic"].is_string())
    return first["Alphabetic"].get<std::string>();
  return "";
}

}  // namespace crmo::exchange
