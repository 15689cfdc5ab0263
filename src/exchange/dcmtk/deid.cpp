// The DCMTK plugin's de-identification (dicom_deid.hpp says what is done; the host keeps
// the rule table, basic_profile_rules(), and passes it in).
#include "exchange/dcmtk/deid_dataset.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>

#include "exchange/dcmtk/entries.hpp"
#include "exchange/siemens_csa_scrub.hpp"
#include "formats/file_io.hpp"

namespace crmo::exchange {

namespace fs = std::filesystem;

namespace {

// UIDs that name classes and syntaxes, not instances: never replaced.
bool is_class_uid(const DcmTagKey& t) {
  static const std::set<DcmTagKey> keep = {DCM_TransferSyntaxUID, DCM_MediaStorageSOPClassUID,
                                           DCM_ImplementationClassUID, DCM_SOPClassUID, DCM_ReferencedSOPClassUID,
                                           DCM_CodingSchemeUID, DCM_RelatedGeneralSOPClassUID,
                                           DCM_OriginalSpecializedSOPClassUID, DCM_ReferencedSOPClassUIDInFile,
                                           DCM_ReferencedTransferSyntaxUIDInFile, DCM_SOPClassesInStudy,
                                           DCM_ContextGroupExtensionCreatorUID, DCM_PrivateInformationCreatorUID,
                                           DCM_MappingResourceUID, DCM_ContextUID};
  return keep.count(t) > 0;
}

class Deidentifier {
 public:
  Deidentifier(const Pseudonymizer& p, const std::vector<DeidRule>& rules, std::string patient_id, bool keep_sr_content,
               std::set<DcmTagKey> safe_private = {})
      : p_(p), patient_(std::move(patient_id)), safe_private_(std::move(safe_private)) {
    for (const auto& r : rules) rules_[DcmTagKey(r.group, r.element)] = r.action;
    if (keep_sr_content) rules_[DCM_ContentSequence] = 'K';
  }

  // `top`: the dataset itself (safe private elements are retained there only).
  void process(DcmItem& item, bool top = false) {
    for (unsigned long i = item.card(); i-- > 0;) {
      DcmElement* el = item.getElement(i);
      if (!el) continue;
      const DcmTagKey key = el->getTag().getXTag();
      const Uint16 g = key.getGroup();
      const DcmEVR vr = el->getTag().getEVR();
      char action;
      if (g & 1) action = top && safe_private_.count(key) ? 'K' : 'X';  // private attributes
      else if ((g & 0xff00) == 0x5000 || (g & 0xff00) == 0x6000) action = 'X';  // curves, overlays
      else if (auto it = rules_.find(key); it != rules_.end()) action = it->second;
      else if (vr == EVR_SQ) action = 'K';
      else if (vr == EVR_UI) action = is_class_uid(key) ? 'K' : 'U';
      else if (vr == EVR_DA || vr == EVR_DT) action = 'S';
      else if (vr == EVR_PN) action = 'Z';
      else action = 'K';
      switch (action) {
        case 'X': delete item.remove(i); break;
        case 'Z': el->putString(""); break;
        case 'P': el->putOFStringArray(p_.patient(patient_).c_str()); break;
        case 'U': replace_uids(*el); break;
        case 'S': shift_dates(*el, vr); break;
        default:
          if (vr == EVR_SQ) {
            auto* sq = static_cast<DcmSequenceOfItems*>(el);
            for (unsigned long j = 0; j < sq->card(); ++j)
              if (DcmItem* sub = sq->getItem(j)) process(*sub);
          }
      }
    }
  }

