// The `crmo` command: a thin front end over the core and its adapters.
#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "formats/input_error.hpp"

#ifndef CRMO_VERSION
#define CRMO_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  CLI::App app{"crmo: whole-body MRI scoring and analysis for chronic recurrent multifocal osteomyelitis (CRMO/CNO)"};
  app.set_version_flag("--version", std::string("crmo ") + CRMO_VERSION);
  app.require_subcommand(1);
  app.option_defaults()->always_capture_default();
  crmo::cli::Action action;
#define X(name) crmo::cli::register_##name(app, action);
#include "cli/command_list.inc"
#undef X
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;  // a usage error is bad input
  }
  try {
    return action ? action() : 0;
  } catch (const crmo::InputError& e) {
    crmo::cli::report_problems(e);
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "crmo: error: " << e.what() << "\n";
    return 1;
  }
}
