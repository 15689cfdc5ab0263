// The DCMTK plugin's SR writer (sr.hpp says what is written).
#include "exchange/sr.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>
#include <dcmtk/dcmsr/cmr/tid1500.h>
#include <dcmtk/dcmsr/codes/dcm.h>
#include <dcmtk/dcmsr/dsrdoc.h>
#include <fmt/format.h>

#include "exchange/dcmtk/deid_dataset.hpp"
#include "exchange/dcmtk/entries.hpp"
#include "formats/input_error.hpp"

namespace crmo::exchange {

namespace fs = std::filesystem;

namespace {

using Group = TID1500_MeasurementReport::TID1501_Measurements;

DSRCodedEntryValue crmo_code(const std::string& code, const std::string& meaning) {
  return DSRCodedEntryValue(code.c_str(), kCrmoSchemeDesignator, meaning.c_str());
}
DSRCodedEntryValue ucum(const char* code, const char* meaning) { return DSRCodedEntryValue(code, "UCUM", meaning); }

std::string ds_value(double v) {
  // DS holds at most 16 characters.
  std::string s = fmt::format("{:.6g}", v);
  return s.size() <= 16 ? s : fmt::format("{:.6e}", v);
}

void check(const OFCondition& c, const std::string& what) {
  if (c.bad()) throw std::runtime_error("DICOM SR: " + what + ": " + c.text());
}

std::string get(DcmItem& ds, const DcmTagKey& t) {
  OFString s;
  if (ds.findAndGetOFStringArray(t, s).good()) return s.c_str();
  return "";
}

struct Source {
  fs::path file;
  std::unique_ptr<DcmFileFormat> ff;
  std::string study, series, sop, sop_class;
};

std::vector<Source> load_sources(const SrInput& in) {
  std::vector<fs::path> files;
  if (fs::is_directory(in.dicom)) {
    for (const auto& e : fs::recursive_directory_iterator(in.dicom))
      if (e.is_regular_file()) files.push_back(e.path());
  } else if (fs::is_regular_file(in.dicom)) {
    files.push_back(in.dicom);
  } else {
    throw InputError(in.dicom.string(), "no such DICOM file or folder");
  }
  std::sort(files.begin(), files.end());
  const std::set<std::string> wanted(in.series_uids.begin(), in.series_uids.end());
  std::vector<Source> out;
  for (const auto& f : files) {
    auto ff = std::make_unique<DcmFileFormat>();
    if (ff->loadFile(f.c_str(), EXS_Unknown, EGL_noChange, 256).bad()) continue;  // not DICOM: not a source
    DcmDataset& ds = *ff->getDataset();
    Source s{f, nullptr, get(ds, DCM_StudyInstanceUID), get(ds, DCM_SeriesInstanceUID), get(ds, DCM_SOPInstanceUID),
             get(ds, DCM_SOPClassUID)};
    if (!wanted.count(s.series) || s.sop.empty()) continue;
    s.ff = std::move(ff);
    out.push_back(std::move(s));
  }
  std::vector<InputProblem> problems;
  for (const auto& uid : in.series_uids)
    if (std::none_of(out.begin(), out.end(), [&](const Source& s) { return s.series == uid; }))
      problems.push_back({"--series-uid " + uid, "no image of this series under " + in.dicom.string()});
  std::set<std::string> studies;
  for (const auto& s : out) studies.insert(s.study);
  if (studies.size() > 1)
    problems.push_back({"--series-uid", "the series belong to " + std::to_string(studies.size()) +
                                            " different studies; a report references one study"});
  throw_if_any(std::move(problems));
  return out;
}

// The single-frame source image whose plane holds `p` (LPS mm): inside the image (to half a
// pixel) and nearest its plane, within half the slice thickness (spacing between slices
// when larger; 5 mm when the file gives neither). Mosaics and multi-frame images are not
// searched (their slices are not single images). Returns the index in `sources`, or -1.
long image_holding(std::vector<Source>& sources, const std::array<double, 3>& p) {
  long best = -1;
  double best_d = 0;
  for (std::size_t k = 0; k < sources.size(); ++k) {
    DcmDataset& ds = *sources[k].ff->getDataset();
    Float64 ipp[3], iop[6], ps[2], thick = 0, gap = 0;
    Uint16 rows = 0, cols = 0;
    bool ok = ds.findAndGetUint16(DCM_Rows, rows).good() && ds.findAndGetUint16(DCM_Columns, cols).good();
    for (unsigned long i = 0; ok && i < 3; ++i) ok = ds.findAndGetFloat64(DCM_ImagePositionPatient, ipp[i], i).good();
    for (unsigned long i = 0; ok && i < 6; ++i) ok = ds.findAndGetFloat64(DCM_ImageOrientationPatient, iop[i], i).good();
    for (unsigned long i = 0; ok && i < 2; ++i) ok = ds.findAndGetFloat64(DCM_PixelSpacing, ps[i], i).good() && ps[i] > 0;
    Sint32 frames = 1;
    ds.findAndGetSint32(DCM_NumberOfFrames, frames);
    if (!ok || frames > 1 || get(ds, DCM_ImageType).find("MOSAIC") != std::string::npos) continue;
    ds.findAndGetFloat64(DCM_SliceThickness, thick);
    ds.findAndGetFloat64(DCM_SpacingBetweenSlices, gap);
    const double half = std::max(thick, gap) > 0 ? std::max(thick, gap) / 2 : 5.0;
    const double v[3] = {p[0] - ipp[0], p[1] - ipp[1], p[2] - ipp[2]};
    const double* r = iop;      // along a row: columns (spacing ps[1])
    const double* c = iop + 3;  // along a column: rows (spacing ps[0])
    const double n[3] = {r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]};
    const double col = (v[0] * r[0] + v[1] * r[1] + v[2] * r[2]) / ps[1];
    const double row = (v[0] * c[0] + v[1] * c[1] + v[2] * c[2]) / ps[0];
    const double d = std::abs(v[0] * n[0] + v[1] * n[1] + v[2] * n[2]);
    if (col < -0.5 || col > cols - 0.5 || row < -0.5 || row > rows - 0.5 || d > half + 1e-6) continue;
    if (best < 0 || d < best_d - 1e-9) {
      best = static_cast<long>(k);
      best_d = d;
    }
  }
  return best;
}

void add_number(Group& g, const Group::TID300_Measurement::MeasurementValue& v, const DSRCodedEntryValue& concept_name,
                const std::string& what) {
  check(g.addMeasurement(CID7469_GenericIntensityAndSizeMeasurements(concept_name), v), what);
}

}  // namespace