 private:
  static std::vector<std::string> values(DcmElement& el) {
    OFString s;
    el.getOFStringArray(s);
    std::vector<std::string> out;
    std::string all = s.c_str();
    std::size_t start = 0;
    while (true) {
      auto end = all.find('\\', start);
      out.push_back(all.substr(start, end == std::string::npos ? std::string::npos : end - start));
      if (end == std::string::npos) break;
      start = end + 1;
    }
    return out;
  }
  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "\\" : "") + v[i];
    return s;
  }
  static std::string trim(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
    while (!s.empty() && s.front() == ' ') s.erase(s.begin());
    return s;
  }
  void replace_uids(DcmElement& el) {
    auto v = values(el);
    for (auto& u : v) {
      u = trim(u);
      if (!u.empty()) u = p_.uid(u);
    }
    el.putOFStringArray(join(v).c_str());
  }
  void shift_dates(DcmElement& el, DcmEVR vr) {
    auto v = values(el);
    for (auto& d : v) {
      d = trim(d);
      if (d.empty()) continue;
      if (vr == EVR_DA) {
        d = p_.shift_dicom_date(d.substr(0, 8), patient_);
      } else {  // DT: YYYYMMDDHHMMSS.FFFFFF&ZZXX; a bare year or month cannot be shifted: dropped
        std::string rest = d.size() > 8 ? d.substr(8) : "";
        std::string day = d.size() >= 8 ? p_.shift_dicom_date(d.substr(0, 8), patient_) : "";
        d = day.empty() ? "" : day + rest;
      }
    }
    el.putOFStringArray(join(v).c_str());
  }

  const Pseudonymizer& p_;
  std::string patient_;
  std::set<DcmTagKey> safe_private_;
  std::map<DcmTagKey, char> rules_;
};

std::string get(DcmDataset& ds, const DcmTagKey& t) {
  OFString s;
  if (ds.findAndGetOFStringArray(t, s).good()) return s.c_str();
  return "";
}

const char* const kCsaCreator = "SIEMENS CSA HEADER";

// Retain Safe Private (PS3.15 E.3.10) for the Siemens CSA image and series headers of the
// dataset: each is rewritten by scrub_siemens_csa; the tags of what survives (and of its
// private creator) are returned, to be kept. Everything else private is removed as before.
std::set<DcmTagKey> retain_siemens_csa(DcmDataset& ds, std::vector<Uint16>& blocks) {
  std::set<DcmTagKey> keep;
  for (Uint16 block = 0x10; block <= 0xff; ++block) {
    OFString creator;
    if (ds.findAndGetOFString(DcmTagKey(0x0029, block), creator).bad()) continue;
    if (std::string(creator.c_str()).find(kCsaCreator) != 0) continue;
    bool any = false;
    for (Uint16 sub : {Uint16(0x10), Uint16(0x20)}) {
      const DcmTagKey tag(0x0029, static_cast<Uint16>(block << 8 | sub));
      DcmElement* el = nullptr;
      if (ds.findAndGetElement(tag, el).bad() || !el) continue;
      const DcmEVR vr = el->getTag().getEVR();
      Uint8* data = nullptr;
      if ((vr != EVR_OB && vr != EVR_UN) || el->getUint8Array(data).bad() || !data) continue;
      const std::string_view bytes(reinterpret_cast<const char*>(data), el->getLength());
      const CsaScrubResult r = scrub_siemens_csa(bytes, sub == 0x10 ? CsaKind::image : CsaKind::series);
      if (r.bytes.empty()) continue;
      if (el->putUint8Array(reinterpret_cast<const Uint8*>(r.bytes.data()), static_cast<unsigned long>(r.bytes.size()))
              .bad())
        continue;
      keep.insert(tag);
      any = true;
    }
    if (any) {
      keep.insert(DcmTagKey(0x0029, block));
      blocks.push_back(block);
    }
  }
  return keep;
}

}  // namespace

