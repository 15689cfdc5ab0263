#include "server/auth.hpp"

#include <chrono>
#include <ctime>
#include <vector>

#include <fmt/format.h>

namespace crmo::server {

std::string iso_from_unix(std::int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

Caller authenticate(Services& s, Call& call) {
  if (!call.authorization)
    throw HttpError(401, "sign in first: this needs an Authorization: Bearer <token> header (POST /api/login)");
  const std::string& h = *call.authorization;
  const std::string prefix = "Bearer ";
  if (h.size() <= prefix.size() || h.compare(0, prefix.size(), prefix) != 0)
    throw HttpError(401, "the Authorization header must be 'Bearer <token>' (POST /api/login gives the token)");
  call.token = h.substr(prefix.size());
  auto user = s.store.user_for_token(call.token);
  if (!user) throw HttpError(401, "your session has expired or was closed: sign in again");
  return Caller{user->name, user->role};
}

void check_new_user(const std::string& name, const std::string& role, const std::string& password,
                    const std::string& where) {
  std::vector<InputProblem> problems;
  bool name_ok = !name.empty() && name.size() <= 64;
  for (char c : name)
    name_ok &= std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '@';
  if (!name_ok)
    problems.push_back({where + "name", "expected 1 to 64 letters, digits, '.', '_', '-' or '@', got '" + name + "'"});
  if (!role_bit(role))
    problems.push_back({where + "role", "expected admin, reader or researcher, got '" + role + "'"});
  if (password.size() < 8) problems.push_back({where + "password", "expected at least 8 characters"});
  throw_if_any(std::move(problems));
}

}  // namespace crmo::server
