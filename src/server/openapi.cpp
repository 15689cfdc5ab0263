// The OpenAPI 3.0 document, generated from the route table the server dispatches from.
#include <algorithm>
#include <map>

#include "server/api.hpp"
#include "server/readings.hpp"

namespace crmo::server {

namespace {

std::string reason(int status) {
  static const std::map<int, std::string> text = {
      {200, "OK"}, {201, "Created"},
      {400, "Bad input: {\"error\", \"problems\": [{\"field\", \"message\"}]}, the messages of the command line"},
      {401, "No valid credentials: sign in (POST /api/login) and send 'Authorization: Bearer <token>'"},
      {403, "The signed-in role may not do this"},
      {404, "Not found"},
      {409, "Conflict: the exam changed since the given revision ({\"error\", \"revision\": current}); reload"}};
  auto it = text.find(status);
  return it == text.end() ? "" : it->second;
}

Json error_schema_ref() {
  return {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}};
}

}  // namespace

Json openapi_document(const std::vector<Route>& routes, const std::string& version) {
  Json paths = Json::object();
  for (const Route& r : routes) {
    Json op{{"summary", r.summary}, {"tags", Json::array({r.tag})}};
    std::string method = r.method;
    for (auto& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    op["operationId"] = method + r.path;
    std::string roles;
    for (const auto& n : role_names(r.roles)) roles += (roles.empty() ? "" : ", ") + n;
    op["description"] = r.roles == kPublic ? "No credentials needed." : "Roles: " + roles + ".";
    op["x-roles"] = role_names(r.roles);
    // Under crmo serve --blinded, readers get 403 from the routes not open to them.
    if (r.roles & kReader) op["x-blinded-readers"] = open_to_blinded_readers(r) ? "own readings only" : "403";
    Json params = Json::array();
    for (std::size_t p = r.path.find('{'); p != std::string::npos; p = r.path.find('{', p + 1)) {
      std::string name = r.path.substr(p + 1, r.path.find('}', p) - p - 1);
      params.push_back({{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}},
                        {"description", name == "site" ? "unit:side, e.g. tibia.distal_metaphysis:L"
                                                      : name == "id" ? "the id (researchers: the pseudonym)" : name}});
    }
    for (const auto& q : r.query)
      params.push_back({{"name", q.name}, {"in", "query"}, {"required", false}, {"schema", {{"type", "string"}}},
                        {"description", q.description}});
    if (!params.empty()) op["parameters"] = params;
    if (!r.request.empty())
      op["requestBody"] = {{"required", true},
                           {"description", r.request},
                           {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
    Json responses = Json::object();
    Json ok{{"description", r.response}};
    Json schema = r.content_type == "application/json" ? Json{{"type", "object"}} : Json{{"type", "string"}};
    ok["content"] = {{r.content_type, {{"schema", schema}}}};
    responses[std::to_string(r.success)] = ok;
    std::vector<int> errors = r.errors;
    if (r.roles != kPublic) errors.push_back(401);
    if (r.roles != kPublic && r.roles != kAnyRole) errors.push_back(403);
    std::sort(errors.begin(), errors.end());
    for (int e : errors) responses[std::to_string(e)] = {{"description", reason(e)}, {"content", error_schema_ref()}};
    op["responses"] = responses;
    if (r.roles == kPublic) op["security"] = Json::array();
    paths[r.path][method] = op;
  }
  Json problem{{"type", "object"},
               {"properties", {{"field", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}};
  Json error{{"type", "object"},
             {"required", {"error"}},
             {"properties",
              {{"error", {{"type", "string"}}},
               {"problems", {{"type", "array"}, {"items", problem}}},
               {"revision", {{"type", "integer"}, {"description", "409 only: the exam's current revision"}}}}}};
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "crmo serve"},
            {"version", version},
            {"description", "WB-MRI scoring of CRMO/CNO: exams, site gradings, clinical measures, scores and the "
                            "cohort analysis. Generated from the server's route table."}}},
          {"paths", paths},
          {"components",
           {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
            {"schemas", {{"Error", error}}}}},
          {"security", Json::array({{{"bearer", Json::array()}}})}};
}

}  // namespace crmo::server
