// Accounts and sessions. Passwords: libsodium's crypto_pwhash_str (argon2id, its
// "interactive" limits: about 0.1 s and 64 MiB per login). Session tokens: 32 random
// bytes given to the client once; the database keeps only their BLAKE2b hash, so a
// copy of the database opens no session.
#include <algorithm>
#include <mutex>
#include <stdexcept>

#include <sodium.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "store/rows.hpp"
#include "store/store.hpp"

namespace crmo::store {

using namespace detail;

namespace {

void sodium_ready() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  });
}

std::string hex(const unsigned char* bytes, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, n);
  out.pop_back();
  return out;
}

std::string token_hash(const std::string& token) {
  sodium_ready();
  unsigned char h[crypto_generichash_BYTES];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr, 0);
  return hex(h, sizeof h);
}

constexpr std::size_t kMinPassword = 8, kMaxPassword = 1024;

void check_password(const std::string& password) {
  if (password.size() < kMinPassword)
    throw std::invalid_argument(fmt::format("the password is too short: at least {} characters", kMinPassword));
  if (password.size() > kMaxPassword)
    throw std::invalid_argument(fmt::format("the password is too long: at most {} characters", kMaxPassword));
}

void check_name(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64;
  for (char c : name)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '@');
  if (!ok)
    throw std::invalid_argument("a user name is 1 to 64 letters, digits, '.', '_', '-' or '@' (got '" + name + "')");
}

}  // namespace

std::string hash_password(const std::string& password) {
  sodium_ready();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw std::runtime_error("hashing the password ran out of memory");
  return out;
}

bool password_matches(const std::string& hash, const std::string& password) {
  sodium_ready();
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool Store::valid_role(const std::string& role) { return role == "admin" || role == "reader" || role == "researcher"; }

void Store::create_user(const std::string& name, const std::string& role, const std::string& password) {
  check_name(name);
  if (!valid_role(role)) throw std::invalid_argument("unknown role '" + role + "': expected admin, reader or researcher");
  check_password(password);
  add_user({name, role, hash_password(password), ""});
}

void Store::set_password(const std::string& name, const std::string& password) {
  check_password(password);
  std::string hash = hash_password(password);
  auto l = lock();
  in_transaction(*db_, [&] {
    std::int64_t changed = 0;
    db_->query("UPDATE users SET password_hash = :hash WHERE name = :name", {{"hash", hash}, {"name", name}}, &changed);
    if (changed != 1) throw NotFoundError("no user " + name);
    db_->query("DELETE FROM sessions WHERE user_name = :name", {{"name", name}});  // log out everywhere
  });
}

std::optional<User> Store::authenticate(const std::string& name, const std::string& password) {
  auto user = find_user(name);
  if (!user) {
    // As slow as a wrong password, so that timing does not tell which names exist.
    static const std::string dummy = hash_password("not a password of anyone");
    password_matches(dummy, password);
    return std::nullopt;
  }
  if (!password_matches(user->password_hash, password)) return std::nullopt;
  return user;
}

Session Store::start_session(const std::string& user, std::int64_t lifetime_seconds) {
  if (lifetime_seconds <= 0) throw std::invalid_argument("a session lasts a positive number of seconds");
  auto u = find_user(user);
  if (!u) throw NotFoundError("no user " + user);
  sodium_ready();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  Session s{hex(bytes, sizeof bytes), u->name, u->role, unix_now() + lifetime_seconds};
  auto l = lock();
  in_transaction(*db_, [&] {
    db_->query("DELETE FROM sessions WHERE expires_at <= :now", {{"now", unix_now()}});
    db_->query("INSERT INTO sessions (token_hash, user_name, expires_at, created_at) VALUES (:t, :u, :e, :at)",
               {{"t", token_hash(s.token)}, {"u", s.user}, {"e", s.expires_at}, {"at", utc_now_iso()}});
  });
  return s;
}

std::optional<User> Store::user_for_token(const std::string& token) { return user_for_token(token, unix_now()); }

std::optional<User> Store::user_for_token(const std::string& token, std::int64_t now) {
  if (token.empty()) return std::nullopt;
  return session_user(token_hash(token), now);
}

void Store::end_session(const std::string& token) { delete_session(token_hash(token)); }

// ---- low level ----

void Store::add_user(const User& u) {
  auto l = lock();
  in_transaction(*db_, [&] {
    if (!db_->query("SELECT 1 FROM users WHERE name = :name", {{"name", u.name}}).empty())
      throw std::runtime_error("a user named " + u.name + " already exists");
    db_->query("INSERT INTO users (name, role, password_hash, created_at) VALUES (:name, :role, :hash, :at)",
               {{"name", u.name}, {"role", u.role}, {"hash", u.password_hash}, {"at", utc_now_iso()}});
  });
}

std::optional<User> Store::find_user(const std::string& name) {
  auto l = lock();
  auto r = db_->query("SELECT name, role, password_hash, created_at FROM users WHERE name = :name", {{"name", name}});
  if (r.empty()) return std::nullopt;
  const auto& row = r.rows[0];
  return User{row[0].value_or(""), row[1].value_or(""), row[2].value_or(""), row[3].value_or("")};
}

std::vector<User> Store::users() {
  auto l = lock();
  auto r = db_->query("SELECT name, role, created_at FROM users ORDER BY name");
  std::vector<User> out;
  for (const auto& row : r.rows) out.push_back(User{row[0].value_or(""), row[1].value_or(""), "", row[2].value_or("")});
  // Byte order on both backends (PostgreSQL's ORDER BY follows the server's locale).
  std::sort(out.begin(), out.end(), [](const User& a, const User& b) { return a.name < b.name; });
  return out;
}

void Store::add_session(const std::string& hash, const std::string& user, std::int64_t expires_at) {
  auto l = lock();
  in_transaction(*db_, [&] {
    db_->query("DELETE FROM sessions WHERE expires_at <= :now", {{"now", unix_now()}});
    db_->query("INSERT INTO sessions (token_hash, user_name, expires_at, created_at) VALUES (:t, :u, :e, :at)",
               {{"t", hash}, {"u", user}, {"e", expires_at}, {"at", utc_now_iso()}});
  });
}

std::optional<User> Store::session_user(const std::string& hash, std::int64_t now) {
  auto l = lock();
  auto r = db_->query(
      "SELECT u.name, u.role, u.created_at FROM sessions s JOIN users u ON u.name = s.user_name "
      "WHERE s.token_hash = :t AND s.expires_at > :now",
      {{"t", hash}, {"now", now}});
  if (r.empty()) return std::nullopt;
  return User{r.rows[0][0].value_or(""), r.rows[0][1].value_or(""), "", r.rows[0][2].value_or("")};
}

void Store::delete_session(const std::string& hash) {
  auto l = lock();
  db_->query("DELETE FROM sessions WHERE token_hash = :t", {{"t", hash}});
}

}  // namespace crmo::store