void deidentify_dataset(DcmDataset& ds, const Pseudonymizer& p, const std::vector<DeidRule>& rules) {
  if (get(ds, DCM_BurnedInAnnotation) == "YES")
    throw std::runtime_error("Burned In Annotation is YES: pixel data may show identity; not exported");
  // The key of the pseudonym and date offset: the patient id (else the name, else the study).
  std::string patient = get(ds, DCM_PatientID);
  if (patient.empty()) patient = get(ds, DCM_PatientName);
  if (patient.empty()) patient = get(ds, DCM_StudyInstanceUID);
  const bool crmo_sr = get(ds, DCM_Modality) == "SR" && get(ds, DCM_Manufacturer) == "crmo";
  std::vector<Uint16> csa_blocks;
  std::set<DcmTagKey> safe_private = retain_siemens_csa(ds, csa_blocks);
  Deidentifier d(p, rules, patient, crmo_sr, std::move(safe_private));
  d.process(ds, true);
  // Say what was done (PS3.15 E.1.1, PS3.16 CID 7050).
  ds.putAndInsertString(DCM_PatientIdentityRemoved, "YES");
  ds.putAndInsertString(DCM_LongitudinalTemporalInformationModified, "MODIFIED");
  ds.putAndInsertString(DCM_DeidentificationMethod,
                        "crmo: PS3.15 basic profile, keyed pseudonyms, dates shifted");
  ds.findAndDeleteElement(DCM_DeidentificationMethodCodeSequence);
  const char* codes[][2] = {{"113100", "Basic Application Confidentiality Profile"},
                            {"113107", "Retain Longitudinal Temporal Information Modified Dates Option"},
                            {"113108", "Retain Patient Characteristics Option"},
                            {"113105", "Clean Descriptors Option"},
                            {"113111", "Retain Safe Private Option"}};
  const int ncodes = csa_blocks.empty() ? 4 : 5;
  for (int k = 0; k < ncodes; ++k) {
    DcmItem* item = nullptr;
    if (ds.findOrCreateSequenceItem(DCM_DeidentificationMethodCodeSequence, item, -2).good() && item) {
      item->putAndInsertString(DCM_CodeValue, codes[k][0]);
      item->putAndInsertString(DCM_CodingSchemeDesignator, "DCM");
      item->putAndInsertString(DCM_CodeMeaning, codes[k][1]);
    }
  }
  // Which private block was kept and that it is safe (PS3.15 E.3.10, PS3.3 C.12.1.1.7).
  ds.findAndDeleteElement(DCM_PrivateDataElementCharacteristicsSequence);
  for ([[maybe_unused]] Uint16 block : csa_blocks) {  // one item per retained block
    DcmItem* item = nullptr;
    if (ds.findOrCreateSequenceItem(DCM_PrivateDataElementCharacteristicsSequence, item, -2).good() && item) {
      item->putAndInsertUint16(DCM_PrivateGroupReference, 0x0029);
      item->putAndInsertString(DCM_PrivateCreatorReference, kCsaCreator);
      item->putAndInsertString(DCM_BlockIdentifyingInformationStatus, "SAFE");
    }
  }
}

std::string dcmtk_deid_file(const fs::path& in, const fs::path& out, const Pseudonymizer& p,
                            const std::vector<DeidRule>& rules) {
  DcmFileFormat file;
  OFCondition st = file.loadFile(in.c_str());
  if (st.bad()) throw std::runtime_error(in.string() + ": not a readable DICOM file (" + st.text() + ")");
  DcmDataset& ds = *file.getDataset();
  file.loadAllDataIntoMemory();
  try {
    deidentify_dataset(ds, p, rules);
  } catch (const std::exception& e) {
    throw std::runtime_error(in.string() + ": " + e.what());
  }
  std::string sop = get(ds, DCM_SOPInstanceUID);
  E_TransferSyntax xfer = ds.getOriginalXfer();
  if (xfer == EXS_Unknown) xfer = EXS_LittleEndianExplicit;
  st = file.saveFile(out.c_str(), xfer, EET_ExplicitLength, EGL_recalcGL, EPD_noChange, 0, 0, EWM_createNewMeta);
  if (st.bad()) throw std::runtime_error("cannot write " + out.string() + ": " + st.text());
  return sop;
}

DeidTreeResult dcmtk_deid_tree(const fs::path& in, const fs::path& out, const Pseudonymizer& p,
                               const std::vector<DeidRule>& rules) {
  std::vector<fs::path> files;
  if (fs::is_directory(in)) {
    for (const auto& e : fs::recursive_directory_iterator(in))
      if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(in);
  }
  DeidTreeResult result;
  write_folder_atomically(out, [&](const fs::path& tmp) {
    for (const auto& f : files) {
      if (f.filename() == "DICOMDIR") {
        result.skipped.push_back(f.string());
        continue;
      }
      if (!DcmFileFormat().loadFile(f.c_str(), EXS_Unknown, EGL_noChange, 256).good()) {
        result.skipped.push_back(f.string());
        continue;
      }
      fs::path part = tmp / "partial.dcm";
      std::string sop = dcmtk_deid_file(f, part, p, rules);
      fs::rename(part, tmp / (sop + ".dcm"));
      ++result.written;
    }
  });
  return result;
}

}  // namespace crmo::exchange
