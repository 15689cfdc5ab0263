#include "imaging/dicom_header.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdio>

#include "imaging/dicom_parse.hpp"
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

namespace {

const DicomDataSet* first_item(const DicomDataSet& ds, std::uint32_t tag) {
  const DicomElement* e = ds.find(tag);
  return e && !e->items.empty() ? &e->items.front() : nullptr;
}

std::optional<Vec3> vec3(const DicomElement* e) {
  const auto v = parse_numbers(e ? e->value : std::string_view());
  if (v.size() != 3) return std::nullopt;
  return Vec3{v[0], v[1], v[2]};
}

void read_functional_groups(const DicomDataSet& ds, DicomHeader& h) {
  auto read_group = [&](const DicomDataSet& g) {
    if (const auto* o = first_item(g, 0x00209116u)) {
      const auto v = parse_numbers(element_string(o->find(0x00200037u)));
      if (v.size() == 6) h.orientation = std::array<Vec3, 2>{Vec3{v[0], v[1], v[2]}, Vec3{v[3], v[4], v[5]}};
    }
    if (const auto* m = first_item(g, 0x00289110u)) {
      const auto ps = parse_numbers(element_string(m->find(0x00280030u)));
      if (ps.size() == 2) h.pixel_spacing = std::array<double, 2>{ps[0], ps[1]};
      const auto th = parse_numbers(element_string(m->find(0x00180050u)));
      if (th.size() == 1) h.slice_thickness = th[0];
      const auto sb = parse_numbers(element_string(m->find(0x00180088u)));
      if (sb.size() == 1) h.spacing_between_slices = sb[0];
    }
    if (const auto* t = first_item(g, 0x00289145u)) {  // Pixel Value Transformation
      const auto sl = parse_numbers(element_string(t->find(0x00281053u)));
      const auto in = parse_numbers(element_string(t->find(0x00281052u)));
      if (sl.size() == 1 && sl[0] != 0) h.slope = sl[0];
      if (in.size() == 1) h.intercept = in[0];
    }
  };
  if (const auto* shared = first_item(ds, 0x52009229u)) read_group(*shared);
  const DicomElement* per_frame = ds.find(0x52009230u);
  if (!per_frame) return;
  for (std::size_t i = 0; i < per_frame->items.size(); ++i) {
    const DicomDataSet& f = per_frame->items[i];
    if (i == 0) read_group(f);
    const DicomDataSet* p = first_item(f, 0x00209113u);
    const auto pos = p ? vec3(p->find(0x00200032u)) : std::nullopt;
    if (!pos) {
      h.frame_positions.clear();
      return;
    }
    h.frame_positions.push_back(*pos);
  }
}

HeaderResult from_parse(const DicomParse& d, const std::string& name) {
  HeaderResult r;
  if (!d.error.empty() && !d.has_pixels) {
    r.error = d.error;
    return r;
  }
  auto str = [&](std::uint32_t t) { return d.str(t); };
  auto num = [&](std::uint32_t t, double dflt) {
    const auto v = d.numbers(t);
    return v.empty() ? dflt : v[0];
  };
  auto inum = [&](std::uint32_t t, int dflt) {
    const double v = num(t, dflt);
    return v > -1e9 && v < 1e9 ? static_cast<int>(v) : dflt;
  };
  DicomHeader h;
  h.path = name;
  h.transfer_syntax = d.transfer_syntax;
  h.native_pixels = d.has_pixels && !d.encapsulated && !d.deflated && !d.big_endian;
  h.pixel_offset = d.pixel_offset;
  h.pixel_length = d.pixel_length;
  h.sop_class_uid = str(0x00080016u);
  h.sop_instance_uid = str(0x00080018u);
  h.study_uid = str(0x0020000du);
  h.series_uid = str(0x0020000eu);
  h.frame_of_reference_uid = str(0x00200052u);
  h.patient_id = str(0x00100020u);
  h.patient_name = str(0x00100010u);
  h.study_date = str(0x00080020u);
  h.study_description = str(0x00081030u);
  h.modality = str(0x00080060u);
  h.manufacturer = str(0x00080070u);
  h.series_description = str(0x0008103eu);
  h.protocol_name = str(0x00181030u);
  h.sequence_name = str(0x00180024u);
  h.image_type = str(0x00080008u);
  if (h.image_type.empty()) h.image_type = str(0x00089007u);  // Frame Type (enhanced)
  h.series_number = inum(0x00200011u, 0);
  h.instance_number = inum(0x00200013u, 0);
  h.acquisition_number = inum(0x00200012u, 0);
  h.echo_number = inum(0x00180086u, 0);
  h.echo_time = num(0x00180081u, 0);
  h.repetition_time = num(0x00180080u, 0);
  h.inversion_time = num(0x00180082u, 0);
  h.rows = inum(0x00280010u, 0);
  h.cols = inum(0x00280011u, 0);
  h.bits_allocated = inum(0x00280100u, 0);
  h.bits_stored = inum(0x00280101u, h.bits_allocated);
  h.pixel_representation = inum(0x00280103u, 0);
  h.samples_per_pixel = inum(0x00280002u, 1);
  h.number_of_frames = inum(0x00280008u, 1);
  h.photometric = str(0x00280004u);
  h.slope = num(0x00281053u, 1);
  h.intercept = num(0x00281052u, 0);
  if (h.slope == 0) h.slope = 1;
  h.slice_thickness = num(0x00180050u, 0);
  h.spacing_between_slices = num(0x00180088u, 0);
  if (auto p = vec3(d.data.find(0x00200032u))) h.position = p;
  {
    const auto v = parse_numbers(str(0x00200037u));
    if (v.size() == 6) h.orientation = std::array<Vec3, 2>{Vec3{v[0], v[1], v[2]}, Vec3{v[3], v[4], v[5]}};
    const auto ps = parse_numbers(str(0x00280030u));
    if (ps.size() == 2) h.pixel_spacing = std::array<double, 2>{ps[0], ps[1]};
  }
  if (h.number_of_frames > 1 || d.data.find(0x52009229u)) {
    read_functional_groups(d.data, h);
    if (!h.position && !h.frame_positions.empty()) h.position = h.frame_positions.front();
  }
  // Siemens mosaic: the count is in (0019,xx0A) of "SIEMENS MR HEADER", or in the CSA header.
  if (h.image_type.find("MOSAIC") != std::string::npos) {
    if (const DicomElement* e = d.data.find_private(0x0019, "SIEMENS MR HEADER", 0x0a)) {
      const auto v = element_numbers(e, d.big_endian);
      if (e->value.size() >= 2) {
        const auto* b = reinterpret_cast<const unsigned char*>(e->value.data());
        h.mosaic_images = d.big_endian ? (b[0] << 8 | b[1]) : (b[0] | (b[1] << 8));
      }
    }
    if (const DicomElement* e = d.data.find_private(0x0029, "SIEMENS CSA HEADER", 0x10)) {
      const CsaHeader csa = parse_csa(e->value);
      if (h.mosaic_images <= 0) {
        const auto n = csa.numbers("NumberOfImagesInMosaic");
        if (!n.empty() && n[0] > 0 && n[0] < 10000) h.mosaic_images = static_cast<int>(n[0]);
      }
      const auto sn = csa.numbers("SliceNormalVector");
      if (sn.size() == 3 && h.orientation) {
        const Vec3 nrm = cross((*h.orientation)[0], (*h.orientation)[1]);
        h.mosaic_descending = dot(nrm, Vec3{sn[0], sn[1], sn[2]}) < 0;
      }
    }
    if (h.mosaic_images < 2 || h.mosaic_images > 4096) h.mosaic_images = 0;
  }
  r.header = std::move(h);
  return r;
}

}  // namespace

