#include "imaging/pictures.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "imaging/dicom_scan.hpp"
#include "imaging/projection.hpp"
#include "imaging/site_positions.hpp"
#include "imaging/value_order.hpp"

namespace fs = std::filesystem;

namespace crmo::imaging {

namespace {

nlohmann::json vec(const Vec3& p) { return {p[0], p[1], p[2]}; }

nlohmann::json placed_json(const PngInfo& info) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& m : info.marks) a.push_back({{"label", m.label}, {"x", m.x}, {"y", m.y}});
  return a;
}

// Lesions and fluid are 5-8 times muscle on STIR: cap the window at 4 times the median
// body value so that muscle and marrow stay visible and lesions stand out white.
void body_window(const Picture& p, double threshold, double& lo, double& hi) {
  const ValueOrder order(p.values);  // counts once; both windows read it
  auto_window(order, lo, hi, 99.5);
  if (!(threshold > 0)) return;
  const std::size_t n = order.count_above(threshold);
  if (n < 16) return;
  hi = std::min(hi, 4.0 * order.kth_above(threshold, n / 2));
}

}  // namespace

nlohmann::json draw_exam_pictures(const Volume& stir, const PictureOptions& opt) {
  PictureSource src{stir, coronal_mip(stir), [&stir](std::size_t k) { return coronal_slice(stir, k); }, {}};
  src.row_max = row_max_of(stir, src.mip);
  return draw_exam_pictures(src, opt);
}

nlohmann::json draw_exam_pictures(const PictureSource& src, const PictureOptions& opt) {
  nlohmann::json out;
  const Volume& v = src.grid;
  const Picture& mip = src.mip;
  const BodyFrame body = find_body_frame(v, mip, src.row_max);
  out["body"] = {{"found", body.found},
                 {"vertex_z_mm", body.vertex_mm},
                 {"soles_z_mm", body.soles_mm},
                 {"crotch_z_mm", body.crotch_mm},
                 {"midline_x_mm", body.mid_x_mm},
                 {"centre_y_mm", body.mid_y_mm},
                 {"stature_mm", body.stature_mm},
                 {"vertex_in_view", body.vertex_in_view},
                 {"soles_in_view", body.soles_in_view},
                 {"crotch_detected", body.crotch_detected},
                 {"threshold", body.threshold},
                 {"coordinates", "DICOM patient coordinates (LPS), mm"}};
  // Every site the table places, with its MIP pixel (for clicks on the scoring page).
  out["sites"] = nlohmann::json::array();
  for (const std::string& s : placed_sites()) {
    const auto p = site_position(s, body);
    if (!p) continue;
    double col, row, x, y;
    nlohmann::json j = {{"site", s}, {"lps_mm", vec(*p)}};
    if (mip.locate(*p, col, row)) {
      png_pixel(mip, col, row, 1.0, x, y);
      j["mip_px"] = {x, y};
    }
    out["sites"].push_back(j);
  }
  // Marks: graded sites where the table puts them, then explicit points.
  std::vector<SiteMark> marks;
  for (const auto& g : opt.graded)
    if (const auto p = site_position(g.site, body)) marks.push_back({g.site, *p, g.grade});
  marks.insert(marks.end(), opt.marks.begin(), opt.marks.end());
  out["pictures"] = nlohmann::json::array();
  // Chosen coronal planes: limbs and pelvis (body centre), spine, and each mark's plane.
  const std::size_t n[3] = {v.dims.nx, v.dims.ny, v.dims.nz};
  const std::size_t nd = n[mip.depth_axis];
  auto depth_index = [&](double y_mm) {
    const double d = v.geom.to_index({body.mid_x_mm, y_mm, body.crotch_mm})[mip.depth_axis];
    return static_cast<std::size_t>(std::clamp(std::lround(d), 0L, static_cast<long>(nd - 1)));
  };
  std::vector<std::pair<std::string, std::size_t>> planes;
  std::set<std::size_t> used;
  auto add_plane = [&](const std::string& why, std::size_t k) {
    if (used.insert(k).second) planes.push_back({why, k});
  };
  if (body.found) {
    add_plane("body_centre", depth_index(body.mid_y_mm));
    add_plane("spine", depth_index(body.mid_y_mm + 0.035 * body.stature_mm));
  } else {
    add_plane("volume_centre", nd / 2);
  }
  for (const auto& m : marks)
    if (planes.size() < 16) add_plane("site " + m.label, depth_index(m.point[1]));
  const double slab = opt.slab_mm;
  // Picture 0 is the MIP, then the planes: windowed, marked and written in parallel
  // (each is independent; the PNG compression is most of their time).
  std::vector<nlohmann::json> done(planes.size() + 1);
  parallel_for(done.size(), 0, [&](std::size_t p) {
    if (p == 0) {
      double lo, hi;
      body_window(mip, body.threshold, lo, hi);
      const std::string mip_name = opt.stem + "_mip.png";
      const PngInfo mi = write_png(mip, (fs::path(opt.out_dir) / mip_name).string(), lo, hi, marks);
      done[0] = {{"kind", "mip"}, {"file", mip_name}, {"width", mi.width}, {"height", mi.height},
                 {"window", {lo, hi}}, {"marks", placed_json(mi)}};
      return;
    }
    const auto& [why, k] = planes[p - 1];
    const Picture pic = src.coronal_slice(k);
    double l2, h2;
    body_window(pic, body.threshold, l2, h2);
    std::vector<SiteMark> near;
    for (const auto& m : marks) {
      const double d = (v.geom.to_index(m.point)[mip.depth_axis] - static_cast<double>(k)) * v.geom.spacing[mip.depth_axis];
      if (std::abs(d) <= slab) near.push_back(m);
    }
    const std::string name = opt.stem + "_coronal_" + std::to_string(k) + ".png";
    const PngInfo si = write_png(pic, (fs::path(opt.out_dir) / name).string(), l2, h2, near);
    double idx[3] = {0, 0, 0};
    idx[mip.depth_axis] = static_cast<double>(k);
    done[p] = {{"kind", "coronal_slice"}, {"file", name}, {"slice", k}, {"chosen_for", why},
               {"y_mm", v.geom.to_patient(idx[0], idx[1], idx[2])[1]},
               {"width", si.width}, {"height", si.height}, {"window", {l2, h2}},
               {"marks", placed_json(si)}};
  });
  for (auto& d : done) out["pictures"].push_back(std::move(d));
  return out;
}

}  // namespace crmo::imaging
