// crmo serve end to end: a real server process on a free loopback port, driven over HTTP
// (cpp-httplib's client). Expected totals are the hand-computed ones of
// examples/exams/README.md; expected roles are this file's own table (the contract,
// notes in docs/server.md), checked against both the server and its OpenAPI document.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "crmo_paths.hpp"
#include "formats/exam_source.hpp"
#include "formats/atlas_json.hpp"
#include "formats/scheme_json.hpp"
#include "server_process.hpp"
#include "store/store.hpp"

using json = nlohmann::json;
using crmo::test::ServerProcess;
using crmo::test::TempDir;

namespace {


struct Expected {
  std::string method, path;
  std::vector<std::string> roles;  // empty: public
};

// The API as the contract (notes/api-contract.md) defines it: method, path, roles.
const std::vector<Expected>& expected_routes() {
  const std::vector<std::string> all = {"admin", "reader", "researcher"}, edit = {"admin", "reader"},
                                 admin = {"admin"};
  static const std::vector<Expected> routes = {
      {"POST", "/api/login", {}},
      {"POST", "/api/logout", all},
      {"GET", "/api/me", all},
      {"GET", "/api/openapi.json", {}},
      {"GET", "/api/atlas", all},
      {"GET", "/api/schemes", all},
      {"GET", "/api/schemes/{name}", all},
      {"GET", "/api/drawing/skeleton.svg", all},
      {"GET", "/api/exams", all},
      {"POST", "/api/exams", edit},
      {"GET", "/api/exams/{id}", all},
      {"GET", "/api/exams/{id}/score", all},
      {"GET", "/api/exams/{id}/clinical-instruments", all},
      {"POST", "/api/exams/{id}/clinical-instruments", all},
      {"PUT", "/api/exams/{id}/sites/{site}", edit},
      {"DELETE", "/api/exams/{id}/sites/{site}", edit},
      {"PUT", "/api/exams/{id}/clinical", edit},
      {"GET", "/api/patients", all},
      {"GET", "/api/patients/{id}", all},
      {"GET", "/api/cohort", all},
      {"GET", "/api/cohort/report", all},
      {"GET", "/api/compare", all},
      {"GET", "/api/agreement", all},
      {"GET", "/api/agreement/bland-altman.svg", all},
      {"GET", "/api/audit", admin},
      {"GET", "/api/users", admin},
      {"POST", "/api/users", admin},
      // Readings (issue 7; tests/server/readings_test.cpp).
      {"GET", "/api/exams/{id}/readings", all},
      {"GET", "/api/exams/{id}/readings/{reader}", all},
      {"GET", "/api/exams/{id}/readings/{reader}/sites/{site}", all},
      {"PUT", "/api/exams/{id}/readings/{reader}/sites/{site}", edit},
      {"DELETE", "/api/exams/{id}/readings/{reader}/sites/{site}", edit},
      {"POST", "/api/exams/{id}/consensus", edit},
      {"GET", "/api/calibration", edit},
      {"GET", "/api/calibration/{id}", edit},
      {"POST", "/api/calibration/{id}/finish", edit},
      // The PACS (tests/exchange/pacs_server_test.py against Orthanc): none configured here.
      {"GET", "/api/pacs", all},
      {"GET", "/api/pacs/studies", edit},
      {"GET", "/api/pacs/studies/{uid}/series", edit},
      {"POST", "/api/pacs/studies/{uid}/pull", edit},
      {"GET", "/api/pacs/studies/{uid}/pull", edit},
  };
  return routes;
}

class Api : public ::testing::Test {
 protected:
  static inline TempDir* dir = nullptr;
  static inline ServerProcess* server = nullptr;
  static inline std::string db, log;
  static inline std::map<std::string, std::string> tokens;  // role -> token

