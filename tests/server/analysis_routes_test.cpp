// GET /api/compare, /api/agreement and /api/agreement/bland-altman.svg against the
// command line: a real `crmo serve` on the demo cohort (two timepoints, a second reader
// on a third of the exams), and `crmo compare` / `crmo agreement` run on `crmo export`
// of the same database, so the store's round trip is part of what is checked. The
// change categories are also recomputed here from the two exams' unit scores by
// spec/scoring.md's rules, independently of crmo's followup code.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "crmo_paths.hpp"
#include "json_call.hpp"
#include "server_process.hpp"
#include "store/store.hpp"

using json = nlohmann::json;
using crmo::test::ServerProcess;
using crmo::test::TempDir;

namespace {


// Runs a command; returns its exit status and standard output.
std::pair<int, std::string> run(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return {-1, ""};
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Analysis : public ::testing::Test {
 protected:
  static inline TempDir* dir = nullptr;
  static inline ServerProcess* server = nullptr;
  static inline std::string db, log, exported;
  static inline std::map<std::string, std::string> tokens;  // role -> token

  static void SetUpTestSuite() {
    dir = new TempDir();
    db = (dir->path / "crmo.db").string();
    log = (dir->path / "server.log").string();
    exported = (dir->path / "export").string();
    auto [st, out] = run(g_crmo + " import " + g_source + "/examples/demo-cohort --db " + db + " 2>&1");
    ASSERT_EQ(st, 0) << out;
    {
      auto store = crmo::store::Store::open(db);
      for (const char* role : {"admin", "reader", "researcher"})
        store->create_user(std::string("u") + role, role, "pw-" + std::string(role) + "-long");
    }
    std::tie(st, out) = run(g_crmo + " export " + exported + " --db " + db + " 2>&1");
    ASSERT_EQ(st, 0) << out;
    server = new ServerProcess();
    server->start(g_crmo, db, log);
    ASSERT_GT(server->wait_ready(), 0) << "server did not start; log: " << slurp(log);
    for (const char* role : {"admin", "reader", "researcher"}) {
      auto r = client().Post("/api/login",
                             json{{"name", std::string("u") + role}, {"password", std::string("pw-") + role + "-long"}}.dump(),
                             "application/json");
      ASSERT_TRUE(r) << "no answer to login";
      ASSERT_EQ(r->status, 200) << r->body;
      tokens[role] = json::parse(r->body)["token"];
    }
  }
  static void TearDownTestSuite() {
    if (server) {
      EXPECT_EQ(server->stop(SIGTERM), 0) << "the server should stop cleanly on SIGTERM";
    }
    delete server;
    delete dir;
  }

  static httplib::Client client() {
    httplib::Client c("127.0.0.1", server->port());
    c.set_read_timeout(60, 0);
    return c;
  }
  struct Answer {
    int status = -1;
    std::string body, content_type;
  };
  static Answer get(const std::string& path, const std::string& role) {
    httplib::Headers h;
    if (!role.empty()) h.emplace("Authorization", "Bearer " + tokens.at(role));
    auto r = client().Get(path.c_str(), h);
    if (!r) return {};
    return {r->status, r->body, r->get_header_value("Content-Type")};
  }
  static json get_json(const std::string& path, const std::string& role) {
    Answer a = get(path, role);
    EXPECT_EQ(a.status, 200) << path << ": " << a.body;
    return a.status == 200 ? json::parse(a.body) : json();
  }
  static json cli_json(const std::string& args) {
    auto [st, out] = run(g_crmo + " " + args + " --json");
    EXPECT_EQ(st, 0) << "crmo " << args << ": " << out;
    return st == 0 ? json::parse(out) : json();
  }
};

// Patients with two exams: patient -> exam ids by date (the worklist, stored ids).
std::map<std::string, std::vector<std::string>> followed_patients(const json& worklist) {
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> by;
  for (const auto& row : worklist) by[row["patient_id"]].push_back({row["date"], row["id"]});
  std::map<std::string, std::vector<std::string>> out;
  for (auto& [p, list] : by) {
    if (list.size() < 2) continue;
    std::sort(list.begin(), list.end());
    for (auto& e : list) out[p].push_back(e.second);
  }
  return out;
}

TEST_F(Analysis, CompareEqualsTheCommandOnTheExportedReadings) {
  auto pairs = followed_patients(get_json("/api/exams", "reader"));
  ASSERT_GE(pairs.size(), 20u) << "the demo cohort follows most patients";
  int checked = 0, changed_sites = 0;
  for (const auto& [patient, ids] : pairs) {
    if (checked++ % 4) continue;  // every fourth patient: enough, and quick
    const std::string a = ids[0], b = ids[1];
    json api = get_json("/api/compare?from=" + a + "&to=" + b, "reader");
    // Each exam's main reading is ID.json in the export (docs/store.md).
    json cli = cli_json("compare " + exported + "/" + a + ".json " + exported + "/" + b + ".json");
    EXPECT_EQ(api, cli) << patient;
    EXPECT_EQ(api["from"], a);
    EXPECT_EQ(api["to"], b);
    changed_sites += static_cast<int>(api["sites"].size());
    // Given in the wrong order, compared in date order, as the command does.
    EXPECT_EQ(get_json("/api/compare?from=" + b + "&to=" + a, "reader"), api) << patient;
  }
  EXPECT_GT(changed_sites, 10);
}

// The change categories from the two exams' unit scores (GET /api/exams/{id}), by
// spec/scoring.md: new, resolved, improved, worsened, stable; totals as sums.
TEST_F(Analysis, CompareAgreesWithTheRulesOfScoringMd) {
  auto pairs = followed_patients(get_json("/api/exams", "admin"));
  std::map<std::string, int> seen;
  int patients = 0;
  for (const auto& [patient, ids] : pairs) {
    if (++patients > 25) break;
    json ea = get_json("/api/exams/" + ids[0], "admin"), eb = get_json("/api/exams/" + ids[1], "admin");
    std::map<std::string, int> sa, sb;
    for (const auto& s : ea["score"]["sites"])
      if (s["score"].get<int>() > 0) sa[s["site"]] = s["score"];
    for (const auto& s : eb["score"]["sites"])
      if (s["score"].get<int>() > 0) sb[s["site"]] = s["score"];
    std::map<std::string, std::string> want;
    for (const auto& [site, v] : sa)
      want[site] = !sb.count(site) ? "resolved" : sb[site] < v ? "improved" : sb[site] > v ? "worsened" : "stable";
    for (const auto& [site, v] : sb)
      if (!sa.count(site)) want[site] = "new";
    json c = get_json("/api/compare?from=" + ids[0] + "&to=" + ids[1], "admin");
    std::map<std::string, std::string> got;
    for (const auto& s : c["sites"]) {
      got[s["site"]] = s["change"];
      ++seen[s["change"]];
      if (sa.count(s["site"])) {
        EXPECT_EQ(s["from_score"], sa[s["site"]]);
      }
      if (sb.count(s["site"])) {
        EXPECT_EQ(s["to_score"], sb[s["site"]]);
      }
    }
    EXPECT_EQ(got, want) << patient;
    EXPECT_EQ(c["rai_from"], ea["score"]["rai_total"]);
    EXPECT_EQ(c["rai_change"].get<int>(), eb["score"]["rai_total"].get<int>() - ea["score"]["rai_total"].get<int>());
    EXPECT_EQ(c["lesion_count_change"].get<int>(),
              eb["score"]["parameters"]["lesion_count"].get<int>() - ea["score"]["parameters"]["lesion_count"].get<int>());
  }
  for (const char* cat : {"new", "resolved", "improved", "worsened"}) EXPECT_GT(seen[cat], 0) << cat;
}

TEST_F(Analysis, CompareOfOneReadersReadings) {
  // P017: both exams read by R1 and by R2 (examples/demo-cohort/exams.csv).
  json api = get_json("/api/compare?from=P017-1&to=P017-2&reader=R2", "reader");
  json cli = cli_json("compare " + exported + " --from P017-1 --to P017-2 --reader R2");
  EXPECT_EQ(api, cli);
  Answer none = get("/api/compare?from=P001-1&to=P001-2&reader=R9", "reader");
  EXPECT_EQ(none.status, 404) << none.body;
  EXPECT_NE(none.body.find("R9"), std::string::npos);
}

TEST_F(Analysis, CompareRefusesBadRequests) {
  Answer a = get("/api/compare?to=P001-2", "reader");
  EXPECT_EQ(a.status, 400);
  json j = json::parse(a.body);
  ASSERT_EQ(j["problems"].size(), 1u) << a.body;
  EXPECT_EQ(j["problems"][0]["field"], "from");
  a = get("/api/compare", "reader");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(json::parse(a.body)["problems"].size(), 2u) << a.body;
  a = get("/api/compare?from=P001-1&to=NOPE-9", "reader");
  EXPECT_EQ(a.status, 404);
  EXPECT_NE(a.body.find("NOPE-9"), std::string::npos);
  a = get("/api/compare?from=P001-1&to=P002-1", "reader");  // two patients
  EXPECT_EQ(a.status, 400) << a.body;
  EXPECT_EQ(json::parse(a.body)["problems"][0]["field"], "to");
  EXPECT_EQ(get("/api/compare?from=P001-1&to=P001-2", "").status, 401);
}

TEST_F(Analysis, ResearchersCompareByPseudonym) {
  json mine = get_json("/api/exams", "admin"), theirs = get_json("/api/exams", "researcher");
  ASSERT_EQ(mine.size(), theirs.size());
  std::map<std::string, json> pseudonym;  // same import order: stored id -> researcher's row
  for (std::size_t i = 0; i < mine.size(); ++i) pseudonym[mine[i]["id"]] = theirs[i];
  std::set<std::string> real_dates;
  for (const auto& r : mine)
    if (r["patient_id"] == "P001") real_dates.insert(r["date"]);
  const std::string from = pseudonym["P001-1"]["id"], to = pseudonym["P001-2"]["id"];
  json real = get_json("/api/compare?from=P001-1&to=P001-2", "admin");
  Answer a = get("/api/compare?from=" + from + "&to=" + to, "researcher");
  ASSERT_EQ(a.status, 200) << a.body;
  json ps = json::parse(a.body);
  EXPECT_EQ(ps["from"], from);
  EXPECT_EQ(ps["to"], to);
  EXPECT_EQ(ps["patient_id"], pseudonym["P001-1"]["patient_id"]);
  EXPECT_EQ(ps["from_date"], pseudonym["P001-1"]["date"]);  // shifted as everywhere
  EXPECT_NE(ps["from_date"], real["from_date"]);
  for (const char* same : {"days", "sites", "rai_change", "lesion_count_change", "pedcno", "new_sites"})
    EXPECT_EQ(ps[same], real[same]) << same;
  EXPECT_EQ(a.body.find("P001"), std::string::npos) << "the real patient id in a researcher's reply";
  for (const auto& d : real_dates) EXPECT_EQ(a.body.find(d), std::string::npos) << "a real date in a researcher's reply";
  EXPECT_EQ(get("/api/compare?from=P001-1&to=P001-2", "researcher").status, 404) << "stored ids are not theirs";
}

TEST_F(Analysis, AgreementEqualsTheCommandOnTheExportedReadings) {
  json api = get_json("/api/agreement", "reader");
  json cli = cli_json("agreement " + exported);
  EXPECT_EQ(api, cli);
  EXPECT_EQ(api["readers"], json({"R1", "R2"}));
  EXPECT_GE(api["exams"].get<int>(), 30);
  EXPECT_FALSE(api["categories"].empty());
  EXPECT_TRUE(api["cohen"][0]["cohen_abnormal"]["kappa"].is_number());
  // With the command's options.
  EXPECT_EQ(get_json("/api/agreement?readers=R2,R1&item=extent", "admin"),
            cli_json("agreement " + exported + " --readers R2,R1 --item extent"));
}

TEST_F(Analysis, AgreementRefusesBadOptions) {
  Answer a = get("/api/agreement?item=colour", "reader");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(json::parse(a.body)["problems"][0]["field"], "item");
  a = get("/api/agreement?readers=R1,R9", "reader");
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(a.body.find("R9"), std::string::npos);
  EXPECT_EQ(get("/api/agreement", "").status, 401);
  EXPECT_EQ(get("/api/agreement/bland-altman.svg", "").status, 401);
}

TEST_F(Analysis, ResearchersSeeTheSameAgreementUnderPseudonyms) {
  json real = get_json("/api/agreement", "admin");
  Answer a = get("/api/agreement", "researcher");
  ASSERT_EQ(a.status, 200);
  json ps = json::parse(a.body);
  for (const char* same : {"readers", "exams", "categories", "fleiss", "cohen", "icc", "bland_altman"})
    EXPECT_EQ(ps[same], real[same]) << same;
  ASSERT_EQ(ps["exam_ids"].size(), real["exam_ids"].size());
  for (const auto& id : real["exam_ids"])
    EXPECT_EQ(a.body.find("\"" + id.get<std::string>() + "\""), std::string::npos) << "stored id " << id;
  for (const auto& id : ps["exam_ids"]) EXPECT_EQ(id.get<std::string>().rfind("PX", 0), 0u) << id;
}

TEST_F(Analysis, BlandAltmanIsTheReportsPlot) {
  auto [st, out] = run(g_crmo + " agreement " + exported + " --out " + (dir->path / "agreement").string() + " 2>&1");
  ASSERT_EQ(st, 0) << out;
  const std::string file = slurp(dir->path / "agreement" / "bland-altman-R1-R2.svg");
  ASSERT_FALSE(file.empty());
  for (const char* role : {"admin", "reader", "researcher"}) {
    Answer a = get("/api/agreement/bland-altman.svg", role);
    EXPECT_EQ(a.status, 200) << role << ": " << a.body;
    EXPECT_EQ(a.content_type, "image/svg+xml");
    EXPECT_EQ(a.body, file) << role;
  }
  Answer named = get("/api/agreement/bland-altman.svg?reader_a=R1&reader_b=R2", "reader");
  EXPECT_EQ(named.body, file);
  Answer none = get("/api/agreement/bland-altman.svg?reader_a=R2&reader_b=R7", "reader");
  EXPECT_EQ(none.status, 404) << none.body;
  EXPECT_NE(none.body.find("R1/R2"), std::string::npos) << "the message lists the pairs";
}

// Last of the suite: it changes a reading. The server keeps the agreement report between
// requests (server/agreement_cache.hpp); after a write it must answer for the new readings.
TEST_F(Analysis, AgreementFollowsAWriteToAReading) {
  const json before = get_json("/api/agreement", "reader");
  const std::string exam = before["exam_ids"][0];
  using crmo::test::json_call;
  auto list = json_call(server->port(), tokens.at("admin"), "GET", "/api/exams/" + exam + "/readings");
  ASSERT_EQ(list.status, 200) << list.text;
  std::int64_t revision = -1;
  ASSERT_TRUE(list.body.is_array()) << list.text;
  for (const auto& r : list.body)
    if (r.value("reader", "") == "R2") revision = r["revision"];
  ASSERT_GE(revision, 0) << list.text;
  auto put = json_call(server->port(), tokens.at("admin"), "PUT", "/api/exams/" + exam + "/readings/R2/sites/skull:M",
                       {{"revision", revision}, {"signal", 2}, {"extent", 1}, {"soft_tissue", 1}});
  ASSERT_EQ(put.status, 200) << put.text;
  const json after = get_json("/api/agreement", "reader");
  EXPECT_NE(after, before) << "the reply did not follow the write";
  const std::string again = (dir->path / "export-after-write").string();
  auto [st, out] = run(g_crmo + " export " + again + " --db " + db + " 2>&1");
  ASSERT_EQ(st, 0) << out;
  EXPECT_EQ(after, cli_json("agreement " + again));
  EXPECT_EQ(get_json("/api/agreement?readers=R2,R1&item=extent", "admin"),
            cli_json("agreement " + again + " --readers R2,R1 --item extent"));
}

TEST(AnalysisSingleReader, AgreementIs404WithoutASecondReader) {
  TempDir dir;
  const std::string db = (dir.path / "one.db").string(), log = (dir.path / "server.log").string();
  auto [st, out] = run(g_crmo + " import " + g_source + "/examples/exams --db " + db + " 2>&1");
  ASSERT_EQ(st, 0) << out;
  std::string token;
  {
    auto store = crmo::store::Store::open(db);
    store->create_user("ann", "reader", "pw-reader-long-1");
  }
  ServerProcess server;
  server.start(g_crmo, db, log);
  ASSERT_GT(server.wait_ready(), 0);
  httplib::Client c("127.0.0.1", server.port());
  auto login = c.Post("/api/login", R"({"name":"ann","password":"pw-reader-long-1"})", "application/json");
  ASSERT_TRUE(login);
  token = json::parse(login->body)["token"];
  auto r = c.Get("/api/agreement", {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(json::parse(r->body)["error"].get<std::string>().find("second reader"), std::string::npos) << r->body;
  EXPECT_EQ(server.stop(SIGTERM), 0);
}

}  // namespace
