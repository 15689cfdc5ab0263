#include "imaging/dicom_header.hpp"

#include <gdcmDataSet.h>
#include <gdcmFile.h>
#include <gdcmPrivateTag.h>
#include <gdcmReader.h>
#include <gdcmSequenceOfItems.h>
#include <gdcmStringFilter.h>
#include <gdcmTag.h>
#include <gdcmTrace.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <set>
#include <sstream>

#include "imaging/memory_stream.hpp"
#include "imaging/siemens_csa.hpp"

namespace crmo::imaging {

std::vector<double> parse_numbers(std::string_view s) {
  std::vector<double> out;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    std::size_t end = s.find('\\', pos);
    if (end == std::string_view::npos) end = s.size();
    std::string_view part = s.substr(pos, end - pos);
    while (!part.empty() && (part.front() == ' ' || part.front() == '\0')) part.remove_prefix(1);
    while (!part.empty() && (part.back() == ' ' || part.back() == '\0')) part.remove_suffix(1);
    if (!part.empty() && part.front() == '+') part.remove_prefix(1);
    double v = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec == std::errc() && p == part.data() + part.size() && std::isfinite(v)) out.push_back(v);
    pos = end + 1;
  }
  return out;
}

void quiet_gdcm() {
  static const bool once = [] {
    gdcm::Trace::SetDebug(false);
    gdcm::Trace::SetWarning(false);
    gdcm::Trace::SetError(false);
    return true;
  }();
  (void)once;
}

namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  std::size_t b = 0;
  while (b < s.size() && s[b] == ' ') ++b;
  return s.substr(b);
}

// String value of an element straight from its bytes (for string VRs such as DS, CS, LO).
std::string bytes_of(const gdcm::DataSet& ds, const gdcm::Tag& t) {
  if (!ds.FindDataElement(t)) return {};
  const gdcm::DataElement& de = ds.GetDataElement(t);
  const gdcm::ByteValue* bv = de.GetByteValue();
  if (!bv || !bv->GetPointer()) return {};
  return trim(std::string(bv->GetPointer(), bv->GetLength()));
}

std::optional<Vec3> vec3_of(const gdcm::DataSet& ds, const gdcm::Tag& t) {
  const auto v = parse_numbers(bytes_of(ds, t));
  if (v.size() != 3) return std::nullopt;
  return Vec3{v[0], v[1], v[2]};
}

// First item of a sequence element, or nullptr.
const gdcm::DataSet* first_item(const gdcm::DataSet& ds, const gdcm::Tag& t) {
  if (!ds.FindDataElement(t)) return nullptr;
  gdcm::SmartPointer<gdcm::SequenceOfItems> sq = ds.GetDataElement(t).GetValueAsSQ();
  if (!sq || sq->GetNumberOfItems() < 1) return nullptr;
  return &sq->GetItem(1).GetNestedDataSet();
}

void read_functional_groups(const gdcm::DataSet& ds, DicomHeader& h) {
  const gdcm::Tag shared_t(0x5200, 0x9229), per_frame_t(0x5200, 0x9230);
  const gdcm::Tag plane_pos(0x0020, 0x9113), plane_ori(0x0020, 0x9116), measures(0x0028, 0x9110);
  auto read_group = [&](const gdcm::DataSet& g) {
    if (const auto* o = first_item(g, plane_ori)) {
      const auto v = parse_numbers(bytes_of(*o, gdcm::Tag(0x0020, 0x0037)));
      if (v.size() == 6) h.orientation = std::array<Vec3, 2>{Vec3{v[0], v[1], v[2]}, Vec3{v[3], v[4], v[5]}};
    }
    if (const auto* m = first_item(g, measures)) {
      const auto ps = parse_numbers(bytes_of(*m, gdcm::Tag(0x0028, 0x0030)));
      if (ps.size() == 2) h.pixel_spacing = std::array<double, 2>{ps[0], ps[1]};
      const auto th = parse_numbers(bytes_of(*m, gdcm::Tag(0x0018, 0x0050)));
      if (th.size() == 1) h.slice_thickness = th[0];
      const auto sb = parse_numbers(bytes_of(*m, gdcm::Tag(0x0018, 0x0088)));
      if (sb.size() == 1) h.spacing_between_slices = sb[0];
    }
  };
  if (const auto* shared = first_item(ds, shared_t)) read_group(*shared);
  if (!ds.FindDataElement(per_frame_t)) return;
  gdcm::SmartPointer<gdcm::SequenceOfItems> sq = ds.GetDataElement(per_frame_t).GetValueAsSQ();
  if (!sq) return;
  const auto n = sq->GetNumberOfItems();
  for (gdcm::SequenceOfItems::SizeType i = 1; i <= n; ++i) {
    const gdcm::DataSet& f = sq->GetItem(i).GetNestedDataSet();
    if (i == 1) read_group(f);
    const gdcm::DataSet* p = first_item(f, plane_pos);
    const auto pos = p ? vec3_of(*p, gdcm::Tag(0x0020, 0x0032)) : std::nullopt;
    if (!pos) {
      h.frame_positions.clear();
      return;
    }
    h.frame_positions.push_back(*pos);
  }
}

