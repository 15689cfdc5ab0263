// What the page needs to draw and grade: the atlas, the schemes, the skeleton drawing.
#include "formats/atlas_json.hpp"
#include "formats/scheme_json.hpp"
#include "report/skeleton_svg.hpp"
#include "server/api.hpp"

namespace crmo::server {

void add_reference_routes(std::vector<Route>& routes, Services& s) {
  routes.push_back({"GET", "/api/atlas", kAnyRole, "reference", "The atlas of bone units (as crmo atlas --json)", "",
                    "the atlas JSON: units with id, sides, kind, bone, region", 200, "application/json", {}, {},
                    [&s](Call&) { return json_reply(atlas_to_json(s.atlas)); }});
  routes.push_back({"GET", "/api/schemes", kAnyRole, "reference", "The scoring schemes (as crmo schemes --json)", "",
                    "{\"default\", \"parameters\", \"schemes\": [{\"name\", \"version\", \"title\", \"based_on\", "
                    "\"items\", \"parameters\", \"index_inputs\"}]}",
                    200, "application/json", {}, {}, [&s](Call&) {
                      SchemeRegistry registry = SchemeRegistry::with_builtins();
                      Json list = Json::array();
                      for (const auto& name : registry.names()) {
                        Scheme sc = registry.get(name);
                        list.push_back({{"name", sc.name}, {"version", sc.version}, {"title", sc.title},
                                        {"based_on", sc.based_on.empty() ? Json(nullptr) : Json(sc.based_on)},
                                        {"items", sc.items.size()}, {"parameters", sc.parameters.size()},
                                        {"index_inputs", sc.index.size()}});
                      }
                      return json_reply({{"default", s.scheme.name}, {"parameters", s.parameter_scheme.name},
                                         {"schemes", list}});
                    }});
  routes.push_back({"GET", "/api/schemes/{name}", kAnyRole, "reference",
                    "One scheme, resolved (as crmo schemes NAME --json)", "",
                    "the scheme JSON: items with ranges and the unit kinds they apply to, unit score, total", 200,
                    "application/json", {}, {404}, [](Call& c) {
                      SchemeRegistry registry = SchemeRegistry::with_builtins();
                      const std::string& name = c.param("name");
                      auto names = registry.names();
                      // Built-in names only: the registry would also read a file of that name.
                      if (std::find(names.begin(), names.end(), name) == names.end())
                        throw HttpError(404, "no scheme named '" + name + "' (GET /api/schemes lists them)");
                      return json_reply(scheme_to_json(registry.get(name)));
                    }});
  routes.push_back({"GET", "/api/drawing/skeleton.svg", kAnyRole, "reference",
                    "The front-view skeleton drawing of the reports, clickable",
                    "", "SVG: one shape per unit-side, id=\"site-<unit>-<side>\", data-site=\"<unit>:<side>\"", 200,
                    "image/svg+xml", {}, {}, [&s](Call&) {
                      report::SkeletonStyle style;
                      style.interactive = true;
                      Reply r;
                      r.body = report::skeleton_svg(s.atlas, {}, style);
                      r.content_type = "image/svg+xml";
                      return r;
                    }});
}

}  // namespace crmo::server
