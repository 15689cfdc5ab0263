#include "imaging/dicom_series.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace crmo::imaging {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  return s;
}

std::string safe_name(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += c;
    else if (!out.empty() && out.back() != '_') out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out.substr(0, 48);
}

std::string fmt_key(double v) { return std::to_string(std::llround(v * 1000)); }

struct Entry {
  SliceRef ref;
  double along = 0;  // position along the slice normal
  int acq = 0, inst = 0;
};

}  // namespace

std::string image_kind(const DicomHeader& h) {
  const std::string t = lower(h.image_type) + "\\";
  const std::string d = lower(h.series_description);
  auto has = [&](const char* s) { return t.find(s) != std::string::npos; };
  if (has("\\p\\") || (has("phase\\") && !has("in_phase") && !has("out_phase") && !has("opp")))
    return "phase";
  if (has("\\w\\") || has("water")) return "water";
  if (has("\\f\\") || has("fat")) return "fat";
  if (has("\\ip\\") || has("in_phase")) return "in_phase";
  if (has("\\op\\") || has("out_phase") || has("opp_phase")) return "opposed_phase";
  if (has("\\r\\") || has("real")) return "real";
  if (has("\\i\\") || has("imaginary")) return "imaginary";
  (void)d;
  return "magnitude";
}

