#pragma once
// The REST/JSON API of `crmo serve` as data: one table of routes, each with its method,
// path, the roles allowed, its documentation and its handler. The HTTP layer
// (server.cpp) dispatches from this table and the OpenAPI document (openapi.cpp) is
// generated from it, so the documentation cannot drift from what is served.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/atlas.hpp"
#include "core/scheme.hpp"
#include "formats/input_error.hpp"
#include "store/store.hpp"

namespace crmo::server {

using Json = nlohmann::ordered_json;

// Roles as bits; a route lists the roles it allows (0: no credentials needed).
enum Role : unsigned { kAdmin = 1, kReader = 2, kResearcher = 4 };
constexpr unsigned kPublic = 0;
constexpr unsigned kAnyRole = kAdmin | kReader | kResearcher;
constexpr unsigned kEditors = kAdmin | kReader;

unsigned role_bit(const std::string& role);  // 0 for an unknown role
std::vector<std::string> role_names(unsigned roles);
const std::vector<std::string>& all_roles();

// A failed request: status, message and the problems of the input (field + message).
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& message, std::vector<InputProblem> problems = {});
  int status;
  std::vector<InputProblem> problems;
};

struct Caller {
  std::string name, role;
  bool researcher() const { return role == "researcher"; }
};

// What a handler sees of a request.
struct Call {
  std::string method, path, body;
  std::map<std::string, std::string> params;                 // path parameters, decoded
  std::multimap<std::string, std::string> query;             // query parameters
  std::optional<std::string> authorization;                  // the Authorization header
  Caller caller;                                             // set when the route needs a role
  std::string token;                                         // the bearer token, when given

  const std::string& param(const std::string& name) const;
  std::optional<std::string> query_value(const std::string& name) const;
  // The body as JSON; bad JSON -> InputError naming line and column.
  nlohmann::json json_body() const;
};

struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};
Reply json_reply(const Json& j, int status = 200);

struct QueryParam {
  std::string name, description;
};

struct Route {
  std::string method;  // GET, POST, PUT, DELETE
  std::string path;    // "/api/exams/{id}": {name} is one path segment
  unsigned roles = kAnyRole;
  std::string tag, summary;
  std::string request;   // what the body holds (empty: no body)
  std::string response;  // what a success returns
  int success = 200;
  std::string content_type = "application/json";  // of a success
  std::vector<QueryParam> query;
  std::vector<int> errors;  // statuses besides 401/403 implied by roles
  std::function<Reply(Call&)> handler;
};

struct Settings {
  long session_seconds = 12 * 3600;
  // The PACS (routes_pacs.cpp, crmo serve --pacs): DICOMweb root, empty when none.
  std::string pacs_url, pacs_user, pacs_password;
  std::string images_dir = "crmo-images";  // where studies pulled from the PACS are ingested
  bool blinded = false;  // crmo serve --blinded: readers see only their own readings (server/readings.hpp)
};

class Pseudonyms;
class WorklistCache;
class AgreementCache;

// What handlers share: the store, the domain (atlas, default schemes), settings.
struct Services {
  store::Store& store;
  Atlas atlas;
  Scheme scheme;            // the default scoring scheme (rai-cromris)
  Scheme parameter_scheme;  // the scheme whose parameters are evaluated (seed-2022)
  Settings settings;
  std::shared_ptr<Pseudonyms> pseudonyms;
  std::shared_ptr<WorklistCache> worklist_cache;  // GET /api/exams rows (server/worklist_cache.hpp)
  std::shared_ptr<AgreementCache> agreement_cache;  // GET /api/agreement (server/agreement_cache.hpp)

  Services(store::Store& s, Settings settings);
};

// The whole table; each add_* lives in its own file.
std::vector<Route> api_routes(Services& services);
void add_session_routes(std::vector<Route>& routes, Services& s);
void add_reference_routes(std::vector<Route>& routes, Services& s);
void add_exam_routes(std::vector<Route>& routes, Services& s);
void add_edit_routes(std::vector<Route>& routes, Services& s);
void add_cohort_routes(std::vector<Route>& routes, Services& s);
void add_admin_routes(std::vector<Route>& routes, Services& s);
void add_analysis_routes(std::vector<Route>& routes, Services& s);
void add_pacs_routes(std::vector<Route>& routes, Services& s);
void add_reading_routes(std::vector<Route>& routes, Services& s);

// The OpenAPI 3.0 document of a route table.
Json openapi_document(const std::vector<Route>& routes, const std::string& version);

// Matches a path against a route pattern; fills `params` (decoded segments).
bool match_path(const std::string& pattern, const std::string& path, std::map<std::string, std::string>& params);

// The error body of the contract: {"error", "problems": [{"field", "message"}]}.
Json error_json(const std::string& message, const std::vector<InputProblem>& problems = {});

}  // namespace crmo::server
