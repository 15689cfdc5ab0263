#pragma once
// Where a synthetic lesion falls and how it is graded (synth.hpp's Parameters), shared by
// baseline exams and the new lesions of follow-ups.
#include <set>
#include <string>
#include <vector>

#include "core/atlas.hpp"
#include "core/exam.hpp"
#include "core/synth/rng.hpp"
#include "core/synth/synth.hpp"

namespace crmo::synth {

class Placer {
 public:
  // Throws std::invalid_argument when a weighted bone is not in the atlas.
  Placer(const Atlas& atlas, const Parameters& parameters);

  // Adds one lesion (a transphyseal one may take the adjacent epiphysis too) on a free
  // site of `exam`, with probability mirror_share also its mirror image (a second
  // lesion), labelled l<n>. Returns the number of lesions added (0 when no free site
  // was found); never more than `room`.
  int place(Exam& exam, Rng& rng, int room, double symptomatic_share) const;

  // Grades of one involved site on unit `u`.
  SiteGrading grade(const BoneUnit& u, Side side, Rng& rng) const;

 private:
  int place_on(Exam& exam, const BoneUnit& u, Side side, Rng& rng, bool symptomatic) const;
  const Atlas& atlas_;
  const Parameters& p_;
  std::vector<double> bone_cum_;
  std::vector<std::vector<const BoneUnit*>> bone_units_;
};

std::string site_key(const BoneUnit& u, Side side);
bool has_site(const Exam& exam, const std::string& site);
int lesion_labels(const Exam& exam);  // distinct lesion labels (the lesion count)

}  // namespace crmo::synth