SrResult dcmtk_write_sr(const SrInput& in, const fs::path& out, const std::vector<DeidRule>& rules) {
  if (!in.exam || !in.score || !in.atlas || !in.scheme) throw std::invalid_argument("write_measurement_report: missing input");
  if (in.series_uids.empty()) throw InputError("--series-uid", "name at least one source series");
  const Exam& exam = *in.exam;
  std::vector<Source> sources = load_sources(in);
  DcmDataset& first = *sources.front().ff->getDataset();
  std::map<std::string, long> seed_image;  // site -> index in sources
  {
    std::vector<InputProblem> problems;
    for (const auto& [site, p] : in.seeds) {
      const std::string place = fmt::format("--seed {}={},{},{}", site, p[0], p[1], p[2]);
      if (std::none_of(exam.lesions.begin(), exam.lesions.end(), [&](const SiteGrading& sg) { return sg.site == site; }))
        problems.push_back({place, "the exam grades no site " + site});
      else if (long k = image_holding(sources, p); k < 0)
        problems.push_back({place, "no single-frame image of the source series holds this point (LPS mm)"});
      else
        seed_image[site] = k;
    }
    throw_if_any(std::move(problems));
  }

  // The order of DCMTK's own TID 1500 example: a new report, then its parts.
  TID1500_MeasurementReport report(CMR_CID7021::ImagingMeasurementReport);
  check(report.createNewMeasurementReport(CMR_CID7021::ImagingMeasurementReport), "new report");
  check(report.setLanguage(CID5000_Languages::English), "language");
  char device_uid[100];
  dcmGenerateUniqueIdentifier(device_uid, SITE_INSTANCE_UID_ROOT);
  check(report.getObservationContext().addDeviceObserver(device_uid, "crmo", "crmo", "crmo"), "device observer");
  check(report.addProcedureReported(CMR_CID100::MultiparametricMRIOfWholeBody), "procedure reported");

  // The image library: one group per source series, each image an entry.
  TID1600_ImageLibrary& library = report.getImageLibrary();
  check(library.createNewImageLibrary(), "image library");
  std::string last_series;
  for (auto& s : sources) {
    DcmDataset& ds = *s.ff->getDataset();
    if (s.series != last_series) {
      check(library.addImageGroup(), "image library group");
      library.addImageGroupDescriptors(ds, TID1600_ImageLibrary::withAllDescriptors);  // "none" is no error
      last_series = s.series;
    }
    check(library.addImageEntry(ds, TID1600_ImageLibrary::withoutDescriptors), "image library entry " + s.sop);
  }

  std::map<std::string, int> site_scores;
  for (const auto& ss : in.score->sites) site_scores[ss.site] = ss.score;
  const DSRCodedEntryValue grade_unit = ucum("{grade}", "grade");
  const DSRCodedEntryValue score_unit = ucum("{score}", "score");
  std::size_t groups = 0;
  auto next_group = [&]() -> Group& {
    if (groups++ > 0) check(report.addIndividualMeasurements(OFFalse), "measurement group");
    return report.getIndividualMeasurements();
  };
  for (const SiteGrading& sg : exam.lesions) {
    Group& g = next_group();
    // The image the site was measured on: referenced by each measurement taken from it.
    const Source* image = seed_image.count(sg.site) ? &sources[seed_image[sg.site]] : nullptr;
    const bool from_image = sg.volume_ml || sg.max_diameter_mm || sg.si_ratio;
    auto reference = [&](bool derived, const std::string& what) {
      if (!image || !derived) return;
      check(g.getMeasurement().addImage(CODE_DCM_SourceOfMeasurement,
                                        DSRImageReferenceValue(image->sop_class, image->sop)),
            "source image of " + what);
    };
    check(g.setTrackingIdentifier(sg.site.c_str()), "tracking identifier " + sg.site);
    char uid[100];
    check(g.setTrackingUniqueIdentifier(dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT)), "tracking uid");
    check(g.setFinding(crmo_code("crmo-lesion", "CRMO/CNO bone lesion (STIR hyperintensity)")), "finding");
    std::string err;
    auto site = in.atlas->parse_site(sg.site, &err);
    std::string meaning = sg.site;
    DSRCodedEntryValue laterality;
    if (site) {
      meaning = fmt::format("{} ({})", site->unit->id, site->unit->bone);
      if (site->side == Side::L) laterality = CMR_CID244::getCodedEntry(CMR_CID244::Left);
      if (site->side == Side::R) laterality = CMR_CID244::getCodedEntry(CMR_CID244::Right);
    }
    std::string unit_code = sg.site.substr(0, sg.site.find(':'));
    check(g.addFindingSite(crmo_code(unit_code, meaning.substr(0, 64)), CID244e_Laterality(laterality)),
          "finding site " + sg.site);
    for (const GradeItem& item : in.scheme->items) {
      auto it = sg.grades.find(item.name);
      if (it == sg.grades.end()) continue;
      add_number(g, {std::to_string(it->second).c_str(), grade_unit}, crmo_code("grade." + item.name, item.name + " grade"),
                 item.name);
      reference(!from_image, item.name);  // graded on that image when nothing was measured
    }
    add_number(g, {std::to_string(site_scores.count(sg.site) ? site_scores[sg.site] : 0).c_str(), score_unit},
               crmo_code("cromris-unit-score", "CROMRIS unit score"), "unit score");
    if (sg.volume_ml)
      add_number(g, {ds_value(*sg.volume_ml).c_str(), ucum("mL", "milliliter")},
                 CMR_CID7469::getCodedEntry(CMR_CID7469::VolumeFromVoxelSummation), "volume");
    reference(sg.volume_ml.has_value(), "volume");
    if (sg.max_diameter_mm)
      add_number(g, {ds_value(*sg.max_diameter_mm).c_str(), ucum("mm", "millimeter")},
                 CMR_CID7469::getCodedEntry(CMR_CID7469::Diameter), "diameter");
    reference(sg.max_diameter_mm.has_value(), "diameter");
    if (sg.si_ratio)
      add_number(g, {ds_value(*sg.si_ratio).c_str(), ucum("1", "no units")},
                 crmo_code("si-ratio-muscle", "Lesion to muscle signal ratio (STIR)"), "signal ratio");
    reference(sg.si_ratio.has_value(), "signal ratio");
    if (sg.physis)
      check(g.addQualitativeEvaluation(crmo_code("physis", "Relation to the growth plate"),
                                       crmo_code("physis." + *sg.physis, *sg.physis)),
            "physis");
    if (sg.symptomatic)
      check(g.addQualitativeEvaluation(crmo_code("symptomatic", "Site is clinically symptomatic"),
                                       *sg.symptomatic ? DSRCodedEntryValue("373066001", "SCT", "Yes")
                                                       : DSRCodedEntryValue("373067005", "SCT", "No")),
            "symptomatic");
    if (sg.lesion) check(g.addQualitativeEvaluation(crmo_code("lesion-label", "Lesion label"), sg.lesion->c_str()), "label");
  }
  {
    Group& g = next_group();
    check(g.setTrackingIdentifier("exam total"), "tracking identifier");
    char uid[100];
    check(g.setTrackingUniqueIdentifier(dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT)), "tracking uid");
    add_number(g, {std::to_string(in.score->total).c_str(), score_unit},
               crmo_code("rai-cromris-total", "RAI-CROMRIS total"), "total");
  }
  if (!report.isValid()) throw std::runtime_error("DICOM SR: DCMTK finds the TID 1500 report incomplete");

  DSRDocument doc;
  check(doc.setTreeFromRootTemplate(report, OFTrue), "document tree");
  const std::string study = sources.front().study;
  check(doc.createNewSeriesInStudy(study.c_str()), "series");
  doc.setSpecificCharacterSetType(DSRTypes::CS_UTF8);
  doc.setPatientName(get(first, DCM_PatientName).c_str(), OFFalse);
  doc.setPatientID(get(first, DCM_PatientID).c_str(), OFFalse);
  doc.setPatientBirthDate(get(first, DCM_PatientBirthDate).c_str(), OFFalse);
  doc.setPatientSex(get(first, DCM_PatientSex).c_str(), OFFalse);
  doc.setStudyDate(get(first, DCM_StudyDate).c_str(), OFFalse);
  doc.setStudyTime(get(first, DCM_StudyTime).c_str(), OFFalse);
  doc.setStudyID(get(first, DCM_StudyID).c_str(), OFFalse);
  doc.setAccessionNumber(get(first, DCM_AccessionNumber).c_str(), OFFalse);
  doc.setReferringPhysicianName(get(first, DCM_ReferringPhysicianName).c_str(), OFFalse);
  doc.setStudyDescription(get(first, DCM_StudyDescription).c_str(), OFFalse);
  // No exam id here: a series description survives de-identification (Clean Descriptors).
  doc.setSeriesDescription("crmo measurement report", OFFalse);
  doc.setManufacturer("crmo");
  doc.setSeriesNumber("9901");
  doc.setInstanceNumber("1");
  for (const auto& s : sources)
    check(doc.getCurrentRequestedProcedureEvidence().addItem(s.study.c_str(), s.series.c_str(), s.sop_class.c_str(),
                                                             s.sop.c_str()),
          "evidence " + s.sop);
  check(doc.completeDocument(), "completion flag");

  DcmFileFormat file;
  check(doc.write(*file.getDataset()), "writing the document");
  DcmDataset& ds = *file.getDataset();
  SrResult r;
  if (in.deid) deidentify_dataset(ds, *in.deid, rules);
  r.sop_instance_uid = get(ds, DCM_SOPInstanceUID);
  r.series_instance_uid = get(ds, DCM_SeriesInstanceUID);
  r.study_instance_uid = get(ds, DCM_StudyInstanceUID);
  r.measurement_groups = groups;
  r.referenced_images = sources.size();
  // As written (de-identified UIDs when --deid).
  for (const auto& [site, k] : seed_image)
    r.seed_images[site] = in.deid ? in.deid->uid(sources[static_cast<std::size_t>(k)].sop)
                                  : sources[static_cast<std::size_t>(k)].sop;
  fs::path tmp = out;
  tmp += ".partial";
  OFCondition st = file.saveFile(tmp.c_str(), EXS_LittleEndianExplicit);
  if (st.bad()) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw std::runtime_error("cannot write " + out.string() + ": " + st.text());
  }
  fs::rename(tmp, out);
  return r;
}

}  // namespace crmo::exchange