  static void SetUpTestSuite() {
    dir = new TempDir();
    db = (dir->path / "crmo.db").string();
    log = (dir->path / "server.log").string();
    {
      auto store = crmo::store::Store::open(db);
      crmo::SchemeRegistry reg = crmo::SchemeRegistry::with_builtins();
      auto exams = crmo::load_exams(g_source + "/examples/exams", crmo::default_atlas(), reg.get("rai-cromris"));
      store->import_exams(exams, "test");
      // P017-1 read again by R2 and reconciled: a reference exam for the readings routes.
      for (const auto& e : exams)
        if (e.id == "P017-1") {
          store->save_reading(e.id, "R2", e.lesions, 0, "test");
          store->save_consensus(e.id, "consensus", e.lesions, {"R1", "R2"}, 0, "test");
        }
      for (const char* role : {"admin", "reader", "researcher"})
        store->create_user(std::string("u") + role, role, "pw-" + std::string(role) + "-long");
    }
    server = new ServerProcess();
    server->start(g_crmo, db, log);
    ASSERT_GT(server->wait_ready(), 0) << "server did not start; log: " << slurp(log);
    for (const char* role : {"admin", "reader", "researcher"}) {
      auto r = client().Post("/api/login", json{{"name", std::string("u") + role}, {"password", std::string("pw-") + role + "-long"}}.dump(),
                             "application/json");
      ASSERT_TRUE(r) << "no answer to login";
      ASSERT_EQ(r->status, 200) << r->body;
      auto j = json::parse(r->body);
      EXPECT_EQ(j["role"], role);
      tokens[role] = j["token"];
    }
  }
  static void TearDownTestSuite() {
    if (server) {
      EXPECT_EQ(server->stop(SIGTERM), 0) << "the server should stop cleanly on SIGTERM";
    }
    delete server;
    delete dir;
  }

