#include "exchange/siemens_csa_scrub.hpp"

#include <cstdint>
#include <cstring>
#include <regex>
#include <set>

#include "imaging/siemens_csa.hpp"

namespace crmo::exchange {

namespace {

// Entries kept, with how their values are checked. Numbers: acquisition geometry, timing,
// diffusion and mosaic layout (what crmo, dcm2niix and nibabel read). Codes: a few short
// enumerations with a fixed pattern. Everything else (coil names, sequence owner, image
// history, patient weight and the registration pattern with weight, age and a hash,
// model name, free text) is dropped.
enum class Check { number, code };
struct Allowed {
  const char* name;
  Check check;
  const char* pattern;  // for codes
};

const std::vector<Allowed>& allowed(CsaKind kind) {
  static const std::vector<Allowed> image = {
      {"NumberOfImagesInMosaic", Check::number, nullptr},
      {"SliceNormalVector", Check::number, nullptr},
      {"MosaicRefAcqTimes", Check::number, nullptr},
      {"SliceMeasurementDuration", Check::number, nullptr},
      {"TimeAfterStart", Check::number, nullptr},
      {"B_value", Check::number, nullptr},
      {"B_matrix", Check::number, nullptr},
      {"DiffusionGradientDirection", Check::number, nullptr},
      {"DiffusionDirectionality", Check::code, "DIRECTIONAL|NONE|ISOTROPIC|BMATRIX"},
      {"PhaseEncodingDirectionPositive", Check::number, nullptr},
      {"BandwidthPerPixelPhaseEncode", Check::number, nullptr},
      {"RealDwellTime", Check::number, nullptr},
      {"AcquisitionMatrixText", Check::code, "[0-9]{1,4}[ps]?\\*[0-9]{1,4}[ps]?"},
      {"EchoLinePosition", Check::number, nullptr},
      {"EchoColumnPosition", Check::number, nullptr},
      {"EchoPartitionPosition", Check::number, nullptr},
      {"ProtocolSliceNumber", Check::number, nullptr},
      {"SlicePosition_PCS", Check::number, nullptr},
      {"ImaAbsTablePosition", Check::number, nullptr},
      {"ImaRelTablePosition", Check::number, nullptr},
      {"NonPlanarImage", Check::number, nullptr},
      {"MultistepIndex", Check::number, nullptr},
      {"MeasuredFourierLines", Check::number, nullptr},
      {"FlowVenc", Check::number, nullptr},
      {"FlowEncodingDirection", Check::number, nullptr},
      {"SequenceMask", Check::number, nullptr},
      {"Actual3DImaPartNumber", Check::number, nullptr},
      {"RepetitionTimeEffective", Check::number, nullptr},
      {"ICE_Dims", Check::code, "[X0-9_]{1,64}"},
  };
  static const std::vector<Allowed> series = {
      {"MrPhoenixProtocol", Check::code, nullptr},  // rewritten by scrub_ascconv
      {"PositivePCSDirections", Check::code, "[+-][LRAPHF]{3}"},
      {"SliceArrayConcatenations", Check::number, nullptr},
      {"SliceResolution", Check::number, nullptr},
      {"ReadoutOS", Check::number, nullptr},
      {"TransmitterCalibration", Check::number, nullptr},
      {"GradientDelayTime", Check::number, nullptr},
      {"RelTablePosition", Check::number, nullptr},
      {"AbsTablePosition", Check::number, nullptr},
      {"TablePositionOrigin", Check::number, nullptr},
      {"EchoTrainLength", Check::number, nullptr},
      {"GradientEchoTrainLength", Check::number, nullptr},
      {"RFEchoTrainLength", Check::number, nullptr},
      {"PhaseGradientAmplitude", Check::number, nullptr},
      {"ReadoutGradientAmplitude", Check::number, nullptr},
      {"SelectionGradientAmplitude", Check::number, nullptr},
      {"MrProtocolVersion", Check::number, nullptr},
      {"Isocentered", Check::number, nullptr},
      {"NumberOfPrescans", Check::number, nullptr},
  };
  return kind == CsaKind::image ? image : series;
}

bool is_number(const std::string& s) {
  static const std::regex re("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]{1,3})?");
  return s.size() <= 32 && std::regex_match(s, re);
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
}

void put32(std::string& out, std::uint32_t v) {
  for (int k = 0; k < 4; ++k) out.push_back(static_cast<char>((v >> (8 * k)) & 0xff));
}

using Entry = imaging::CsaEntry;

bool values_pass(const Entry& e, const Allowed& a) {
  for (const auto& raw : e.items) {
    const std::string v = trim(raw);
    if (v.empty()) continue;
    if (a.check == Check::number) {
      if (!is_number(v)) return false;
    } else if (!std::regex_match(v, std::regex(a.pattern))) {
      return false;
    }
  }
  return true;
}

void write_entry(std::string& out, const Entry& e) {
  char name[64] = {};
  std::memcpy(name, e.name.data(), std::min<std::size_t>(e.name.size(), 63));
  out.append(name, 64);
  put32(out, e.vm);
  char vr[4] = {};
  std::memcpy(vr, e.vr.data(), std::min<std::size_t>(e.vr.size(), 3));
  out.append(vr, 4);
  put32(out, e.syngodt);
  put32(out, static_cast<std::uint32_t>(e.items.size()));
  put32(out, e.items.empty() ? 205 : 77);
  for (const auto& v : e.items) {
    const auto len = static_cast<std::uint32_t>(v.empty() ? 0 : v.size() + 1);  // with its NUL
    put32(out, len);
    put32(out, len);
    put32(out, len ? 77 : 205);
    put32(out, len);
    if (len) {
      out += v;
      out.append((len + 3) / 4 * 4 - v.size(), '\0');
    }
  }
}

// First components of the ASCCONV parameter names kept: the protocol's technical
// structures (timing, k-space, slices, gradients, RF, coil selection, acceleration...).
const std::set<std::string>& ascconv_structures() {
  static const std::set<std::string> s = {
      "ulVersion", "sProtConsistencyInfo", "sGRADSPEC", "sTXSPEC", "sRXSPEC", "alTR", "alTI", "alTD", "alTE",
      "acFlowComp", "lContrasts", "lCombinedEchoes", "sSliceArray", "sGroupArray", "sAutoAlign", "sNavigatorPara",
      "sNavigatorArray", "sBladePara", "sPrepPulses", "sKSpace", "sFastImaging", "sPhysioImaging", "sSpecPara",
      "sDiffusion", "sAngio", "sAdjData", "sRawFilter", "sDistortionCorrFilter", "sPreScanNormalizeFilter",
      "sPat", "sMds", "sCoilSelectMeas", "sCoilSelectUI", "sEFISPEC", "sWipMemBlock", "sIR", "sAsl",
      "sInversionArray", "sSliceAcceleration", "sRSatArray", "sDixonData", "sPTXData", "sInteractive",
      "sChannelMatrix", "sDynDistCorrFilter", "sNoiseDecorrData", "sParametricMapping", "sAAInitialOffset",
      "adFlipAngleDegree", "lAverages", "dAveragesDouble", "lRepetitions", "lScanTimeSec", "lTotalScanTimeSec",
      "dRefSNR", "dRefSNR_VOI", "ucMotionCorr", "ucReadOutMode", "ucMultiSliceMode", "ucCineMode",
      "ucSequenceType", "ucCoilCombineMode", "ucFlipAngleMode", "lTOM", "ucReconstructionMode",
      "ucOneSeriesForAllMeas", "ucEnableNoiseAdjust", "alRepetitionsDelayTimeMs", "lInvContrasts",
      "ucBOLDParadigmArray", "lParadigmPeriodicity", "ucBold3dPace", "dTissueT1", "dTissueT2",
      "ucTablePositioningMode", "lScanRegionPosTra", "ucScanRegionPosValid", "lPtabAbsStartPosZ",
      "bPtabAbsStartPosZValid", "asDynmicAdjustVolumes", "sFmriEval"};
  return s;
}

bool ascconv_line_kept(const std::string& key, const std::string& value) {
  static const std::regex key_re("[A-Za-z_][A-Za-z0-9_]*(\\[[0-9]+\\])*(\\.[A-Za-z_][A-Za-z0-9_]*(\\[[0-9]+\\])*)*");
  static const std::regex hex_re("0x[0-9a-fA-F]{1,16}");
  if (key.size() > 160 || !std::regex_match(key, key_re)) return false;
  if (!is_number(value) && !std::regex_match(value, hex_re)) return false;
  const std::string first = key.substr(0, key.find_first_of(".["));
  if (!ascconv_structures().count(first)) return false;
  std::string lower;
  for (char c : key) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* deny : {"patient", "serial", "uid", "uniquekey", "date", "name", "referenceimage", "protid"})
    if (lower.find(deny) != std::string::npos) return false;
  return true;
}

}  // namespace

