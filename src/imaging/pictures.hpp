#pragma once
// The pictures of an ingested exam: the coronal MIP of the whole-body STIR and chosen
// coronal slices (through the bone marrow of the limbs and pelvis, through the spine, and
// through every graded site), windowed, with the graded sites marked where the atlas
// places them on this body (site_positions.hpp) and any explicit points marked too.
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "imaging/png.hpp"
#include "imaging/site_positions.hpp"
#include "imaging/volume.hpp"

namespace crmo::imaging {

struct GradedSite {
  std::string site;  // "unit:side"
  int grade = -1;    // shown next to the mark when >= 0
};

struct PictureOptions {
  std::string out_dir, stem;        // files are <stem>_mip.png, <stem>_coronal_<k>.png
  std::vector<GradedSite> graded;   // placed by the atlas table on this body
  std::vector<SiteMark> marks;      // explicit points (e.g. a phantom's truth)
  double slab_mm = 15;              // a slice shows the marks within this of its plane
};

// What the pictures are drawn from: the body's grid (dims and geometry; its voxels are
// not read), its coronal MIP, and its coronal slice k on demand (called from several
// threads at once).
struct PictureSource {
  const Volume& grid;
  Picture mip;
  std::function<Picture(std::size_t)> coronal_slice;
  RowMax row_max;  // for the body's front-back centre (site_positions.hpp)
};

// Draws the pictures; returns {"body": frame, "sites": every placed site with its LPS
// position and MIP pixel, "pictures": [{kind, file, width, height, window, marks}]}.
nlohmann::json draw_exam_pictures(const PictureSource& src, const PictureOptions& opt);
// The same from a volume in memory.
nlohmann::json draw_exam_pictures(const Volume& stir, const PictureOptions& opt);

}  // namespace crmo::imaging
