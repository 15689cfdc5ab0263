// The pieces of the route table every handler file shares: roles, errors, requests,
// path matching, and the services (store, atlas, default schemes).
#include "server/api.hpp"

#include <fmt/format.h>

#include "formats/atlas_json.hpp"
#include "formats/json_fields.hpp"
#include "formats/scheme_json.hpp"
#include "server/pseudonyms.hpp"
#include "server/agreement_cache.hpp"
#include "server/worklist_cache.hpp"

namespace crmo::server {

const std::vector<std::string>& all_roles() {
  static const std::vector<std::string> roles = {"admin", "reader", "researcher"};
  return roles;
}

unsigned role_bit(const std::string& role) {
  if (role == "admin") return kAdmin;
  if (role == "reader") return kReader;
  if (role == "researcher") return kResearcher;
  return 0;
}

std::vector<std::string> role_names(unsigned roles) {
  std::vector<std::string> out;
  for (const auto& r : all_roles())
    if (roles & role_bit(r)) out.push_back(r);
  return out;
}

HttpError::HttpError(int s, const std::string& message, std::vector<InputProblem> p)
    : std::runtime_error(message), status(s), problems(std::move(p)) {}

const std::string& Call::param(const std::string& name) const {
  auto it = params.find(name);
  if (it == params.end()) throw std::logic_error("route has no path parameter " + name);
  return it->second;
}

std::optional<std::string> Call::query_value(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

nlohmann::json Call::json_body() const {
  if (body.empty()) throw InputError("request body", "empty: expected a JSON object");
  return parse_json_text(body, "request body");
}

Reply json_reply(const Json& j, int status) {
  Reply r;
  r.status = status;
  r.body = j.dump();
  return r;
}

Json error_json(const std::string& message, const std::vector<InputProblem>& problems) {
  Json j{{"error", message}};
  if (!problems.empty()) {
    Json list = Json::array();
    for (const auto& p : problems) list.push_back({{"field", p.place}, {"message", p.message}});
    j["problems"] = list;
  }
  return j;
}

namespace {

std::string percent_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

bool match_path(const std::string& pattern, const std::string& path, std::map<std::string, std::string>& params) {
  if (path.empty() || path[0] != '/') return false;
  auto want = segments(pattern), have = segments(path);
  if (want.size() != have.size()) return false;
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const std::string& w = want[i];
    if (w.size() > 2 && w.front() == '{' && w.back() == '}') {
      if (have[i].empty()) return false;
      found[w.substr(1, w.size() - 2)] = percent_decode(have[i]);
    } else if (w != have[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

Services::Services(store::Store& s, Settings st) : store(s), settings(st) {
  atlas = default_atlas();
  SchemeRegistry registry = SchemeRegistry::with_builtins();
  scheme = registry.get("rai-cromris");
  parameter_scheme = parameter_scheme_for(registry, scheme);  // as `crmo score`
  pseudonyms = std::make_shared<Pseudonyms>(s);
  worklist_cache = std::make_shared<WorklistCache>();
  agreement_cache = std::make_shared<AgreementCache>();
}

std::vector<Route> api_routes(Services& s) {
  std::vector<Route> routes;
  add_session_routes(routes, s);
  add_reference_routes(routes, s);
  add_exam_routes(routes, s);
  add_edit_routes(routes, s);
  add_cohort_routes(routes, s);
  add_admin_routes(routes, s);
  add_analysis_routes(routes, s);
  add_pacs_routes(routes, s);
  add_reading_routes(routes, s);
  // The description of the API is itself a route, generated from the finished table.
  auto doc = std::make_shared<std::string>();
  routes.push_back({"GET", "/api/openapi.json", kPublic, "reference", "This description of the API (OpenAPI 3.0)", "",
                    "the OpenAPI document, generated from the route table the server dispatches from", 200,
                    "application/json", {}, {}, [doc](Call&) {
                      Reply r;
                      r.body = *doc;
                      return r;
                    }});
  *doc = openapi_document(routes, CRMO_SERVER_VERSION).dump(2);
  return routes;
}

}  // namespace crmo::server
