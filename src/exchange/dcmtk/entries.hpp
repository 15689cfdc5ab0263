#pragma once
// Inside the DCMTK plugin: the functions behind its entry table (dcmtk_plugin.hpp).
#include "exchange/dcmtk_plugin.hpp"

namespace crmo::exchange {

SrResult dcmtk_write_sr(const SrInput& in, const std::filesystem::path& out, const std::vector<DeidRule>& rules);
std::string dcmtk_deid_file(const std::filesystem::path& in, const std::filesystem::path& out, const Pseudonymizer& p,
                            const std::vector<DeidRule>& rules);
DeidTreeResult dcmtk_deid_tree(const std::filesystem::path& in, const std::filesystem::path& out,
                               const Pseudonymizer& p, const std::vector<DeidRule>& rules);
DcmtkUids dcmtk_read_uids(const std::filesystem::path& file);

}  // namespace crmo::exchange