HeaderResult read_dicom_header(const std::string& path) {
  // Headers usually end within 16 KiB (Siemens' CSA headers within 64 KiB): read that much,
  // more only when the walk runs out before the pixels. Reading the first 64 KiB of every
  // file had ingest read a fifth more bytes than the files' pixels.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {std::nullopt, "cannot open the file"};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size <= 0) {
    ::close(fd);
    return {std::nullopt, "not a DICOM file (empty)"};
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  std::string buf;
  DicomParse d;
  for (std::size_t want : {std::size_t{16} << 10, std::size_t{64} << 10, size}) {
    want = std::min(want, size);
    if (want <= buf.size()) continue;
    std::size_t got = buf.size();
    buf.resize(want);
    while (got < want) {
      const ssize_t r = ::pread(fd, buf.data() + got, want - got, static_cast<off_t>(got));
      if (r <= 0) break;
      got += static_cast<std::size_t>(r);
    }
    buf.resize(got);
    d = parse_dicom(buf);
    if (!(d.ran_out && !d.has_pixels) || got < want) break;
  }
  ::close(fd);
  return from_parse(d, path);
}

HeaderResult read_dicom_header_from_memory(std::string_view bytes, const std::string& name) {
  return from_parse(parse_dicom(bytes), name);
}

}  // namespace crmo::imaging
