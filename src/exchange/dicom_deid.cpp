#include "exchange/dicom_deid.hpp"

#include <stdexcept>

#include "exchange/dcmtk_plugin.hpp"
#include "formats/csv.hpp"
#include "resources/resources.hpp"

namespace crmo::exchange {

namespace fs = std::filesystem;

const std::vector<DeidRule>& basic_profile_rules() {
  static const std::vector<DeidRule> rules = [] {
    auto text = resources::find("exchange/deid-basic-profile.csv");
    if (!text) throw std::runtime_error("built-in exchange/deid-basic-profile.csv is missing");
    auto table = csv::parse(*text, "exchange/deid-basic-profile.csv");
    std::vector<DeidRule> out;
    for (const auto& row : table.rows) {
      DeidRule r;
      unsigned long v = std::stoul(row.cells.at(0), nullptr, 16);
      r.group = static_cast<unsigned short>(v >> 16);
      r.element = static_cast<unsigned short>(v & 0xffff);
      r.keyword = row.cells.at(1);
      r.action = row.cells.at(3).at(0);
      out.push_back(r);
    }
    return out;
  }();
  return rules;
}

// The files are read and written by the DCMTK plugin (src/exchange/dcmtk/deid.cpp).
std::string deidentify_dicom_file(const fs::path& in, const fs::path& out, const Pseudonymizer& p) {
  return dcmtk().deid_file(in, out, p, basic_profile_rules());
}

DeidTreeResult deidentify_dicom_tree(const fs::path& in, const fs::path& out, const Pseudonymizer& p) {
  return dcmtk().deid_tree(in, out, p, basic_profile_rules());
}

}  // namespace crmo::exchange
