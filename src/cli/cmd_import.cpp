// crmo import PATH: exam documents (one per reading) or a cohort folder into the
// database, all or nothing; problems reported as `crmo validate` reports them (exit 2).
#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "store/store.hpp"
#include "store/transfer.hpp"

namespace crmo::cli {

void register_import(CLI::App& app, Action& action) {
  struct Opts {
    std::string path, db = "crmo.db";
    SchemeChoice choice;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("import", "Import exam documents or a cohort folder into the database, all or nothing");
  sub->add_option("PATH", o->path,
                  "Exam JSON, folder of exam JSONs (one per reading, also one folder down), or cohort folder")
      ->required();
  sub->add_option("--db", o->db, "SQLite file (created when missing), or a postgresql:// URL");
  add_scheme_options(sub, o->choice);
  sub->callback([o, &action] {
    action = [o] {
      Domain d = load_domain(o->choice);
      const char* user = std::getenv("USER");
      const std::string actor = std::string("cli:") + (user && *user ? user : "unknown");  // for the audit trail
      auto input = store::read_import(o->path, d.atlas, d.scheme);  // bad input: exit 2, no database touched
      auto store = store::Store::open(o->db);
      auto n = store::import_into(*store, input, actor);
      std::cout << "imported " << n.readings << " reading(s) of " << n.exams << " exam(s) into " << store->location()
                << "\n";
      return 0;
    };
  });
}

}  // namespace crmo::cli
