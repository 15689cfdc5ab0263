#include "exchange/sr.hpp"

#include <stdexcept>

#include "exchange/dcmtk_plugin.hpp"

namespace crmo::exchange {

// The report is built and written by the DCMTK plugin (src/exchange/dcmtk/sr_writer.cpp).
SrResult write_measurement_report(const SrInput& in, const std::filesystem::path& out) {
  if (!in.exam || !in.score || !in.atlas || !in.scheme) throw std::invalid_argument("write_measurement_report: missing input");
  return dcmtk().write_sr(in, out, basic_profile_rules());
}

}  // namespace crmo::exchange
