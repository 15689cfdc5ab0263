// crmo phantom OUT --stations 4 --lesions N --seed S: a synthetic multi-station coronal
// STIR + T1 WB-MRI DICOM exam with known lesions and its ground truth (docs/imaging.md).
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "imaging/phantom.hpp"

namespace crmo::cli {

void register_phantom(CLI::App& app, Action& action) {
  auto o = std::make_shared<imaging::PhantomOptions>();
  auto out = std::make_shared<std::string>();
  auto no_t1 = std::make_shared<bool>(false);
  auto* sub = app.add_subcommand("phantom", "Write a synthetic whole-body MRI DICOM exam with known lesions (test oracle)");
  sub->add_option("OUT", *out, "Folder to write (dicom/<sequence>_s<k>/ and truth.json)")->required();
  sub->add_option("--stations", o->stations, "Stations head to feet")->check(CLI::Range(1, 8));
  sub->add_option("--lesions", o->lesions, "Lesions (distinct bone sites, 1-6 mL each)")->check(CLI::Range(0, 14));
  sub->add_option("--seed", o->seed, "Random seed (lesion sites, sizes, noise)");
  sub->add_option("--matrix", o->matrix, "Rows = columns per station")->check(CLI::Range(16, 1024));
  sub->add_option("--pixel", o->pixel_mm, "In-plane pixel size, mm")->check(CLI::PositiveNumber);
  sub->add_option("--slices", o->slices, "Coronal slices per station")->check(CLI::Range(1, 512));
  sub->add_option("--slice-mm", o->slice_mm, "Slice thickness and spacing, mm")->check(CLI::PositiveNumber);
  sub->add_option("--overlap", o->overlap_mm, "Overlap of neighbouring stations, mm")->check(CLI::NonNegativeNumber);
  sub->add_option("--noise", o->noise_sd, "Rician noise SD in STIR units (0: none)")->check(CLI::NonNegativeNumber);
  sub->add_option("--bias", o->bias, "Bias field amplitude, e.g. 0.15 (0: none)")->check(CLI::Range(0.0, 0.9));
  sub->add_flag("--no-t1", *no_t1, "Write only the STIR");
  sub->callback([o, out, no_t1, &action] {
    action = [o, out, no_t1] {
      o->t1 = !*no_t1;
      const auto truth = imaging::write_phantom(*out, *o);
      std::cerr << fmt::format("crmo: wrote a {}-station phantom ({} series, {} lesions, seed {}) to {}\n",
                               o->stations, o->stations * (o->t1 ? 2 : 1), truth.lesions.size(), o->seed, *out);
      for (const auto& l : truth.lesions)
        std::cout << fmt::format("{}\t{:.2f} mL\tcentre {:.1f},{:.1f},{:.1f} (LPS mm)\n", l.site, l.volume_ml,
                                 l.center[0], l.center[1], l.center[2]);
      return 0;
    };
  });
}

}  // namespace crmo::cli
