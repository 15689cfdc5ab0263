#pragma once
// A realistic synthetic CNO/CRMO cohort, drawn from published prevalences (every
// parameter and its source: docs/synth.md). Seeded and platform independent: the same
// parameters and seed give the same cohort everywhere (rng.hpp). Baseline exams,
// follow-up exams and second readings draw from separate streams of the seed, so adding
// follow-ups or a second reader leaves the baseline cohort unchanged.
#include <cstdint>
#include <string>
#include <vector>

#include "core/atlas.hpp"
#include "core/exam.hpp"

namespace crmo::synth {

// Relative weight with which one lesion falls on a bone (atlas bone names).
struct BoneWeight {
  std::string bone;
  double weight = 0;
};

struct Parameters {
  // Patients.
  double female_share = 0.66;   // 63-70 % girls
  double age_mean = 10.5;       // years at first WB-MRI
  double age_sd = 3.0;
  double age_min = 3.0, age_max = 17.5;
  // Lesions per patient (distinct lesions): unifocal share, else 2 + floor(lognormal).
  double unifocal_share = 0.09;  // 7-11 %
  double multifocal_log_mean = 1.67;  // log of the lognormal's median (5.3)
  double multifocal_log_sd = 0.65;
  int max_lesions = 27;
  // Where a lesion falls.
  std::vector<BoneWeight> bone_weights = {
      {"tibia", 0.145},  {"femur", 0.12},    {"fibula", 0.05},   {"foot", 0.08},      {"patella", 0.005},
      {"pelvis_bone", 0.044}, {"sacrum", 0.018}, {"clavicle", 0.04}, {"spine", 0.038}, {"ribs", 0.02},
      {"sternum", 0.015}, {"scapula", 0.015}, {"mandible", 0.015}, {"skull", 0.003}, {"humerus", 0.045},
      {"radius", 0.03},  {"ulna", 0.03},     {"hand", 0.02}};
  double mirror_share = 0.27;   // a lesion on a paired unit has its mirror image too
  // Long bones: segment of a lesion, and its relation to the physis.
  double metaphysis_share = 0.68, diaphysis_share = 0.18;  // epiphysis: the rest
  double metaphysis_abutting = 0.60, metaphysis_transphyseal = 0.15;
  double epiphysis_abutting = 0.50, epiphysis_transphyseal = 0.20;
  double transphyseal_crossing = 0.6;  // a transphyseal lesion also takes the adjacent epiphysis
  // Grades.
  double signal_marked = 0.55;  // signal 2, else 1
  double extent_2 = 0.35, extent_3 = 0.25;  // else 1
  double soft_tissue = 0.18, periosteal = 0.15, expansion = 0.08, collapse = 0.12;
  double symptomatic = 0.5;     // share of lesions that are clinically symptomatic
  // Clinical measures: latent z of log(lesion count), standardised with these:
  double log_count_mean = 1.7, log_count_sd = 0.6;
  double pga_mean = 3.5, pga_sd = 1.8, pga_lesion_corr = 0.40;
  double pain_mean = 5.0, pain_sd = 2.2, pain_lesion_corr = 0.25;
  double patient_global_pain_corr = 0.6;
  double chaq_mean = 0.5, chaq_sd = 0.5;
  double esr_median = 18, esr_log_sd = 0.7;
  double crp_median = 5, crp_log_sd = 1.0;
  double fever = 0.10, normal_blood_count = 0.85;
  // Exam dates: uniform between these (days since 1970-01-01: 2014-01-01, 2023-12-31).
  long first_day = 16071, last_day = 19722;
};

// A second WB-MRI about six months after the first, under treatment.
struct FollowupParameters {
  double share = 0;                        // of patients with a follow-up exam (0: none)
  std::string timepoint = "6m";
  int interval_min_days = 150, interval_max_days = 230;
  // Fate of each baseline lesion (the rest stay stable).
  double resolve = 0.35, improve = 0.30, worsen = 0.08;
  double new_lesions_mean = 0.6;           // Poisson mean of new lesions per patient
  // Relative fall of pga, pain, patient global, CHAQ and ESR: a patient's clinical
  // response mixes their imaging response (weight) with a random one.
  double clinical_response_mean = 0.40, clinical_response_sd = 0.40, clinical_imaging_weight = 0.5;
  double symptomatic = 0.30;               // share of follow-up lesions clinically symptomatic
};

// A second reader's independent reading of some exams.
struct ReaderParameters {
  double share = 0;                        // of exams read again (0: none)
  std::string reader = "R2";
  double miss = 0.06;                      // an involved site read as normal
  double extra = 0.10;                     // chance per exam of one involved site the first reader did not grade
  double signal_differs = 0.12, extent_differs = 0.18, feature_differs = 0.08;  // per site, per item
  double physis_differs = 0.15;
};

struct Request {
  int patients = 54;
  std::uint64_t seed = 1;
  Parameters parameters;
  FollowupParameters followup;
  ReaderParameters second_reader;
};

// Per patient: the baseline exam (reader R1), then a follow-up (R1) when drawn; after
// all first readings, second readings (same exam id, reader R2) in the same order.
// Every exam is valid against the default atlas and scheme. Throws
// std::invalid_argument when a bone named in bone_weights is not in the atlas or a share
// is outside 0..1.
std::vector<Exam> generate(const Request& request, const Atlas& atlas);

}  // namespace crmo::synth
