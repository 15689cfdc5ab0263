// crmo user add NAME --role ROLE | crmo user passwd NAME | crmo user list: the accounts
// `crmo serve` signs in. The password is read from the terminal without echo (asked
// twice), or as the first line of standard input when that is not a terminal.
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "store/store.hpp"

namespace crmo::cli {

namespace {

// One line from the terminal with echo off (restored whatever happens).
std::string read_hidden(const std::string& prompt) {
  std::cerr << prompt << std::flush;
  termios old{};
  bool restore = tcgetattr(STDIN_FILENO, &old) == 0;
  if (restore) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  bool got = static_cast<bool>(std::getline(std::cin, line));
  if (restore) tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
  std::cerr << "\n";
  if (!got) throw InputError("password", "no password given (standard input ended)");
  return line;
}

std::string read_password(const std::string& user) {
  if (isatty(STDIN_FILENO)) {
    std::string first = read_hidden("Password for " + user + ": ");
    std::string again = read_hidden("The same password again: ");
    if (first != again) throw InputError("password", "the two passwords differ: nothing was changed");
    return first;
  }
  std::string line;
  if (!std::getline(std::cin, line)) throw InputError("password", "expected the password as the first line of standard input");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// Bad names, roles and passwords are bad input (exit 2), like any other.
template <class F>
void as_input(const std::string& place, F&& fn) {
  try {
    fn();
  } catch (const std::invalid_argument& e) {
    throw InputError(place, e.what());
  }
}

}  // namespace

void register_user(CLI::App& app, Action& action) {
  struct Opts {
    std::string name, role, db = "crmo.db";
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("user", "Accounts for crmo serve: add a user, change a password, list users");
  sub->require_subcommand(1);

  auto* add = sub->add_subcommand("add", "Add a user; the password is read from the terminal (or standard input)");
  add->add_option("NAME", o->name, "User name: letters, digits, '.', '_', '-', '@'")->required();
  add->add_option("--role", o->role, "admin (everything), reader (scores exams), researcher (de-identified data, analyses)")
      ->required()
      ->check(CLI::IsMember({"admin", "reader", "researcher"}));
  add->add_option("--db", o->db, "SQLite file, or a postgresql:// URL");
  add->callback([o, &action] {
    action = [o] {
      auto store = store::Store::open(o->db);
      if (store->find_user(o->name)) throw InputError("NAME", "a user named " + o->name + " already exists");
      std::string password = read_password(o->name);
      as_input("password", [&] { store->create_user(o->name, o->role, password); });
      std::cout << "added " << o->role << " " << o->name << " to " << store->location() << "\n";
      return 0;
    };
  });

  auto* passwd = sub->add_subcommand("passwd", "Set a user's password (ends the user's sessions)");
  passwd->add_option("NAME", o->name, "User name")->required();
  passwd->add_option("--db", o->db, "SQLite file, or a postgresql:// URL");
  passwd->callback([o, &action] {
    action = [o] {
      auto store = store::Store::open(o->db, {.create = false});
      if (!store->find_user(o->name)) throw InputError("NAME", "no user named " + o->name);
      std::string password = read_password(o->name);
      as_input("password", [&] { store->set_password(o->name, password); });
      std::cout << "changed the password of " << o->name << "\n";
      return 0;
    };
  });

  auto* list = sub->add_subcommand("list", "List users and their roles");
  list->add_option("--db", o->db, "SQLite file, or a postgresql:// URL");
  list->callback([o, &action] {
    action = [o] {
      auto store = store::Store::open(o->db, {.create = false});
      auto users = store->users();
      if (users.empty()) std::cout << "no users yet: crmo user add NAME --role admin\n";
      for (const auto& u : users) std::cout << u.name << "\t" << u.role << "\t" << u.created_at << "\n";
      return 0;
    };
  });
}

}  // namespace crmo::cli
