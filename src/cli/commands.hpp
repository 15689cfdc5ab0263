#pragma once
// Every `crmo` subcommand, one file each (cmd_<name>.cpp). Each defines
//   void register_<name>(CLI::App& app, crmo::cli::Action& action);
// which adds its subcommand and, when that subcommand is chosen, sets `action` to the
// work to run. main.cpp maps exceptions to exit codes (InputError -> 2, other -> 1).
// To add a command: write cmd_<name>.cpp and add X(<name>) below.
#include <functional>

#include <CLI/CLI.hpp>

namespace crmo::cli {

using Action = std::function<int()>;

#define CRMO_COMMANDS(X) \
  X(validate)            \
  X(score)               \
  X(convert)             \
  X(atlas)               \
  X(schemes)

#define CRMO_DECLARE_COMMAND(name) void register_##name(CLI::App& app, Action& action);
CRMO_COMMANDS(CRMO_DECLARE_COMMAND)
#undef CRMO_DECLARE_COMMAND

}  // namespace crmo::cli