HeaderResult parse(gdcm::Reader& reader, const std::string& name) {
  quiet_gdcm();
  HeaderResult r;
  const std::set<gdcm::Tag> skip;
  bool ok = false;
  try {
    ok = reader.ReadUpToTag(gdcm::Tag(0x7fe0, 0x0010), skip);
  } catch (const std::exception& e) {
    r.error = std::string("not readable as DICOM: ") + e.what();
    return r;
  }
  if (!ok) {
    r.error = "not a DICOM file, or its header is truncated";
    return r;
  }
  const gdcm::File& file = reader.GetFile();
  const gdcm::DataSet& ds = file.GetDataSet();
  if (ds.IsEmpty()) {
    r.error = "not a DICOM file (no data elements)";
    return r;
  }
  gdcm::StringFilter sf;
  sf.SetFile(file);
  auto str = [&](uint16_t g, uint16_t e) {
    const gdcm::Tag t(g, e);
    if (!ds.FindDataElement(t) || ds.GetDataElement(t).IsEmpty()) return std::string();
    try {
      return trim(sf.ToString(t));
    } catch (...) {
      return std::string();
    }
  };
  auto num = [&](uint16_t g, uint16_t e, double dflt) {
    const auto v = parse_numbers(str(g, e));
    return v.empty() ? dflt : v[0];
  };
  DicomHeader h;
  h.path = name;
  h.transfer_syntax = trim(file.GetHeader().GetDataSetTransferSyntax().GetString()
                               ? file.GetHeader().GetDataSetTransferSyntax().GetString()
                               : "");
  h.sop_class_uid = str(0x0008, 0x0016);
  h.sop_instance_uid = str(0x0008, 0x0018);
  h.study_uid = str(0x0020, 0x000d);
  h.series_uid = str(0x0020, 0x000e);
  h.frame_of_reference_uid = str(0x0020, 0x0052);
  h.patient_id = str(0x0010, 0x0020);
  h.patient_name = str(0x0010, 0x0010);
  h.study_date = str(0x0008, 0x0020);
  h.study_description = str(0x0008, 0x1030);
  h.modality = str(0x0008, 0x0060);
  h.manufacturer = str(0x0008, 0x0070);
  h.series_description = str(0x0008, 0x103e);
  h.protocol_name = str(0x0018, 0x1030);
  h.sequence_name = str(0x0018, 0x0024);
  h.image_type = str(0x0008, 0x0008);
  if (h.image_type.empty()) h.image_type = str(0x0008, 0x9007);  // Frame Type (enhanced)
  h.series_number = static_cast<int>(num(0x0020, 0x0011, 0));
  h.instance_number = static_cast<int>(num(0x0020, 0x0013, 0));
  h.acquisition_number = static_cast<int>(num(0x0020, 0x0012, 0));
  h.echo_number = static_cast<int>(num(0x0018, 0x0086, 0));
  h.echo_time = num(0x0018, 0x0081, 0);
  h.repetition_time = num(0x0018, 0x0080, 0);
  h.inversion_time = num(0x0018, 0x0082, 0);
  h.rows = static_cast<int>(num(0x0028, 0x0010, 0));
  h.cols = static_cast<int>(num(0x0028, 0x0011, 0));
  h.bits_allocated = static_cast<int>(num(0x0028, 0x0100, 0));
  h.bits_stored = static_cast<int>(num(0x0028, 0x0101, h.bits_allocated));
  h.pixel_representation = static_cast<int>(num(0x0028, 0x0103, 0));
  h.samples_per_pixel = static_cast<int>(num(0x0028, 0x0002, 1));
  h.number_of_frames = static_cast<int>(num(0x0028, 0x0008, 1));
  h.photometric = str(0x0028, 0x0004);
  h.slope = num(0x0028, 0x1053, 1);
  h.intercept = num(0x0028, 0x1052, 0);
  if (h.slope == 0) h.slope = 1;
  h.slice_thickness = num(0x0018, 0x0050, 0);
  h.spacing_between_slices = num(0x0018, 0x0088, 0);
  if (auto p = vec3_of(ds, gdcm::Tag(0x0020, 0x0032))) h.position = p;
  {
    const auto v = parse_numbers(str(0x0020, 0x0037));
    if (v.size() == 6) h.orientation = std::array<Vec3, 2>{Vec3{v[0], v[1], v[2]}, Vec3{v[3], v[4], v[5]}};
    const auto ps = parse_numbers(str(0x0028, 0x0030));
    if (ps.size() == 2) h.pixel_spacing = std::array<double, 2>{ps[0], ps[1]};
  }
  if (h.number_of_frames > 1 || ds.FindDataElement(gdcm::Tag(0x5200, 0x9229))) {
    try {
      read_functional_groups(ds, h);
    } catch (...) {
      h.frame_positions.clear();
    }
    if (!h.position && !h.frame_positions.empty()) h.position = h.frame_positions.front();
  }
  // Siemens mosaic: the count is in (0019,xx0A) of "SIEMENS MR HEADER", or in the CSA header.
  if (h.image_type.find("MOSAIC") != std::string::npos) {
    const gdcm::PrivateTag mosaic_t(0x0019, 0x0a, "SIEMENS MR HEADER");
    if (ds.FindDataElement(mosaic_t)) {
      const gdcm::ByteValue* bv = ds.GetDataElement(mosaic_t).GetByteValue();
      if (bv && bv->GetLength() >= 2) {
        const auto* b = reinterpret_cast<const unsigned char*>(bv->GetPointer());
        h.mosaic_images = b[0] | (b[1] << 8);
      }
    }
    const gdcm::PrivateTag csa_t(0x0029, 0x10, "SIEMENS CSA HEADER");
    if (ds.FindDataElement(csa_t)) {
      const gdcm::ByteValue* bv = ds.GetDataElement(csa_t).GetByteValue();
      if (bv && bv->GetPointer()) {
        const CsaHeader csa = parse_csa({bv->GetPointer(), bv->GetLength()});
        if (h.mosaic_images <= 0) {
          const auto n = csa.numbers("NumberOfImagesInMosaic");
          if (!n.empty()) h.mosaic_images = static_cast<int>(n[0]);
        }
        const auto sn = csa.numbers("SliceNormalVector");
        if (sn.size() == 3 && h.orientation) {
          const Vec3 nrm = cross((*h.orientation)[0], (*h.orientation)[1]);
          h.mosaic_descending = dot(nrm, Vec3{sn[0], sn[1], sn[2]}) < 0;
        }
      }
    }
    if (h.mosaic_images < 2) h.mosaic_images = 0;
  }
  r.header = std::move(h);
  return r;
}

}  // namespace

HeaderResult read_dicom_header(const std::string& path) {
  gdcm::Reader reader;
  reader.SetFileName(path.c_str());
  return parse(reader, path);
}

HeaderResult read_dicom_header_from_memory(std::string_view bytes, const std::string& name) {
  MemoryStream in(bytes);
  gdcm::Reader reader;
  reader.SetStream(in);
  return parse(reader, name);
}

}  // namespace crmo::imaging
