#include "core/synth/synth.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "core/synth/placement.hpp"
#include "core/synth/rng.hpp"
#include "core/synth/variation.hpp"

namespace crmo::synth {

namespace {

void check_share(double v, const char* name) {
  if (!(v >= 0 && v <= 1)) throw std::invalid_argument(fmt::format("synth: {} must be between 0 and 1, not {}", name, v));
}

// Clinical measures related to the lesion count through a latent z.
void draw_clinical(Exam& e, int lesions, const Parameters& P, Rng& rng) {
  double zl = (std::log(static_cast<double>(std::max(lesions, 1))) - P.log_count_mean) / P.log_count_sd;
  auto related = [&](double corr) { return corr * zl + std::sqrt(1 - corr * corr) * rng.normal(); };
  ClinicalMeasures& c = e.clinical;
  c.pga = clamp_round(P.pga_mean + P.pga_sd * related(P.pga_lesion_corr), 0, 10, 0.5);
  double pain_z = related(P.pain_lesion_corr);
  c.pain = clamp_round(P.pain_mean + P.pain_sd * pain_z, 0, 10, 1);
  double pg_z = P.patient_global_pain_corr * pain_z +
                std::sqrt(1 - P.patient_global_pain_corr * P.patient_global_pain_corr) * rng.normal();
  c.patient_global = clamp_round(P.pain_mean - 0.5 + P.pain_sd * pg_z, 0, 10, 1);
  c.chaq = clamp_round(P.chaq_mean + P.chaq_sd * related(0.2), 0, 3, 0.125);
  c.esr = std::round(P.esr_median * std::exp(P.esr_log_sd * related(0.15)));
  c.crp = std::round(10 * P.crp_median * std::exp(P.crp_log_sd * related(0.15))) / 10;
  c.fever = rng.chance(P.fever);
  c.normal_blood_count = rng.chance(P.normal_blood_count);
}

Exam baseline_exam(int p, int width, const Parameters& P, const Placer& placer, Rng& rng) {
  Exam e;
  e.patient.id = fmt::format("P{:0{}}", p, width);
  e.id = e.patient.id + "-1";
  e.timepoint = "baseline";
  e.reader = "R1";
  e.patient.sex = rng.chance(P.female_share) ? "F" : "M";
  double age = 0;
  do age = P.age_mean + P.age_sd * rng.normal();
  while (age < P.age_min || age > P.age_max);
  long exam_day = P.first_day + static_cast<long>(rng.index(static_cast<std::size_t>(P.last_day - P.first_day + 1)));
  e.date = date_from_days(exam_day);
  e.patient.birth_date = date_from_days(exam_day - static_cast<long>(std::floor(age * 365.25)));

  // Number of distinct lesions.
  int k = 1;
  if (!rng.chance(P.unifocal_share)) {
    do k = 2 + static_cast<int>(std::floor(std::exp(P.multifocal_log_mean + P.multifocal_log_sd * rng.normal())));
    while (k > P.max_lesions);
  }
  int lesions = 0;
  while (lesions < k) {
    int added = placer.place(e, rng, k - lesions, P.symptomatic);
    if (added == 0) break;
    lesions += added;
  }
  draw_clinical(e, lesions, P, rng);
  return e;
}

}  // namespace

std::vector<Exam> generate(const Request& request, const Atlas& atlas) {
  const Parameters& P = request.parameters;
  if (request.patients < 1) throw std::invalid_argument("synth: the number of patients must be at least 1");
  check_share(request.followup.share, "the follow-up share");
  check_share(request.second_reader.share, "the second-reader share");
  Placer placer(atlas, P);
  // Separate streams: baseline, follow-up and second reading draws do not shift each other.
  Rng rng(request.seed);
  Rng followup_rng(request.seed ^ 0x9e3779b97f4a7c15ULL);
  Rng reader_rng(request.seed ^ 0xc2b2ae3d27d4eb4fULL);

  const int width = std::max(3, static_cast<int>(std::to_string(request.patients).size()));
  std::vector<Exam> exams;
  exams.reserve(static_cast<std::size_t>(request.patients) * (request.followup.share > 0 ? 2 : 1));
  for (int p = 1; p <= request.patients; ++p) {
    exams.push_back(baseline_exam(p, width, P, placer, rng));
    if (request.followup.share > 0 && followup_rng.chance(request.followup.share)) {
      Exam f = follow_up_exam(exams.back(), request.followup, P, placer, followup_rng);
      exams.push_back(std::move(f));
    }
  }
  if (request.second_reader.share > 0) {
    const std::size_t first_readings = exams.size();
    for (std::size_t i = 0; i < first_readings; ++i)
      if (reader_rng.chance(request.second_reader.share))
        exams.push_back(second_reading(exams[i], request.second_reader, atlas, placer, reader_rng));
  }
  return exams;
}

}  // namespace crmo::synth