SeriesResult plan_series(const std::vector<DicomHeader>& headers) {
  SeriesResult out;
  std::map<std::string, std::vector<Entry>> groups;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    const DicomHeader& h = headers[i];
    auto reject = [&](const std::string& why) { out.problems.push_back({h.path, why}); };
    if (h.rows <= 0 || h.cols <= 0 || h.bits_allocated == 0) {
      reject("not an image (no rows, columns or pixel data description); skipped");
      continue;
    }
    if (h.samples_per_pixel != 1) {
      reject("colour image (" + std::to_string(h.samples_per_pixel) + " samples per pixel); skipped");
      continue;
    }
    if (h.bits_allocated != 8 && h.bits_allocated != 16) {
      reject("unsupported Bits Allocated " + std::to_string(h.bits_allocated) + "; skipped");
      continue;
    }
    if (!h.position) {
      reject("missing Image Position (Patient); skipped");
      continue;
    }
    if (!h.orientation) {
      reject("missing Image Orientation (Patient); skipped");
      continue;
    }
    if (!h.pixel_spacing) {
      reject("missing Pixel Spacing; skipped");
      continue;
    }
    const auto [ps_row, ps_col] = *h.pixel_spacing;
    if (!(ps_row > 0) || !(ps_col > 0)) {
      reject("zero or negative Pixel Spacing; skipped");
      continue;
    }
    const auto r = normalized((*h.orientation)[0]), c = normalized((*h.orientation)[1]);
    if (!r || !c || std::abs(dot(*r, *c)) > 1e-3) {
      reject("Image Orientation (Patient) is not two orthogonal directions; skipped");
      continue;
    }
    const Vec3 n = *normalized(cross(*r, *c));
    std::string key = h.study_uid + "|" + h.series_uid + "|e" + std::to_string(h.echo_number) + "|" +
                      image_kind(h) + "|" + std::to_string(h.rows) + "x" + std::to_string(h.cols) +
                      "|" + fmt_key(ps_row) + "," + fmt_key(ps_col) + "|m" + std::to_string(h.mosaic_images);
    for (const Vec3* v : {&*r, &*c})
      for (double x : *v) {
        key += ',';  // appended in two steps: GCC 12's -Wrestrict misfires on "," + string&&
        key += fmt_key(x);
      }
    auto& g = groups[key];
    auto add = [&](int frame, int tile, const Vec3& pos) {
      Entry e;
      e.ref = SliceRef{i, frame, tile, pos};
      e.along = dot(pos, n);
      e.acq = h.acquisition_number;
      e.inst = h.instance_number;
      g.push_back(e);
    };
    if (h.mosaic_images > 0) {
      const int m = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(h.mosaic_images))));
      const int tr = h.rows / m, tc = h.cols / m;
      double sp = h.spacing_between_slices > 0 ? h.spacing_between_slices : h.slice_thickness;
      if (!(sp > 0)) sp = 1;
      const Vec3 origin = *h.position + (ps_col * (h.cols - tc) / 2.0) * *r + (ps_row * (h.rows - tr) / 2.0) * *c;
      const Vec3 dir = (h.mosaic_descending ? -1.0 : 1.0) * n;
      for (int s = 0; s < h.mosaic_images; ++s) add(0, s, origin + (s * sp) * dir);
    } else if (h.number_of_frames > 1) {
      if (static_cast<int>(h.frame_positions.size()) != h.number_of_frames) {
        reject("multi-frame image without a position for every frame; skipped");
        continue;
      }
      for (int f = 0; f < h.number_of_frames; ++f) add(f, -1, h.frame_positions[f]);
    } else {
      add(0, -1, *h.position);
    }
  }

  std::set<std::string> used_ids;
  for (auto& [key, entries] : groups) {
    const DicomHeader& h0 = headers[entries.front().ref.header];
    std::string name = "series " + std::to_string(h0.series_number) + " \"" + h0.series_description + "\"";
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
      if (std::abs(a.along - b.along) > 1e-3) return a.along < b.along;
      if (a.acq != b.acq) return a.acq < b.acq;
      if (a.inst != b.inst) return a.inst < b.inst;
      return a.ref.frame < b.ref.frame;
    });
    // Distinct positions along the normal, and how often each repeats.
    std::vector<std::size_t> starts{0};
    for (std::size_t k = 1; k < entries.size(); ++k)
      if (entries[k].along - entries[k - 1].along > 0.01) starts.push_back(k);
    const std::size_t p = starts.size();
    if (entries.size() % p != 0) {
      out.problems.push_back({name, "positions repeat unevenly (" + std::to_string(entries.size()) +
                                        " slices at " + std::to_string(p) + " positions); series skipped"});
      continue;
    }
    const std::size_t nt = entries.size() / p;
    bool even = true;
    for (std::size_t q = 0; q < p; ++q) {
      const std::size_t end = q + 1 < p ? starts[q + 1] : entries.size();
      if (end - starts[q] != nt) even = false;
    }
    if (!even) {
      out.problems.push_back({name, "positions repeat unevenly (some positions missing in some volumes); series skipped"});
      continue;
    }
    const auto ps = *h0.pixel_spacing;
    const Vec3 r = *normalized((*h0.orientation)[0]), c = *normalized((*h0.orientation)[1]);
    const Vec3 n = *normalized(cross(r, c));
    double dz = 0;
    if (p > 1) {
      dz = (entries[starts[p - 1]].along - entries[0].along) / static_cast<double>(p - 1);
      bool uniform = true;
      for (std::size_t q = 1; q < p; ++q) {
        const double d = entries[starts[q]].along - entries[starts[q - 1]].along;
        if (std::abs(d - dz) > std::max(0.02, 0.05 * dz)) uniform = false;
      }
      if (!uniform) {
        out.problems.push_back({name, "slice spacing is uneven (missing slices?); series skipped"});
        continue;
      }
      // In-plane offsets must agree (else these are not slices of one volume).
      const Vec3 p0 = entries[0].ref.position;
      bool aligned = true;
      for (std::size_t q = 1; q < p; ++q) {
        const Vec3 d = entries[starts[q]].ref.position - p0;
        if (std::abs(dot(d, r)) > 0.05 * ps[1] + 0.01 || std::abs(dot(d, c)) > 0.05 * ps[0] + 0.01) aligned = false;
      }
      if (!aligned) {
        out.problems.push_back({name, "slices are shifted in plane against each other; series skipped"});
        continue;
      }
    } else {
      dz = h0.spacing_between_slices > 0 ? h0.spacing_between_slices : h0.slice_thickness;
      if (!(dz > 0)) dz = 1;
    }
    if (!(dz > 1e-4)) {
      out.problems.push_back({name, "zero slice spacing; series skipped"});
      continue;
    }
    SeriesPlan s;
    s.study_uid = h0.study_uid;
    s.series_uid = h0.series_uid;
    s.frame_of_reference_uid = h0.frame_of_reference_uid;
    s.patient_id = h0.patient_id;
    s.study_date = h0.study_date;
    s.modality = h0.modality;
    s.manufacturer = h0.manufacturer;
    s.description = h0.series_description;
    s.protocol_name = h0.protocol_name;
    s.sequence_name = h0.sequence_name;
    s.image_type = h0.image_type;
    s.series_number = h0.series_number;
    s.echo_number = h0.echo_number;
    s.echo_time = h0.echo_time;
    s.repetition_time = h0.repetition_time;
    s.inversion_time = h0.inversion_time;
    s.mosaic = h0.mosaic_images > 0;
    if (s.mosaic) {
      const int m = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(h0.mosaic_images))));
      s.dims = {static_cast<std::size_t>(h0.cols / m), static_cast<std::size_t>(h0.rows / m), p};
    } else {
      s.dims = {static_cast<std::size_t>(h0.cols), static_cast<std::size_t>(h0.rows), p};
    }
    s.nt = nt;
    s.geom.origin = entries[0].ref.position;
    s.geom.axis = {r, c, n};
    s.geom.spacing = {ps[1], ps[0], dz};
    s.is_signed = h0.pixel_representation == 1;
    s.slope = h0.slope;
    s.intercept = h0.intercept;
    s.slices.resize(p * nt);
    for (std::size_t q = 0; q < p; ++q)
      for (std::size_t t = 0; t < nt; ++t) s.slices[t * p + q] = entries[starts[q] + t].ref;
    std::set<std::size_t> seen;
    for (const auto& sl : s.slices) {
      const DicomHeader& h = headers[sl.header];
      if (seen.insert(sl.header).second) s.files.push_back(h.path);
      if (h.slope != s.slope || h.intercept != s.intercept) {
        if (s.warnings.empty() || s.warnings.back().find("rescale") == std::string::npos)
          s.warnings.push_back("rescale slope/intercept vary between slices; the first slice's are used");
      }
    }
    std::string id = std::to_string(s.series_number) + "_" + safe_name(s.description);
    if (s.echo_number > 1) id += "_e" + std::to_string(s.echo_number);
    const std::string kind = image_kind(h0);
    s.kind = kind;
    if (kind != "magnitude") id += "_" + kind;
    std::string unique = id;
    for (int k = 2; used_ids.count(unique); ++k) unique = id + "_" + std::to_string(k);
    used_ids.insert(unique);
    s.id = unique;
    out.series.push_back(std::move(s));
  }
  std::sort(out.series.begin(), out.series.end(), [](const SeriesPlan& a, const SeriesPlan& b) {
    if (a.study_uid != b.study_uid) return a.study_uid < b.study_uid;
    if (a.series_number != b.series_number) return a.series_number < b.series_number;
    return a.id < b.id;
  });
  return out;
}

}  // namespace crmo::imaging
