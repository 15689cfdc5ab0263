#pragma once
// Where the atlas sites lie on one body: landmarks found on the coronal STIR MIP (vertex,
// soles, crotch, midline, front-back centre) and a table of site positions as fractions
// of those spans (child proportions), so graded sites can be marked on the pictures and a
// seed point can be matched to a site. An approximation for orientation, not a
// segmentation: docs/imaging.md says how it is made and how far it is off on the phantom.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "imaging/projection.hpp"

namespace crmo::imaging {

struct BodyFrame {
  bool found = false;
  double vertex_mm = 0, soles_mm = 0, crotch_mm = 0;  // patient z (LPS, +z head)
  double mid_x_mm = 0, mid_y_mm = 0;                   // patient x and y of the midline
  double stature_mm = 0;                               // vertex to soles
  bool vertex_in_view = false, soles_in_view = false;  // not cut off by the volume edge
  bool crotch_detected = false;                        // else placed by proportion
  double threshold = 0;                                // body/background on the MIP
};

// The largest value along the MIP's column axis at index `row` of the volume's row axis
// and index `depth` of its depth axis (what the front-back centre is found from).
using RowMax = std::function<double(std::size_t row, std::size_t depth)>;

// Landmarks from the coronal MIP of a STIR whole-body volume (`grid` gives dims and
// geometry, `row_max` the front-back extent). `found` is false when no body is visible.
BodyFrame find_body_frame(const Volume& grid, const Picture& mip, const RowMax& row_max);
// The same, `row_max` read from the volume's voxels.
BodyFrame find_body_frame(const Volume& v, const Picture& mip);
RowMax row_max_of(const Volume& v, const Picture& mip);

// Patient position (LPS mm) of "unit:side" on the body; nullopt for a site the table does
// not know (a center's own atlas) or when no body was found.
std::optional<Vec3> site_position(const std::string& site, const BodyFrame& body);

// Every "unit:side" the table places (the default atlas' 124 sites).
std::vector<std::string> placed_sites();

}  // namespace crmo::imaging
