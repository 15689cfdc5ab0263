#pragma once
// Exams derived from a baseline exam: a follow-up under treatment, and a second reader's
// reading (synth.hpp's FollowupParameters, ReaderParameters; docs/synth.md).
#include "core/atlas.hpp"
#include "core/exam.hpp"
#include "core/synth/placement.hpp"
#include "core/synth/rng.hpp"
#include "core/synth/synth.hpp"

namespace crmo::synth {

// The patient's next exam (id <patient>-2, reader R1): each baseline lesion resolves,
// improves, worsens or stays; new lesions appear; clinical measures fall with a response
// partly tied to the imaging response.
Exam follow_up_exam(const Exam& baseline, const FollowupParameters& f, const Parameters& p, const Placer& placer,
                    Rng& rng);

// The same exam read by another reader: same id, patient, date and clinical measures;
// sites missed or added, grades one step apart, features and physis relation read
// differently, at the given rates.
Exam second_reading(const Exam& exam, const ReaderParameters& r, const Atlas& atlas, const Placer& placer, Rng& rng);

}  // namespace crmo::synth
