// Signing in and out: POST /api/login, POST /api/logout, GET /api/me.
#include "formats/json_fields.hpp"
#include "server/api.hpp"
#include "server/auth.hpp"
#include "server/readings.hpp"

namespace crmo::server {

namespace {

Reply login(Services& s, Call& call) {
  auto body = call.json_body();
  std::vector<InputProblem> problems;
  JsonFields f(body, "", "$", problems);
  auto name = f.text("name", true);
  auto password = f.text("password", true);
  f.reject_unknown("name, password");
  throw_if_any(std::move(problems));
  // The store answers as slowly for an unknown name as for a wrong password.
  auto user = s.store.authenticate(*name, *password);
  if (!user) throw HttpError(401, "wrong name or password");
  store::Session session = s.store.start_session(user->name, s.settings.session_seconds);
  return json_reply({{"token", session.token}, {"role", session.role}, {"name", session.user},
                     {"expires_at", iso_from_unix(session.expires_at)}});
}

}  // namespace

void add_session_routes(std::vector<Route>& routes, Services& s) {
  routes.push_back({"POST", "/api/login", kPublic, "session", "Sign in",
                    "{\"name\": text, \"password\": text}",
                    "{\"token\", \"role\", \"name\", \"expires_at\"}: send the token as 'Authorization: Bearer <token>'",
                    200, "application/json", {}, {400}, [&s](Call& c) { return login(s, c); }});
  routes.push_back({"POST", "/api/logout", kAnyRole, "session", "Sign out: the token stops working", "", "{\"ok\": true}",
                    200, "application/json", {}, {}, [&s](Call& c) {
                      s.store.end_session(c.token);
                      return json_reply({{"ok", true}});
                    }});
  routes.push_back({"GET", "/api/me", kAnyRole, "session", "Who is signed in",
                    "", "{\"name\", \"role\", \"blinded\": true for a reader under crmo serve --blinded}", 200,
                    "application/json", {}, {}, [&s](Call& c) {
                      return json_reply(
                          {{"name", c.caller.name}, {"role", c.caller.role}, {"blinded", blinded_reader(s, c.caller)}});
                    }});
}

}  // namespace crmo::server
