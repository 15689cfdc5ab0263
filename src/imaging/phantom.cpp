#include "imaging/phantom.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

#include "imaging/dicom_scan.hpp"
#include "imaging/dicom_writer.hpp"

namespace fs = std::filesystem;

namespace crmo::imaging {

namespace {

constexpr double kTop = 1340.0;  // mm above the soles: the phantom is a ~1.33 m child

double sq(double x) { return x * x; }

// Inside an axis-aligned ellipsoid (value <= 1).
double ell(const Vec3& p, const Vec3& c, const Vec3& r) {
  return sq((p[0] - c[0]) / r[0]) + sq((p[1] - c[1]) / r[1]) + sq((p[2] - c[2]) / r[2]);
}

// A long bone along z at (x, y): marrow inside rm, cortex to rc.
Tissue bone(double d, double rm, double rc, Tissue outside) {
  if (d <= rm) return Tissue::marrow;
  if (d <= rc) return Tissue::cortex;
  return outside;
}

struct SiteSpec {
  const char* site;
  Vec3 center;
  double capacity_mm;  // largest lesion radius that stays inside the marrow
};

const SiteSpec kSites[] = {
    {"femur.distal_metaphysis:L", {60, 0, 335}, 10.5},  {"femur.distal_metaphysis:R", {-60, 0, 335}, 10.5},
    {"tibia.proximal_metaphysis:L", {60, 0, 235}, 10.5}, {"tibia.proximal_metaphysis:R", {-60, 0, 235}, 10.5},
    {"tibia.distal_metaphysis:L", {60, 0, 75}, 10.5},    {"tibia.distal_metaphysis:R", {-60, 0, 75}, 10.5},
    {"femur.proximal_metaphysis:L", {60, 0, 470}, 10.5}, {"femur.proximal_metaphysis:R", {-60, 0, 470}, 10.5},
    {"spine.l3:M", {0, 50, 690}, 13.5},                 {"spine.t10:M", {0, 50, 830}, 13.5},
    {"ilium:L", {80, 20, 615}, 10},                     {"ilium:R", {-80, 20, 615}, 10},
    {"humerus.proximal_metaphysis:L", {165, 0, 990}, 7}, {"humerus.proximal_metaphysis:R", {-165, 0, 990}, 7},
};

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Two independent standard normal numbers from a counter (Box-Muller).
std::pair<double, double> gauss2(std::uint64_t key) {
  const std::uint64_t a = splitmix(key), b = splitmix(key ^ 0x5851f42d4c957f2dull);
  const double u1 = (static_cast<double>(a >> 11) + 0.5) / 9007199254740992.0;
  const double u2 = static_cast<double>(b >> 11) / 9007199254740992.0;
  const double r = std::sqrt(-2.0 * std::log(u1));
  return {r * std::cos(2 * M_PI * u2), r * std::sin(2 * M_PI * u2)};
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

Tissue phantom_tissue(const Vec3& p) {
  const double x = p[0], y = p[1], z = p[2];
  // Head: scalp fat, skull (cortex, diploe marrow, cortex), brain.
  if (z > 1110) {
    const double e = ell(p, {0, 0, 1225}, {72, 88, 105});
    if (e > 1) {
      if (z < 1130 && sq(x) + sq(y - 10) < sq(45)) return Tissue::muscle;
      return Tissue::air;
    }
    const double d = (1 - std::sqrt(e)) * 80;  // ~ depth below the surface, mm
    if (d < 3) return Tissue::fat;
    if (d < 5) return Tissue::cortex;
    if (d < 7) return Tissue::marrow;
    if (d < 9) return Tissue::cortex;
    return Tissue::brain;
  }
  // Spine (vertebral bodies) from the pelvis to the skull base.
  const double ds = std::sqrt(sq(x) + sq(y - 50));
  if (z > 540 && z <= 1110 && ds <= 21) return bone(ds, 18, 21, Tissue::muscle);
  // Neck.
  if (z > 1050) {
    const double dn = std::sqrt(sq(x) + sq(y - 10));
    return dn <= 40 ? Tissue::muscle : dn <= 45 ? Tissue::fat : Tissue::air;
  }
  // Arms with the humerus.
  for (double side : {-1.0, 1.0}) {
    const double da = std::sqrt(sq(x - side * 165) + sq(y));
    if (z > 650 && z <= 1040 && da <= 33) {
      if (z > 820 && da <= 13) return bone(da, 10, 13, Tissue::muscle);
      return da <= 28 ? Tissue::muscle : Tissue::fat;
    }
  }
  // Trunk with pelvis and bladder.
  if (z > 520) {
    const double et = sq(x / 125) + sq(y / 85);
    if (et > 1) return Tissue::air;
    if (sq(x / 115) + sq(y / 75) > 1) return Tissue::fat;
    for (double side : {-1.0, 1.0}) {
      if (ell(p, {side * 80, 20, 615}, {35, 14, 55}) <= 1) return Tissue::marrow;
      if (ell(p, {side * 80, 20, 615}, {38, 17, 58}) <= 1) return Tissue::cortex;
    }
    if (ell(p, {0, -25, 570}, {35, 25, 30}) <= 1) return Tissue::fluid;
    return Tissue::muscle;
  }
  // Legs with femur and tibia.
  for (double side : {-1.0, 1.0}) {
    const double dl = std::sqrt(sq(x - side * 60) + sq(y));
    if (z < 0 || dl > 52) continue;
    if (z > 290 && z <= 520 && dl <= 17) return bone(dl, 14, 17, Tissue::muscle);
    if (z > 30 && z <= 280 && dl <= 17) return bone(dl, 14, 17, Tissue::muscle);
    return dl <= 45 ? Tissue::muscle : Tissue::fat;
  }
  return Tissue::air;
}

double phantom_signal(Tissue t, bool stir) {
  // STIR: fat suppressed, fatty marrow dark, fluid and lesions bright (lesion/muscle 6).
  // T1: fat and fatty marrow bright, lesions dark.
  static const double kStir[] = {0, 25, 100, 55, 5, 800, 160, 600};
  static const double kT1[] = {0, 850, 350, 750, 10, 120, 450, 250};
  return (stir ? kStir : kT1)[static_cast<int>(t)];
}

nlohmann::json PhantomTruth::to_json() const {
  nlohmann::json j;
  j["format"] = "crmo.phantom-truth/1";
  j["options"] = {{"stations", options.stations}, {"lesions", options.lesions},      {"seed", options.seed},
                  {"matrix", options.matrix},     {"pixel_mm", options.pixel_mm},     {"slices", options.slices},
                  {"slice_mm", options.slice_mm}, {"overlap_mm", options.overlap_mm}, {"noise_sd", options.noise_sd},
                  {"bias", options.bias},         {"t1", options.t1}};
  j["coordinates"] = "DICOM patient coordinates (LPS), mm";
  j["lesions"] = nlohmann::json::array();
  for (const auto& l : lesions)
    j["lesions"].push_back({{"site", l.site},
                            {"center", {l.center[0], l.center[1], l.center[2]}},
                            {"radius_mm", l.radius_mm},
                            {"volume_ml", l.volume_ml},
                            {"voxel_volume_ml", l.voxel_volume_ml},
                            {"stir", l.stir},
                            {"t1", l.t1},
                            {"lesion_to_muscle", l.stir / phantom_signal(Tissue::muscle, true)},
                            {"lesion_to_marrow", l.stir / phantom_signal(Tissue::marrow, true)}});
  j["references"] = nlohmann::json::object();
  for (const auto& [name, p] : references) j["references"][name] = {p[0], p[1], p[2]};
  j["signals"] = nlohmann::json::object();
  const char* names[] = {"air", "fat", "muscle", "marrow", "cortex", "fluid", "brain", "lesion"};
  for (int t = 0; t < 8; ++t)
    j["signals"][names[t]] = {{"stir", phantom_signal(static_cast<Tissue>(t), true)},
                              {"t1", phantom_signal(static_cast<Tissue>(t), false)}};
  j["stir_dirs"] = stir_dirs;
  j["t1_dirs"] = t1_dirs;
  return j;
}

PhantomTruth write_phantom(const std::string& out_dir, const PhantomOptions& opt, unsigned threads) {
  if (opt.stations < 1 || opt.stations > 8 || opt.matrix < 16 || opt.matrix > 1024 || opt.slices < 1 ||
      opt.slices > 512 || !(opt.pixel_mm > 0) || !(opt.slice_mm > 0) || opt.lesions < 0 ||
      opt.overlap_mm < 0 || opt.overlap_mm >= opt.matrix * opt.pixel_mm)
    throw std::invalid_argument("phantom options out of range");
  PhantomTruth truth;
  truth.options = opt;
  std::mt19937_64 rng(opt.seed);
  // Lesions: distinct sites, volumes from 1 mL up to what the bone holds (at most 6 mL).
  std::vector<int> order(std::size(kSites));
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::shuffle(order.begin(), order.end(), rng);
  const double fov = opt.matrix * opt.pixel_mm;
  const double step = fov - opt.overlap_mm;
  const double bottom = kTop - (opt.stations - 1) * step - (opt.matrix - 1) * opt.pixel_mm;
  for (int n = 0, i = 0; n < opt.lesions && i < static_cast<int>(order.size()); ++i) {
    const SiteSpec& s = kSites[order[i]];
    if (s.center[2] - s.capacity_mm < bottom + 5) continue;  // not covered by the stations
    const double vmax = std::min(6.0, 4.0 / 3.0 * M_PI * std::pow(s.capacity_mm, 3) / 1000.0);
    std::uniform_real_distribution<double> vol(1.0, std::max(1.0, vmax));
    PhantomLesion l;
    l.site = s.site;
    l.center = s.center;
    l.volume_ml = vol(rng);
    l.radius_mm = std::cbrt(l.volume_ml * 1000.0 * 3.0 / (4.0 * M_PI));
    l.volume_ml = 4.0 / 3.0 * M_PI * std::pow(l.radius_mm, 3) / 1000.0;
    l.stir = phantom_signal(Tissue::lesion, true);
    l.t1 = phantom_signal(Tissue::lesion, false);
    truth.lesions.push_back(l);
    ++n;
  }
  truth.references = {{"muscle", {60, -30, 400}}, {"marrow", {-60, 0, 400}}};
  if (bottom > 400 - 10) truth.references = {{"muscle", {0, -40, 800}}, {"marrow", {0, 50, 760}}};

  // Grid: coronal slices, rows run head to feet (column direction -z), columns run right
  // to left (+x), slices anterior to posterior (+y).
  const int nx = opt.matrix, ny = opt.matrix, nz = opt.slices;
  const double x0 = -(nx - 1) / 2.0 * opt.pixel_mm, y0 = -(nz - 1) / 2.0 * opt.slice_mm;
  for (auto& l : truth.lesions) {
    // Count voxel centres inside (the joined grid coincides with the station grids).
    std::size_t count = 0;
    const int r = static_cast<int>(std::ceil(l.radius_mm / std::min(opt.pixel_mm, opt.slice_mm))) + 1;
    const double ci = (l.center[0] - x0) / opt.pixel_mm, ck = (l.center[1] - y0) / opt.slice_mm,
                 cj = (kTop - l.center[2]) / opt.pixel_mm;
    for (int k = static_cast<int>(ck) - r; k <= static_cast<int>(ck) + r; ++k)
      for (int j = static_cast<int>(cj) - r; j <= static_cast<int>(cj) + r; ++j)
        for (int i = static_cast<int>(ci) - r; i <= static_cast<int>(ci) + r; ++i) {
          const Vec3 p{x0 + i * opt.pixel_mm, y0 + k * opt.slice_mm, kTop - j * opt.pixel_mm};
          if (k >= 0 && k < nz && sq(p[0] - l.center[0]) + sq(p[1] - l.center[1]) + sq(p[2] - l.center[2]) <=
                                      sq(l.radius_mm))
            ++count;
        }
    l.voxel_volume_ml = count * opt.pixel_mm * opt.pixel_mm * opt.slice_mm / 1000.0;
  }

  const std::string study_uid = phantom_uid(opt.seed, 1), frame_uid = phantom_uid(opt.seed, 2);
  const int nseq = opt.t1 ? 2 : 1;
  struct Job {
    int seq, station, slice;
  };
  std::vector<Job> jobs;
  for (int q = 0; q < nseq; ++q)
    for (int s = 0; s < opt.stations; ++s) {
      const std::string dir = out_dir + "/dicom/" + (q == 0 ? "stir" : "t1") + "_s" + std::to_string(s + 1);
      fs::create_directories(dir);
      (q == 0 ? truth.stir_dirs : truth.t1_dirs).push_back(dir);
      for (int k = 0; k < nz; ++k) jobs.push_back({q, s, k});
    }
  parallel_for(jobs.size(), threads, [&](std::size_t jn) {
    const Job& job = jobs[jn];
    const bool stir = job.seq == 0;
    const double ztop = kTop - job.station * step;
    const double y = y0 + job.slice * opt.slice_mm;
    std::vector<std::uint16_t> px(static_cast<std::size_t>(nx) * ny);
    for (int j = 0; j < ny; ++j) {
      const double z = ztop - j * opt.pixel_mm;
      for (int i = 0; i < nx; ++i) {
        const Vec3 p{x0 + i * opt.pixel_mm, y, z};
        double v = phantom_signal(phantom_tissue(p), stir);
        for (const auto& l : truth.lesions)
          if (sq(p[0] - l.center[0]) + sq(p[1] - l.center[1]) + sq(p[2] - l.center[2]) <= sq(l.radius_mm))
            v = stir ? l.stir : l.t1;
        if (opt.bias > 0) v *= 1 + opt.bias * (0.6 * std::sin(p[0] / 120.0) + 0.4 * std::cos(p[2] / 300.0));
        if (opt.noise_sd > 0) {
          // Rician: magnitude of the signal plus complex Gaussian noise; keyed by the
          // patient position so overlapping stations carry independent noise.
          const std::uint64_t key = opt.seed * 0x100000001b3ull ^
                                    (static_cast<std::uint64_t>(job.seq * 16 + job.station) << 48) ^
                                    (static_cast<std::uint64_t>(job.slice) << 32) ^
                                    static_cast<std::uint64_t>(j * nx + i);
          const auto [n1, n2] = gauss2(key);
          v = std::sqrt(sq(v + opt.noise_sd * n1) + sq(opt.noise_sd * n2));
        }
        px[static_cast<std::size_t>(j) * nx + i] = static_cast<std::uint16_t>(std::clamp(std::lround(v), 0L, 4095L));
      }
    }
    DicomWriter w;
    const int series_number = (stir ? 100 : 200) + job.station + 1;
    const std::string series_uid = phantom_uid(opt.seed, 10 + job.seq, job.station + 1);
    w.set(0x0008, 0x0005, "CS", "ISO_IR 100");
    w.set(0x0008, 0x0008, "CS", "ORIGINAL\\PRIMARY\\M\\NORM\\DIS2D");
    w.set(0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.4");
    w.set(0x0008, 0x0018, "UI", phantom_uid(opt.seed, 1000 + series_number, job.slice + 1));
    w.set(0x0008, 0x0020, "DA", "20260101");
    w.set(0x0008, 0x0030, "TM", "090000");
    w.set(0x0008, 0x0060, "CS", "MR");
    w.set(0x0008, 0x0070, "LO", "crmo phantom");
    w.set(0x0008, 0x1030, "LO", "WB-MRI CRMO");
    w.set(0x0008, 0x103e, "LO", std::string(stir ? "COR STIR WB" : "COR T1 WB") + " S" + std::to_string(job.station + 1));
    w.set(0x0010, 0x0010, "PN", "PHANTOM^CRMO");
    w.set(0x0010, 0x0020, "LO", "PHANTOM-" + std::to_string(opt.seed));
    w.set(0x0010, 0x0030, "DA", "20160101");
    w.set(0x0010, 0x0040, "CS", "O");
    w.set(0x0018, 0x0015, "CS", "WHOLEBODY");
    w.set(0x0018, 0x0020, "CS", stir ? "IR\\SE" : "SE");
    w.set(0x0018, 0x0023, "CS", "2D");
    w.set(0x0018, 0x0024, "SH", stir ? "*tir2d1" : "*tse2d1");
    w.set(0x0018, 0x0050, "DS", fmt(opt.slice_mm));
    w.set(0x0018, 0x0080, "DS", stir ? "5000" : "600");
    w.set(0x0018, 0x0081, "DS", stir ? "60" : "12");
    if (stir) w.set(0x0018, 0x0082, "DS", "160");
    w.set(0x0018, 0x0086, "IS", "1");
    w.set(0x0018, 0x0087, "DS", "1.5");
    w.set(0x0018, 0x0088, "DS", fmt(opt.slice_mm));
    w.set(0x0018, 0x1030, "LO", stir ? "COR STIR WB" : "COR T1 WB");
    w.set(0x0018, 0x5100, "CS", "FFS");
    w.set(0x0020, 0x000d, "UI", study_uid);
    w.set(0x0020, 0x000e, "UI", series_uid);
    w.set(0x0020, 0x0010, "SH", "1");
    w.set(0x0020, 0x0011, "IS", std::to_string(series_number));
    w.set(0x0020, 0x0012, "IS", "1");
    w.set(0x0020, 0x0013, "IS", std::to_string(job.slice + 1));
    w.set(0x0020, 0x0032, "DS", fmt(x0) + "\\" + fmt(y) + "\\" + fmt(ztop));
    w.set(0x0020, 0x0037, "DS", "1\\0\\0\\0\\0\\-1");
    w.set(0x0020, 0x0052, "UI", frame_uid);
    w.set(0x0020, 0x1041, "DS", fmt(y));
    w.set_us(0x0028, 0x0002, 1);
    w.set(0x0028, 0x0004, "CS", "MONOCHROME2");
    w.set_us(0x0028, 0x0010, static_cast<std::uint16_t>(ny));
    w.set_us(0x0028, 0x0011, static_cast<std::uint16_t>(nx));
    w.set(0x0028, 0x0030, "DS", fmt(opt.pixel_mm) + "\\" + fmt(opt.pixel_mm));
    w.set_us(0x0028, 0x0100, 16);
    w.set_us(0x0028, 0x0101, 12);
    w.set_us(0x0028, 0x0102, 11);
    w.set_us(0x0028, 0x0103, 0);
    w.set(0x0028, 0x1050, "DS", stir ? "300" : "500");
    w.set(0x0028, 0x1051, "DS", stir ? "700" : "1000");
    w.set_pixels(px);
    char name[32];
    std::snprintf(name, sizeof name, "/IM_%04d.dcm", job.slice + 1);
    w.write((job.seq == 0 ? truth.stir_dirs : truth.t1_dirs)[job.station] + name);
  });
  std::ofstream(out_dir + "/truth.json") << truth.to_json().dump(2) << "\n";
  return truth;
}

}  // namespace crmo::imaging
