// crmo import PATH: exam documents or a cohort folder into the database, all or nothing.
#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "formats/exam_source.hpp"
#include "store/store.hpp"

namespace crmo::cli {

std::string default_actor() {
  const char* u = std::getenv("USER");
  return std::string("cli:") + (u && *u ? u : "unknown");
}

void register_import(CLI::App& app, Action& action) {
  struct Opts {
    std::string path, db = "crmo.db";
    SchemeChoice choice;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("import", "Import exam documents or a cohort folder into the database, all or nothing");
  sub->add_option("PATH", o->path, "Exam JSON, folder of exam JSONs, or cohort folder")->required();
  sub->add_option("--db", o->db, "SQLite file, or a postgresql:// URL");
  add_scheme_options(sub, o->choice);
  sub->callback([o, &action] {
    action = [o] {
      Domain d = load_domain(o->choice);
      auto exams = load_exams(o->path, d.atlas, d.scheme);
      auto store = store::Store::open(o->db);
      store->import_exams(exams, default_actor());
      std::cout << "imported " << exams.size() << " exam(s) into " << store->location() << "\n";
      return 0;
    };
  });
}

}  // namespace crmo::cli