std::string scrub_ascconv(std::string_view protocol) {
  const auto begin = protocol.find("### ASCCONV BEGIN");
  if (begin == std::string_view::npos) return "";
  const auto body = protocol.find('\n', begin);
  const auto end = protocol.find("### ASCCONV END", begin);
  if (body == std::string_view::npos || end == std::string_view::npos || end < body) return "";
  std::string out = "### ASCCONV BEGIN ###\n";
  std::size_t at = body + 1;
  while (at < end) {
    std::size_t nl = protocol.find('\n', at);
    if (nl == std::string_view::npos || nl > end) nl = end;
    const std::string line(protocol.substr(at, nl - at));
    at = nl + 1;
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
    if (auto hash = value.find('#'); hash != std::string::npos) value = trim(value.substr(0, hash));  // comments
    if (ascconv_line_kept(key, value)) out += key + "\t = \t" + value + "\n";
  }
  return out + "### ASCCONV END ###\n";
}

CsaScrubResult scrub_siemens_csa(std::string_view in, CsaKind kind) {
  CsaScrubResult r;
  imaging::CsaHeader header = imaging::parse_csa(in);
  if (!header.complete) return r;
  std::vector<Entry>& entries = header.entries;
  r.ok = true;
  std::vector<Entry> kept;
  for (auto& e : entries) {
    const Allowed* a = nullptr;
    for (const auto& x : allowed(kind))
      if (e.name == x.name) a = &x;
    bool keep = false;
    if (a && e.name == "MrPhoenixProtocol") {
      std::string asc;
      for (const auto& v : e.items)
        if (asc.empty()) asc = scrub_ascconv(v);
      if (!asc.empty()) {
        e.items.assign(1, asc);
        e.vm = 1;
        keep = true;
      }
    } else if (a) {
      keep = values_pass(e, *a);
    }
    // Only plain VR codes survive (the field is 4 bytes, written anew anyway).
    if (keep && !std::regex_match(e.vr, std::regex("[A-Z]{2}"))) keep = false;
    (keep ? r.kept : r.dropped).push_back(e.name);
    if (keep) kept.push_back(std::move(e));
  }
  if (kept.empty()) return r;
  r.bytes = "SV10";
  r.bytes += std::string("\4\3\2\1", 4);
  put32(r.bytes, static_cast<std::uint32_t>(kept.size()));
  put32(r.bytes, 77);
  for (const auto& e : kept) write_entry(r.bytes, e);
  if (r.bytes.size() % 2) r.bytes.push_back('\0');
  return r;
}

}  // namespace crmo::exchange
