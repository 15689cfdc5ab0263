// crmo export OUT: every stored reading out as exam documents or a cohort folder, with
// the readings manifest beside them (main readings, consensus sources), all or nothing.
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "store/store.hpp"
#include "store/transfer.hpp"

namespace crmo::cli {

void register_export(CLI::App& app, Action& action) {
  struct Opts {
    std::string out, db = "crmo.db", format = "json";
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand(
      "export", "Export every stored reading: a folder of exam documents (json) or a cohort folder (cohort)");
  sub->add_option("OUT", o->out, "A new folder (must not exist, or be empty)")->required();
  sub->add_option("--db", o->db, "SQLite file, or a postgresql:// URL");
  sub->add_option("--format", o->format,
                  "json: one exam document per reading; cohort: exams.csv + lesions.csv (with a reader column when "
                  "exams have several readings)")
      ->check(CLI::IsMember({"json", "cohort"}));
  sub->callback([o, &action] {
    action = [o] {
      auto store = store::Store::open(o->db, {.create = false});
      auto n = store::export_to(*store, o->out, o->format);
      std::cout << "exported " << n.readings << " reading(s) of " << n.exams << " exam(s) to " << o->out << "/\n";
      return 0;
    };
  });
}

}  // namespace crmo::cli
