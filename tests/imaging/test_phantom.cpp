// The phantom is the oracle: ingest its DICOM and check geometry, station joining and
// lesion volumes against its ground truth.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "imaging/ingest.hpp"
#include "imaging/manifest.hpp"
#include "imaging/measure.hpp"
#include "imaging/nifti.hpp"
#include "imaging/phantom.hpp"

namespace fs = std::filesystem;
using namespace crmo::imaging;

namespace {

struct Exam {
  fs::path dir;
  PhantomTruth truth;
  IngestResult ingested;
};

PhantomOptions test_options(double noise) {
  PhantomOptions o;
  o.stations = 3;
  o.lesions = 5;
  o.seed = 7;
  o.matrix = 256;
  o.pixel_mm = 1.5;
  o.slices = 54;
  o.slice_mm = 3.0;
  o.overlap_mm = 36;  // 24 rows: stations fall on one grid
  o.noise_sd = noise;
  return o;
}

Exam make_exam(const std::string& name, const PhantomOptions& o) {
  Exam e;
  e.dir = fs::temp_directory_path() / ("crmo_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(e.dir);
  e.truth = write_phantom(e.dir.string(), o);
  IngestOptions io;
  io.input = (e.dir / "dicom").string();
  io.out_dir = (e.dir / "out").string();
  io.exam_id = name;
  for (const auto& l : e.truth.lesions) io.marks.push_back({l.site, l.center, 2});
  e.ingested = ingest(io);
  return e;
}

// Made once per test program, removed at exit.
struct Holder {
  Exam e;
  ~Holder() {
    std::error_code ec;
    fs::remove_all(e.dir, ec);
  }
};
const Exam& noisy() {
  static const Holder h{make_exam("noisy", test_options(6.0))};
  return h.e;
}
const Exam& clean() {
  static const Holder h{make_exam("clean", test_options(0.0))};
  return h.e;
}

Volume whole_body(const Exam& e, bool stir) {
  for (const auto& v : e.ingested.manifest["volumes"])
    if (v["kind"] == "whole_body" && v["stir"] == stir) {
      auto r = read_nifti((e.dir / "out" / v["file"].get<std::string>()).string());
      if (!r.volume) throw std::runtime_error(r.error);
      return std::move(*r.volume);
    }
  throw std::runtime_error("no whole-body volume");
}

}  // namespace

TEST(Phantom, IngestFindsStationsAndSeries) {
  const auto& m = clean().ingested.manifest;
  EXPECT_EQ(m["format"], kManifestFormat);
  EXPECT_EQ(m["series"].size(), 6u);
  ASSERT_EQ(m["stations"].size(), 2u);
  for (const auto& g : m["stations"]) {
    EXPECT_EQ(g["series"].size(), 3u);
    ASSERT_EQ(g["overlap_mm"].size(), 2u);
    for (const auto& o : g["overlap_mm"]) EXPECT_NEAR(o.get<double>(), 36.0 - 1.5, 1e-6);
  }
  EXPECT_TRUE(m["problems"].empty()) << m["problems"].dump();
  // The MIP, the body-centre and spine planes, and the planes of the marked lesions.
  EXPECT_GE(m["pictures"].size(), 3u);
  EXPECT_EQ(m["pictures"][0]["kind"], "mip");
  for (const auto& p : m["pictures"]) EXPECT_TRUE(fs::exists(clean().dir / "out" / p["file"].get<std::string>()));
}

TEST(Phantom, WholeBodyGeometryAndValuesMatchTheBody) {
  // Noise-free: every joined voxel must hold exactly the signal of the tissue at its
  // patient position, which checks geometry, slice order and joining at once.
  const Exam& e = clean();
  for (bool stir : {true, false}) {
    const Volume v = whole_body(e, stir);
    EXPECT_EQ(v.dims.nx, 256u);
    EXPECT_EQ(v.dims.ny, 256u + 2 * 232u);
    EXPECT_EQ(v.dims.nz, 54u);
    EXPECT_NEAR(v.geom.spacing[0], 1.5, 1e-4);
    EXPECT_NEAR(v.geom.spacing[2], 3.0, 1e-4);
    std::size_t wrong = 0, checked = 0;
    for (std::size_t k = 0; k < v.dims.nz; k += 3)
      for (std::size_t j = 0; j < v.dims.ny; j += 2)
        for (std::size_t i = 0; i < v.dims.nx; i += 2) {
          const Vec3 p = v.geom.to_patient(static_cast<double>(i), static_cast<double>(j), static_cast<double>(k));
          double expect = phantom_signal(phantom_tissue(p), stir);
          for (const auto& l : e.truth.lesions)
            if (norm(p - l.center) <= l.radius_mm) expect = stir ? l.stir : l.t1;
          ++checked;
          if (std::abs(v.value(v.index(i, j, k)) - expect) > 0.5 + 1e-3 * expect) ++wrong;
        }
    EXPECT_LT(static_cast<double>(wrong) / checked, 1e-3) << wrong << " of " << checked << " voxels differ";
  }
}

TEST(Phantom, LesionVolumesWithinTenPercent) {
  const Exam& e = noisy();
  const Volume stir = whole_body(e, true);
  ASSERT_GE(e.truth.lesions.size(), 3u);
  for (const auto& l : e.truth.lesions) {
    SCOPED_TRACE(l.site);
    MeasureOptions o;
    o.seed = l.center;
    for (const auto& [name, p] : e.truth.references) (name == "muscle" ? o.muscle : o.marrow) = p;
    Volume label;
    const Measurement m = measure_lesion(stir, o, &label);
    ASSERT_TRUE(m.error.empty()) << m.error;
    EXPECT_GE(l.volume_ml, 1.0);
    EXPECT_NEAR(m.volume_ml, l.volume_ml, 0.10 * l.volume_ml);
    ASSERT_TRUE(m.lesion_to_muscle);
    EXPECT_NEAR(*m.lesion_to_muscle, 6.0, 0.6);
    ASSERT_TRUE(m.lesion_to_marrow);
    EXPECT_NEAR(*m.lesion_to_marrow, 600.0 / 55.0, 1.1);
    EXPECT_FALSE(m.touches_bound);
    EXPECT_NEAR(m.max, 600, 60);
    std::size_t labelled = 0;
    for (auto x : label.data) labelled += x;
    EXPECT_EQ(labelled, m.voxels);
    for (int a = 0; a < 3; ++a) {
      EXPECT_LE(m.bbox_min_mm[a], l.center[a]);
      EXPECT_GE(m.bbox_max_mm[a], l.center[a]);
    }
  }
}

TEST(Phantom, SeedOutsideALesionIsAnError) {
  const Exam& e = noisy();
  const Volume stir = whole_body(e, true);
  MeasureOptions o;
  o.seed = e.truth.references.front().second;  // in muscle
  for (const auto& [name, p] : e.truth.references) (name == "muscle" ? o.muscle : o.marrow) = p;
  const Measurement m = measure_lesion(stir, o);
  EXPECT_FALSE(m.error.empty());
  o.seed = {5000, 0, 0};
  EXPECT_FALSE(measure_lesion(stir, o).error.empty());
}