  static std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  static httplib::Client client() {
    httplib::Client c("127.0.0.1", server->port());
    c.set_read_timeout(30, 0);
    return c;
  }
  static httplib::Headers auth(const std::string& role) {
    return {{"Authorization", "Bearer " + tokens.at(role)}};
  }
  // One request; returns status and body (status -1: no answer).
  static std::pair<int, std::string> call(const std::string& method, const std::string& path, const std::string& role,
                                          const std::string& body = "") {
    auto c = client();
    httplib::Headers h = role.empty() ? httplib::Headers{} : auth(role);
    auto send = [&]() -> httplib::Result {
      if (method == "POST") return c.Post(path.c_str(), h, body, "application/json");
      if (method == "PUT") return c.Put(path.c_str(), h, body, "application/json");
      if (method == "DELETE") return c.Delete(path.c_str(), h);
      return c.Get(path.c_str(), h);
    };
    auto r = send();
    if (!r) return {-1, ""};
    return {r->status, r->body};
  }
  static json get_json(const std::string& path, const std::string& role) {
    auto [status, body] = call("GET", path, role);
    EXPECT_EQ(status, 200) << path << ": " << body;
    return json::parse(body);
  }
};

std::string fill(std::string path) {
  if (path.rfind("/api/patients/", 0) == 0) return "/api/patients/P017";
  if (path == "/api/compare") return "/api/compare?from=P017-1&to=P017-1";
  path = std::regex_replace(path, std::regex("\\{id\\}"), "P017-1");
  path = std::regex_replace(path, std::regex("\\{site\\}"), "tibia.distal_metaphysis:L");
  path = std::regex_replace(path, std::regex("\\{reader\\}"), "R2");
  path = std::regex_replace(path, std::regex("\\{uid\\}"), "1.2.826.0.1.3680043.2.1125.1");
  return std::regex_replace(path, std::regex("\\{name\\}"), "rai-cromris");
}

TEST_F(Api, OpenApiListsExactlyTheServedRoutes) {
  json doc = get_json("/api/openapi.json", "");
  EXPECT_EQ(doc["openapi"], "3.0.3");
  std::set<std::pair<std::string, std::string>> in_doc, expected;
  for (auto& [path, ops] : doc["paths"].items())
    for (auto& [method, op] : ops.items()) {
      std::string m = method;
      for (auto& ch : m) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      in_doc.insert({m, path});
      EXPECT_FALSE(op["summary"].get<std::string>().empty()) << path;
      EXPECT_TRUE(op["responses"].is_object()) << path;
    }
  for (const auto& e : expected_routes()) {
    expected.insert({e.method, e.path});
    ASSERT_TRUE(doc["paths"].contains(e.path)) << e.path;
    std::string m = e.method;
    for (auto& ch : m) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    ASSERT_TRUE(doc["paths"][e.path].contains(m)) << e.method << " " << e.path;
    EXPECT_EQ(doc["paths"][e.path][m]["x-roles"].get<std::vector<std::string>>(), e.roles) << e.method << " " << e.path;
  }
  EXPECT_EQ(in_doc, expected) << "the OpenAPI document and the contract differ";
  // Every documented operation is served: none answers "no API endpoint".
  for (const auto& [method, path] : in_doc) {
    if (path == "/api/logout") continue;  // would end the session the other tests use
    auto [status, body] = call(method, fill(path), "admin", method == "GET" || method == "DELETE" ? "" : "{}");
    EXPECT_NE(status, 405) << method << " " << path;
    if (status == 404) {
      EXPECT_EQ(body.find("no API endpoint"), std::string::npos) << method << " " << path;
    }
  }
  // And an undocumented one is not.
  auto [status, body] = call("GET", "/api/nothing-here", "admin");
  EXPECT_EQ(status, 404);
  EXPECT_NE(body.find("no API endpoint"), std::string::npos);
}

TEST_F(Api, EveryRouteChecksCredentialsAndRole) {
  for (const auto& e : expected_routes()) {
    const std::string path = fill(e.path);
    const std::string body = e.method == "GET" || e.method == "DELETE" ? "" : "{}";
    if (e.roles.empty()) continue;
    auto [status, text] = call(e.method, path, "", body);
    EXPECT_EQ(status, 401) << "no token: " << e.method << " " << e.path << " " << text;
    EXPECT_NE(json::parse(text)["error"].get<std::string>(), "");
    for (const std::string role : {"admin", "reader", "researcher"}) {
      bool allowed = std::find(e.roles.begin(), e.roles.end(), role) != e.roles.end();
      if (allowed && e.method != "GET") continue;  // allowed writes are tested below
      if (e.path == "/api/logout") continue;       // would end the session
      auto [s2, t2] = call(e.method, path, role, body);
      // A researcher addresses exams by pseudonym: the stored id is not found (tested below).
      // Agreement needs an exam read by two readers: 404 until some test adds a second
      // reading (the statistics are tested in analysis_routes_test.cpp).
      if (allowed && e.path.rfind("/api/pacs/", 0) == 0) EXPECT_EQ(s2, 404) << "no PACS configured: " << e.path;
      else if (allowed && e.path.rfind("/api/agreement", 0) == 0) EXPECT_TRUE(s2 == 200 || s2 == 404) << role << ": " << s2;
      else if (allowed && role == "researcher" && (e.path.find("{id}") != std::string::npos || e.path == "/api/compare"))
        EXPECT_EQ(s2, 404);
      else if (allowed) EXPECT_EQ(s2, 200) << role << ": " << e.method << " " << e.path << " " << t2.substr(0, 300);
      else EXPECT_EQ(s2, 403) << role << ": " << e.method << " " << e.path << " " << t2.substr(0, 300);
    }
  }
  // A made-up token and a malformed header are refused too.
  auto c = client();
  auto r = c.Get("/api/exams", {{"Authorization", "Bearer 0000"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = c.Get("/api/exams", {{"Authorization", "Basic dXNlcjpwdw=="}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
}

TEST_F(Api, WorklistTotalsAreTheHandComputedOnes) {
  json list = get_json("/api/exams", "reader");
  ASSERT_EQ(list.size(), 3u);
  std::map<std::string, int> totals;
  for (const auto& row : list) totals[row["id"]] = row["rai_cromris"];
  // examples/exams/README.md: 6 + 2 + 4; no lesions; 5 + 2 + 7 + 3 + 2.
  EXPECT_EQ(totals["P017-1"], 12);
  EXPECT_EQ(totals["P021-1"], 0);
  EXPECT_EQ(totals["P033-1"], 19);
  json exam = get_json("/api/exams/P017-1", "reader");
  EXPECT_EQ(exam["exam"]["format"], "crmo.exam/1");
  EXPECT_EQ(exam["exam"]["patient"]["birth_date"], "2010-05-02");
  EXPECT_EQ(exam["score"]["rai_total"], 12);
  EXPECT_EQ(get_json("/api/exams/P033-1/score", "reader")["rai_total"], 19);
  // Instruments for unsaved clinical values: evaluated, checked, nothing written.
  auto [si, bi] = call("POST", "/api/exams/P017-1/clinical-instruments", "reader",
                       json{{"clinical", {{"pga", 2}, {"pain", 1}}}}.dump());
  EXPECT_EQ(si, 200) << bi;
  EXPECT_TRUE(json::parse(bi)["instruments"].is_array());
  auto [sb, bb] = call("POST", "/api/exams/P017-1/clinical-instruments", "reader",
                       json{{"clinical", {{"pga", "x"}}}}.dump());
  EXPECT_EQ(sb, 400);
  EXPECT_NE(bb.find("\"$.clinical.pga\""), std::string::npos) << bb;
  EXPECT_EQ(get_json("/api/exams/P017-1", "reader")["exam"]["clinical"]["pga"], 6);
  json pt = get_json("/api/patients/P017", "reader");
  EXPECT_EQ(pt["exams"].size(), 1u);
}

TEST_F(Api, GradeReloadUngradeRoundTrip) {
  json exam = get_json("/api/exams/P021-1", "reader");
  std::int64_t rev = exam["revision"];
  // femur.distal_metaphysis is a long-bone unit: 2 + 1 + max(1, 0) + 0 = 4.
  json put{{"revision", rev}, {"grades", {{"signal", 2}, {"extent", 1}, {"soft_tissue", 1}}}, {"physis", "abutting"},
           {"symptomatic", true}};
  auto [s1, b1] = call("PUT", "/api/exams/P021-1/sites/femur.distal_metaphysis:L", "reader", put.dump());
  ASSERT_EQ(s1, 200) << b1;
  json r1 = json::parse(b1);
  EXPECT_EQ(r1["revision"], rev + 1);
  EXPECT_EQ(r1["score"]["rai_total"], 4);
  // The flat form of crmo.exam/1 works as well: 1 + 1 = 2 on a second site.
  json flat{{"revision", rev + 1}, {"signal", 1}, {"extent", 1}};
  auto [s2, b2] = call("PUT", "/api/exams/P021-1/sites/pubis:R", "reader", flat.dump());
  ASSERT_EQ(s2, 200) << b2;
  EXPECT_EQ(json::parse(b2)["score"]["rai_total"], 6);

  json again = get_json("/api/exams/P021-1", "admin");
  EXPECT_EQ(again["revision"], rev + 2);
  EXPECT_EQ(again["score"]["rai_total"], 6);
  ASSERT_EQ(again["exam"]["lesions"].size(), 2u);
  EXPECT_EQ(again["exam"]["lesions"][0]["site"], "femur.distal_metaphysis:L");
  EXPECT_EQ(again["exam"]["lesions"][0]["physis"], "abutting");
  EXPECT_EQ(again["exam"]["lesions"][0]["symptomatic"], true);

  auto [s3, b3] = call("DELETE", "/api/exams/P021-1/sites/pubis:R?revision=" + std::to_string(rev + 2), "reader");
  ASSERT_EQ(s3, 200) << b3;
  EXPECT_EQ(json::parse(b3)["score"]["rai_total"], 4);

  json clinical{{"revision", rev + 3}, {"pga", 3}, {"pain", 2.5}, {"crp", 1.2}, {"symptomatic_sites", {"femur.distal_metaphysis:L"}}};
  auto [s4, b4] = call("PUT", "/api/exams/P021-1/clinical", "reader", clinical.dump());
  ASSERT_EQ(s4, 200) << b4;
  json last = get_json("/api/exams/P021-1", "reader");
  EXPECT_EQ(last["revision"], rev + 4);
  EXPECT_EQ(last["exam"]["clinical"]["pga"], 3);
  EXPECT_EQ(last["exam"]["clinical"]["pain"], 2.5);
  EXPECT_EQ(last["updated_by"], "ureader");

  // Every change left an audit record naming its author.
  json audit = get_json("/api/audit?entity_id=P021-1", "admin");
  std::multiset<std::string> actions;
  for (const auto& a : audit) {
    actions.insert(a["action"].get<std::string>());
    EXPECT_EQ(a["actor"], a["action"] == "import" ? "test" : "ureader");
  }
  EXPECT_EQ(actions.count("grade"), 2u);
  EXPECT_EQ(actions.count("ungrade"), 1u);
  EXPECT_EQ(actions.count("clinical"), 1u);
}

TEST_F(Api, StaleRevisionIsAConflictAndChangesNothing) {
  json exam = get_json("/api/exams/P033-1", "reader");
  std::int64_t rev = exam["revision"];
  json first{{"revision", rev}, {"signal", 1}, {"extent", 2}};
  auto [s1, b1] = call("PUT", "/api/exams/P033-1/sites/ilium:L", "reader", first.dump());
  ASSERT_EQ(s1, 200) << b1;
  // A second writer still holding `rev`.
  json second{{"revision", rev}, {"signal", 2}, {"extent", 3}};
  auto [s2, b2] = call("PUT", "/api/exams/P033-1/sites/ilium:L", "admin", second.dump());
  EXPECT_EQ(s2, 409) << b2;
  json err = json::parse(b2);
  EXPECT_EQ(err["revision"], rev + 1);
  EXPECT_NE(err["error"].get<std::string>().find("reload"), std::string::npos);
  auto [s3, b3] = call("DELETE", "/api/exams/P033-1/sites/ilium:L?revision=" + std::to_string(rev), "reader");
  EXPECT_EQ(s3, 409) << b3;
  json after = get_json("/api/exams/P033-1", "reader");
  EXPECT_EQ(after["revision"], rev + 1);
  bool found = false;
  for (const auto& l : after["exam"]["lesions"])
    if (l["site"] == "ilium:L") {
      found = true;
      EXPECT_EQ(l["signal"], 1);
      EXPECT_EQ(l["extent"], 2);
    }
  EXPECT_TRUE(found);
}

TEST_F(Api, BadInputGetsTheCommandLineMessages) {
  // What `crmo validate` says about the same grade in a file.
  TempDir tmp;
  std::ifstream in(g_source + "/examples/exams/P021-1.json");
  json doc = json::parse(in);
  doc["lesions"] = json::array({{{"site", "femur.distal_metaphysis:R"}, {"signal", 9}, {"extent", 1}}});
  const auto file = tmp.path / "bad.json";
  std::ofstream(file) << doc.dump();
  const std::string cmd = g_crmo + " validate " + file.string() + " 2>&1";
  std::string cli;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    while (std::fgets(buf, sizeof buf, p)) cli += buf;
    ::pclose(p);
  }
  ASSERT_NE(cli.find("$.lesions[0].signal"), std::string::npos) << cli;

  std::int64_t rev = get_json("/api/exams/P021-1", "reader")["revision"];
  auto [s1, b1] = call("PUT", "/api/exams/P021-1/sites/femur.distal_metaphysis:R", "reader",
                       json{{"revision", rev}, {"signal", 9}, {"extent", 1}}.dump());
  ASSERT_EQ(s1, 400) << b1;
  json e1 = json::parse(b1);
  ASSERT_EQ(e1["problems"].size(), 1u) << b1;
  EXPECT_EQ(e1["problems"][0]["field"], "$.signal");
  const std::string msg = e1["problems"][0]["message"];
  EXPECT_FALSE(msg.empty());
  EXPECT_NE(cli.find(msg), std::string::npos) << "API: " << msg << "\nCLI: " << cli;

  // Unknown field, wrong type, missing revision, bad JSON, unknown site: each named.
  auto [s2, b2] = call("PUT", "/api/exams/P021-1/sites/femur.distal_metaphysis:R", "reader",
                       json{{"revision", rev}, {"signal", 1}, {"extent", 1}, {"sgnal", 1}}.dump());
  EXPECT_EQ(s2, 400);
  EXPECT_NE(b2.find("\"$.sgnal\""), std::string::npos) << b2;
  auto [s3, b3] = call("PUT", "/api/exams/P021-1/sites/femur.distal_metaphysis:R", "reader",
                       json{{"revision", rev}, {"signal", "two"}}.dump());
  EXPECT_EQ(s3, 400);
  EXPECT_NE(b3.find("\"$.signal\""), std::string::npos) << b3;
  auto [s4, b4] = call("PUT", "/api/exams/P021-1/sites/femur.distal_metaphysis:R", "reader",
                       json{{"signal", 1}, {"extent", 1}}.dump());
  EXPECT_EQ(s4, 400);
  EXPECT_NE(b4.find("\"$.revision\""), std::string::npos) << b4;
  auto [s5, b5] = call("PUT", "/api/exams/P021-1/sites/femur.distal_metaphysis:R", "reader", "{\"revision\": 1,");
  EXPECT_EQ(s5, 400);
  EXPECT_NE(b5.find("line 1, column"), std::string::npos) << b5;
  auto [s6, b6] = call("PUT", "/api/exams/P021-1/sites/femur.middle:Q", "reader",
                       json{{"revision", rev}, {"signal", 1}, {"extent", 1}}.dump());
  EXPECT_EQ(s6, 400);
  EXPECT_NE(b6.find("\"$.site\""), std::string::npos) << b6;
  auto [s7, b7] = call("PUT", "/api/exams/P021-1/clinical", "reader", json{{"revision", rev}, {"pga", "high"}}.dump());
  EXPECT_EQ(s7, 400);
  EXPECT_NE(b7.find("\"$.pga\""), std::string::npos) << b7;
  // Nothing was written by any of them.
  EXPECT_EQ(get_json("/api/exams/P021-1", "reader")["revision"], rev);
}

TEST_F(Api, NewExamsAreValidatedAndUnique) {
  std::ifstream in(g_source + "/examples/exams/P017-1.json");
  json doc = json::parse(in);
  doc["exam"]["id"] = "P017-2";
  doc["exam"]["date"] = "2022-03-01";
  doc["exam"]["timepoint"] = "follow-up";
  auto [s1, b1] = call("POST", "/api/exams", "reader", doc.dump());
  ASSERT_EQ(s1, 201) << b1;
  EXPECT_EQ(json::parse(b1)["id"], "P017-2");
  auto [s2, b2] = call("POST", "/api/exams", "reader", doc.dump());
  EXPECT_EQ(s2, 409) << b2;
  doc["exam"]["id"] = "P017-3";
  doc["exam"]["date"] = "2022-02-30";
  auto [s3, b3] = call("POST", "/api/exams", "reader", doc.dump());
  EXPECT_EQ(s3, 400) << b3;
  EXPECT_NE(b3.find("\"$.exam.date\""), std::string::npos) << b3;
  EXPECT_EQ(get_json("/api/patients/P017", "reader")["exams"].size(), 2u);
  // The instruments' baseline is the patient's latest earlier exam; the first exam has none.
  const std::string clinical = json{{"clinical", {{"pga", 2}, {"pain", 1}}}}.dump();
  auto [sf, bf] = call("POST", "/api/exams/P017-2/clinical-instruments", "reader", clinical);
  ASSERT_EQ(sf, 200) << bf;
  EXPECT_EQ(json::parse(bf)["baseline_exam_id"], "P017-1") << bf;
  auto [sb, bb] = call("POST", "/api/exams/P017-1/clinical-instruments", "reader", clinical);
  ASSERT_EQ(sb, 200) << bb;
  EXPECT_FALSE(json::parse(bb).contains("baseline_exam_id")) << bb;
}

TEST_F(Api, ResearchersSeePseudonymsOnly) {
  json list = get_json("/api/exams", "researcher");
  ASSERT_GE(list.size(), 3u);
  const std::string dump = list.dump();
  for (const char* id : {"P017", "P021", "P033", "2010-05-02"})
    EXPECT_EQ(dump.find(id), std::string::npos) << id << " in " << dump;
  std::string pseudo = list[0]["id"];
  EXPECT_EQ(pseudo.rfind("PX", 0), 0u) << pseudo;
  json exam = get_json("/api/exams/" + pseudo, "researcher");
  EXPECT_FALSE(exam["exam"]["patient"].contains("birth_date"));
  EXPECT_EQ(exam["exam"]["exam"]["id"], pseudo);
  // The same pseudonym every time, and the stored id does not work for a researcher.
  EXPECT_EQ(get_json("/api/exams", "researcher")[0]["id"], pseudo);
  EXPECT_EQ(call("GET", "/api/exams/P017-1", "researcher").first, 404);
  EXPECT_EQ(call("PUT", "/api/exams/" + pseudo + "/clinical", "researcher", "{}").first, 403);
  for (const std::string path : {"/api/patients", "/api/cohort", "/api/cohort/report"}) {
    auto [status, body] = call("GET", path, "researcher");
    EXPECT_EQ(status, 200) << path << body.substr(0, 300);
    for (const char* id : {"P017", "P021", "P033", "2010-05-02", "2021-03-14"})
      EXPECT_EQ(body.find(id), std::string::npos) << id << " in " << path;
  }
  // The cohort a researcher analyses is the same cohort: same totals.
  json a = get_json("/api/cohort", "admin"), r = get_json("/api/cohort", "researcher");
  EXPECT_EQ(a["description"], r["description"]);
  // An exam added after the researcher's first lookups is found by its pseudonym too
  // (the server's reverse map of pseudonyms takes in new exams).
  std::ifstream in(g_source + "/examples/exams/P017-1.json");
  json doc = json::parse(in);
  doc["exam"]["id"] = "P017-9";
  doc["exam"]["date"] = "2022-06-01";
  doc["exam"]["timepoint"] = "follow-up";
  ASSERT_EQ(call("POST", "/api/exams", "reader", doc.dump()).first, 201);
  std::string added;
  json after = get_json("/api/exams", "researcher");
  ASSERT_EQ(after.size(), list.size() + 1);
  std::set<std::string> before_ids;
  for (const auto& e : list) before_ids.insert(e["id"].get<std::string>());
  for (const auto& e : after)
    if (!before_ids.count(e["id"].get<std::string>())) added = e["id"];
  ASSERT_FALSE(added.empty());
  EXPECT_EQ(get_json("/api/exams/" + added, "researcher")["exam"]["exam"]["id"], added);
  EXPECT_EQ(call("GET", "/api/exams/PX-no-such-exam", "researcher").first, 404);
}

TEST_F(Api, AccountsSessionsAndExpiry) {
  auto [s1, b1] = call("POST", "/api/users", "admin",
                       json{{"name", "newreader"}, {"role", "reader"}, {"password", "long-enough"}}.dump());
  ASSERT_EQ(s1, 201) << b1;
  auto [s2, b2] = call("POST", "/api/users", "admin", json{{"name", "x y"}, {"role", "boss"}, {"password", "1"}}.dump());
  EXPECT_EQ(s2, 400);
  for (const char* f : {"$.name", "$.role", "$.password"}) EXPECT_NE(b2.find(f), std::string::npos) << b2;
  auto [s3, b3] = call("POST", "/api/login", "", json{{"name", "newreader"}, {"password", "wrong"}}.dump());
  EXPECT_EQ(s3, 401);
  auto [s4, b4] = call("POST", "/api/login", "", json{{"name", "newreader"}, {"password", "long-enough"}}.dump());
  ASSERT_EQ(s4, 200) << b4;
  const std::string token = json::parse(b4)["token"];
  auto c = client();
  auto me = c.Get("/api/me", {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(me);
  EXPECT_EQ(json::parse(me->body)["name"], "newreader");
  auto out = c.Post("/api/logout", {{"Authorization", "Bearer " + token}}, "", "application/json");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 200);
  auto after = c.Get("/api/me", {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401);

  // An expired session: one that lasted two seconds.
  std::string old;
  {
    auto store = crmo::store::Store::open(db);
    old = store->start_session("newreader", 2).token;
  }
  auto fresh = c.Get("/api/me", {{"Authorization", "Bearer " + old}});
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(3100));
  auto expired = c.Get("/api/me", {{"Authorization", "Bearer " + old}});
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->status, 401);
  // Passwords are stored as argon2id hashes, never as given.
  auto store = crmo::store::Store::open(db);
  auto user = store->find_user("newreader");
  ASSERT_TRUE(user);
  EXPECT_EQ(user->password_hash.rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(user->password_hash.find("long-enough"), std::string::npos);
}

TEST_F(Api, ServesThePageAndTheDrawing) {
  auto c = client();
  auto index = c.Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_NE(index->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(index->body.find("<html"), std::string::npos);
  auto missing = c.Get("/web/no-such-file.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  // Every file the page references from index.html is served.
  std::smatch m;
  std::string html = index->body;
  int referenced = 0;
  for (std::regex re("(?:src|href)=\"(/web/[^\"]+)\""); std::regex_search(html, m, re); html = m.suffix()) {
    auto f = c.Get(m[1].str().c_str());
    ASSERT_TRUE(f);
    EXPECT_EQ(f->status, 200) << m[1];
    ++referenced;
  }
  auto svg = c.Get("/api/drawing/skeleton.svg", auth("reader"));
  ASSERT_TRUE(svg);
  EXPECT_EQ(svg->status, 200);
  EXPECT_NE(svg->body.find("data-site=\"tibia.distal_metaphysis:L\""), std::string::npos);
  EXPECT_NE(svg->body.find("id=\"site-tibia.distal_metaphysis-L\""), std::string::npos);
  (void)referenced;
}

// Runs last (gtest keeps declaration order): the log after every request above.
TEST_F(Api, ZLogHoldsNoPatientIdentifiers) {
  const std::string text = slurp(log);
  EXPECT_NE(text.find("GET /api/exams/{id} 200"), std::string::npos) << text.substr(0, 2000);
  EXPECT_NE(text.find("PUT /api/exams/{id}/sites/{site} 409"), std::string::npos);
  for (const char* id : {"P017", "P021", "P033", "2010-05-02", "2021-03-14", "long-enough", "pw-reader-long"})
    EXPECT_EQ(text.find(id), std::string::npos) << id << " is in the server log";
  for (const auto& [role, token] : tokens) EXPECT_EQ(text.find(token), std::string::npos) << "a token is in the log";
}

}  // namespace
