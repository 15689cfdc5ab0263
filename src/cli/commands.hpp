#pragma once
// Every `crmo` subcommand, one file each: src/cli/cmd_<name>.cpp defines
//   void register_<name>(CLI::App& app, crmo::cli::Action& action);
// which adds its subcommand and, when that subcommand is chosen, sets `action` to the
// work to run. main.cpp maps exceptions to exit codes (InputError -> 2, other -> 1).
// The list of commands is generated from the cmd_*.cpp file names (src/cli/CMakeLists.txt),
// so adding a command is adding its file.
#include <functional>

#include <CLI/CLI.hpp>

namespace crmo::cli {

using Action = std::function<int()>;

#define X(name) void register_##name(CLI::App& app, Action& action);
#include "cli/command_list.inc"
#undef X

}  // namespace crmo::cli
