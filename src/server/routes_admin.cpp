// Administration: the audit trail and the accounts.
#include "formats/json_fields.hpp"
#include "server/api.hpp"
#include "server/auth.hpp"

namespace crmo::server {

namespace {

Json parsed_or_null(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  try {
    return Json::parse(*text);
  } catch (const std::exception&) {
    return *text;  // kept as stored
  }
}

Reply audit(Services& s, Call& c) {
  int limit = 1000;
  if (auto l = c.query_value("limit")) {
    try {
      limit = std::stoi(*l);
    } catch (const std::exception&) {
      limit = 0;
    }
    if (limit < 1 || limit > 100000)
      throw HttpError(400, "bad query parameters", {{"limit", "expected an integer from 1 to 100000, got '" + *l + "'"}});
  }
  Json out = Json::array();
  for (const auto& r : s.store.audit(c.query_value("entity_id"), limit))
    out.push_back({{"id", r.id}, {"at", r.at}, {"actor", r.actor}, {"action", r.action}, {"entity", r.entity},
                   {"entity_id", r.entity_id}, {"before", parsed_or_null(r.before)}, {"after", parsed_or_null(r.after)}});
  return json_reply(out);
}

Reply add_user(Services& s, Call& c) {
  auto body = c.json_body();
  std::vector<InputProblem> problems;
  JsonFields f(body, "", "$", problems);
  auto name = f.text("name", true);
  auto role = f.text("role", true);
  auto password = f.text("password", true);
  f.reject_unknown("name, role, password");
  throw_if_any(std::move(problems));
  check_new_user(*name, *role, *password, "$.");
  if (s.store.find_user(*name)) throw HttpError(409, "a user named " + *name + " already exists");
  try {
    s.store.create_user(*name, *role, *password);
  } catch (const std::invalid_argument& e) {
    throw HttpError(400, e.what(), {{"$", e.what()}});
  }
  return json_reply({{"name", *name}, {"role", *role}}, 201);
}

}  // namespace

void add_admin_routes(std::vector<Route>& routes, Services& s) {
  routes.push_back({"GET", "/api/audit", kAdmin, "admin", "The audit trail: who changed what, when, before and after", "",
                    "[{\"id\", \"at\", \"actor\", \"action\", \"entity\", \"entity_id\", \"before\", \"after\"}], newest first",
                    200, "application/json",
                    {{"entity_id", "an exam id: its changes and those of its site gradings"},
                     {"limit", "at most this many records (default 1000)"}},
                    {400}, [&s](Call& c) { return audit(s, c); }});
  routes.push_back({"GET", "/api/users", kAdmin, "admin", "The accounts", "", "[{\"name\", \"role\", \"created_at\"}]",
                    200, "application/json", {}, {}, [&s](Call&) {
                      Json out = Json::array();
                      for (const auto& u : s.store.users())
                        out.push_back({{"name", u.name}, {"role", u.role}, {"created_at", u.created_at}});
                      return json_reply(out);
                    }});
  routes.push_back({"POST", "/api/users", kAdmin, "admin", "Add an account",
                    "{\"name\", \"role\": admin|reader|researcher, \"password\": at least 8 characters}",
                    "{\"name\", \"role\"}", 201, "application/json", {}, {400, 409},
                    [&s](Call& c) { return add_user(s, c); }});
}

}  // namespace crmo::server
