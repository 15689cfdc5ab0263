// crmo agreement PATH: agreement between readers who read the same exams
// (spec/analysis.md section 6, docs/readers.md) as text, --json, or a report folder.
#include <cctype>
#include <iostream>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "core/readers/agreement.hpp"
#include "formats/file_io.hpp"
#include "formats/readers_json.hpp"
#include "formats/readings_source.hpp"
#include "report/agreement_section.hpp"

namespace crmo::cli {

namespace {
// Reader names in file names: letters, digits, '-' and '_' only.
std::string file_part(std::string s) {
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_') ch = '_';
  return s.empty() ? "unnamed" : s;
}
}  // namespace

void register_agreement(CLI::App& app, Action& action) {
  struct Opts {
    std::string path, readers, item = "signal", out;
    SchemeChoice choice;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("agreement", "Agreement between readers: kappas per bone category, Cohen, Fleiss, ICC, Bland-Altman");
  sub->add_option("PATH", o->path, "Readings: cohort folder (reader column) or folder of exam documents (one per reading)")
      ->required();
  sub->add_option("--readers", o->readers, "R1,R2,...: the readers to compare (default: every reader but consensus)");
  sub->add_option("--item", o->item, "The graded item whose agreement is reported (default signal)");
  sub->add_option("--out", o->out, "Write a report folder: agreement.html, agreement.json, Bland-Altman SVGs, CSV tables");
  add_scheme_options(sub, o->choice);
  sub->add_flag("--json", o->json, "Print the JSON (docs/readers.md)");
  sub->callback([o, &action] {
    action = [o] {
      Domain d = load_domain(o->choice);
      auto readings = load_readings(o->path, d.atlas, d.scheme);
      readers::AgreementOptions opt;
      opt.grade_item = o->item;
      std::stringstream list(o->readers);
      for (std::string r; std::getline(list, r, ',');)
        if (!r.empty()) opt.readers.push_back(r);
      readers::AgreementReport rep;
      try {
        rep = readers::agreement_report(readings, d.atlas, d.scheme, opt);
      } catch (const std::invalid_argument& e) {
        throw InputError(o->path, e.what());
      }
      const auto section = report::agreement_section(rep);
      if (!o->out.empty()) {
        write_folder_atomically(o->out, [&](const std::filesystem::path& dir) {
          write_file_atomically(dir / "agreement.html", report::section_page_html(section, o->path));
          write_file_atomically(dir / "agreement.json", agreement_to_json(rep).dump(2) + "\n");
          for (const auto& [name, text] : section.csv) write_file_atomically(dir / name, text);
          for (const auto& ba : rep.bland_altman) {
            report::SvgCanvas c(report::bland_altman_size().x, report::bland_altman_size().y);
            report::draw_bland_altman(c, ba);
            write_file_atomically(dir / fmt::format("bland-altman-{}-{}.svg", file_part(ba.reader_a), file_part(ba.reader_b)),
                                  c.svg());
          }
        });
      }
      if (o->json) {
        print_json(agreement_to_json(rep));
        return 0;
      }
      std::cout << "agreement between readers: " << o->path << "\n";
      for (const auto& line : section.text) std::cout << "  " << line << "\n";
      if (!o->out.empty()) std::cout << "  wrote " << o->out << "/agreement.html and its tables\n";
      return 0;
    };
  });
}

}  // namespace crmo::cli
