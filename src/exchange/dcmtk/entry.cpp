// The DCMTK plugin's entry table, and the UIDs of a retrieved instance (dicomweb.cpp).
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>

#include "exchange/dcmtk/entries.hpp"
#include "plugins/plugin_export.hpp"

namespace crmo::exchange {

DcmtkUids dcmtk_read_uids(const std::filesystem::path& file) {
  DcmFileFormat f;
  if (f.loadFile(file.c_str(), EXS_Unknown, EGL_noChange, 1024).bad()) return {};
  DcmtkUids u;
  OFString s;
  if (f.getDataset()->findAndGetOFString(DCM_StudyInstanceUID, s).good()) u.study = s.c_str();
  if (f.getDataset()->findAndGetOFString(DCM_SeriesInstanceUID, s).good()) u.series = s.c_str();
  if (f.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, s).good()) u.sop = s.c_str();
  return u;
}

}  // namespace crmo::exchange

CRMO_PLUGIN_EXPORT const crmo::exchange::DcmtkApi* crmo_dcmtk_api() {
  using namespace crmo::exchange;
  static const DcmtkApi api{dcmtk_write_sr, dcmtk_deid_file, dcmtk_deid_tree, dcmtk_read_uids};
  return &api;
}
