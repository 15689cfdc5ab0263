#include "exchange/dcmtk_plugin.hpp"

#include "plugins/loader.hpp"

namespace crmo::exchange {

const DcmtkApi& dcmtk() {
  // Loaded once; when loading fails the loader's error is thrown again on every call.
  static const DcmtkApi* api = plugins::function<CrmoDcmtkApi>(
      "dcmtk", "crmo_dcmtk_api", "DICOM SR, DICOM de-identification and retrieval, with DCMTK")();
  return *api;
}

}  // namespace crmo::exchange
