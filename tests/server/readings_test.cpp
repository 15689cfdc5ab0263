// Readings over the API (issue 7 items 4 and 6): each reader's own reading, 403 on
// another reader's, 409 on a stale revision, consensus with its disagreements,
// calibration's reveal rule, and blinded mode (a second server, `crmo serve --blinded`,
// on a copy of the database). Real server processes on free loopback ports, stopped by
// PID. Expected unit scores are computed here from spec/scoring.md's CROMRIS rule
// (signal + extent + max(soft tissue, periosteal) + expansion, or collapse for a
// vertebra), and totals from examples/exams/README.md.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "crmo_paths.hpp"
#include "formats/atlas_json.hpp"
#include "formats/exam_source.hpp"
#include "formats/scheme_json.hpp"
#include "json_call.hpp"
#include "server_process.hpp"
#include "store/store.hpp"

using json = nlohmann::json;
using crmo::test::ServerProcess;
using crmo::test::TempDir;

namespace {

const char* kPassword = "readers-test-password";

using crmo::test::Answer;

class Readings : public ::testing::Test {
 protected:
  static inline TempDir* dir = nullptr;
  static inline ServerProcess *open_server = nullptr, *blind_server = nullptr;
  static inline std::map<std::string, std::string> tokens;  // "server/user" -> token

  static void SetUpTestSuite() {
    dir = new TempDir();
    const std::string db = (dir->path / "crmo.db").string(), blind_db = (dir->path / "blind.db").string();
    {
      auto store = crmo::store::Store::open(db);
      crmo::SchemeRegistry reg = crmo::SchemeRegistry::with_builtins();
      auto exams = crmo::load_exams(g_source + "/examples/exams", crmo::default_atlas(), reg.get("rai-cromris"));
      store->import_exams(exams, "test");
      // P033-1 (R2's, total 19) read the same by R1 and reconciled: the reference exam.
      for (const auto& e : exams)
        if (e.id == "P033-1") {
          store->save_reading(e.id, "R1", e.lesions, 0, "test");
          store->save_consensus(e.id, "consensus", e.lesions, {"R2", "R1"}, 0, "test");
        }
      store->create_user("ada", "admin", kPassword);
      for (const char* r : {"R1", "R2", "R3"}) store->create_user(r, "reader", kPassword);
      store->create_user("rex", "researcher", kPassword);
    }
    std::filesystem::copy_file(db, blind_db);
    open_server = new ServerProcess();
    open_server->start(g_crmo, db, (dir->path / "open.log").string());
    blind_server = new ServerProcess();
    blind_server->start(g_crmo, blind_db, (dir->path / "blind.log").string(), {"--blinded"});
    ASSERT_GT(open_server->wait_ready(), 0) << "the server did not start";
    ASSERT_GT(blind_server->wait_ready(), 0) << "the blinded server did not start";
    for (auto* server : {open_server, blind_server})
      for (const char* user : {"ada", "R1", "R2", "R3", "rex"}) {
        httplib::Client c("127.0.0.1", server->port());
        auto r = c.Post("/api/login", json{{"name", user}, {"password", kPassword}}.dump(), "application/json");
        ASSERT_TRUE(r && r->status == 200) << user;
        tokens[key(server, user)] = json::parse(r->body)["token"];
      }
  }
  static void TearDownTestSuite() {
    for (auto* s : {open_server, blind_server}) {
      if (s) {
        EXPECT_EQ(s->stop(SIGTERM), 0) << "the server should stop cleanly";
      }
    }
    delete open_server;
    delete blind_server;
    delete dir;
  }
  static std::string key(ServerProcess* s, const std::string& user) {
    return (s == blind_server ? "blind/" : "open/") + user;
  }

  static Answer call(ServerProcess* server, const std::string& user, const std::string& method, const std::string& path,
                     const json& body = nullptr) {
    return crmo::test::json_call(server->port(), tokens.at(key(server, user)), method, path, body);
  }
  static Answer open(const std::string& user, const std::string& method, const std::string& path, const json& body = nullptr) {
    return call(open_server, user, method, path, body);
  }
  static Answer blind(const std::string& user, const std::string& method, const std::string& path, const json& body = nullptr) {
    return call(blind_server, user, method, path, body);
  }
};

// spec/scoring.md: the CROMRIS unit score.
int cromris(const json& g, bool vertebra) {
  auto v = [&](const char* k) { return g.contains(k) ? g[k].get<int>() : 0; };
  if (v("signal") < 1) return 0;
  return v("signal") + v("extent") + std::max(v("soft_tissue"), v("periosteal")) + (vertebra ? v("collapse") : v("expansion"));
}

TEST_F(Readings, ListsTheReadingsOfAnExam) {
  auto a = open("R3", "GET", "/api/exams/P033-1/readings");
  ASSERT_EQ(a.status, 200) << a.text;
  ASSERT_EQ(a.body.size(), 3u) << a.text;
  EXPECT_EQ(a.body[0]["reader"], "R2");  // the main reading first
  EXPECT_TRUE(a.body[0]["main"].get<bool>());
  EXPECT_EQ(a.body[0]["rai_cromris"], 19);  // examples/exams/README.md
  std::map<std::string, json> by;
  for (const auto& r : a.body) by[r["reader"]] = r;
  EXPECT_EQ(by["consensus"]["kind"], "consensus");
  EXPECT_EQ(by["consensus"]["sources"], json::array({"R2", "R1"}));
  EXPECT_EQ(by["R1"]["kind"], "reading");
  EXPECT_EQ(by["R1"]["graded_sites"], 5);
  EXPECT_EQ(open("R3", "GET", "/api/exams/NOPE-1/readings").status, 404);
  auto one = open("R3", "GET", "/api/exams/P033-1/readings/R1");
  ASSERT_EQ(one.status, 200) << one.text;
  EXPECT_EQ(one.body["exam"]["exam"]["reader"], "R1");
  EXPECT_EQ(one.body["score"]["rai_total"], 19);
  EXPECT_EQ(open("R3", "GET", "/api/exams/P033-1/readings/R3").status, 404);  // none yet
}

TEST_F(Readings, EachReaderEditsTheirOwnReading) {
  const std::string base = "/api/exams/P021-1";
  auto before = open("ada", "GET", base);
  ASSERT_EQ(before.status, 200);
  const json g = {{"signal", 2}, {"extent", 1}, {"soft_tissue", 1}};
  json first = g;
  first["revision"] = 0;
  auto put = open("R2", "PUT", base + "/readings/R2/sites/tibia.diaphysis:L", first);
  ASSERT_EQ(put.status, 200) << put.text;
  EXPECT_EQ(put.body["revision"], 1);
  EXPECT_EQ(put.body["score"]["rai_total"], cromris(g, false));  // 2 + 1 + 1 = 4
  // Grades under "grades" too, as the exam's own route takes them.
  auto put2 = open("R2", "PUT", base + "/readings/R2/sites/spine.l1:M",
                   {{"revision", 1}, {"grades", {{"signal", 1}, {"extent", 1}, {"collapse", 1}}}});
  ASSERT_EQ(put2.status, 200) << put2.text;
  EXPECT_EQ(put2.body["score"]["rai_total"], 4 + 3);
  auto site = open("R1", "GET", base + "/readings/R2/sites/tibia.diaphysis:L");
  ASSERT_EQ(site.status, 200) << site.text;
  EXPECT_EQ(site.body["grading"]["signal"], 2);
  EXPECT_EQ(site.body["revision"], 2);
  EXPECT_TRUE(open("R1", "GET", base + "/readings/R2/sites/femur.diaphysis:L").body["grading"].is_null());
  // The exam's main reading (R1's, normal) and revision did not move.
  auto after = open("ada", "GET", base);
  EXPECT_EQ(after.body["revision"], before.body["revision"]);
  EXPECT_EQ(after.body["exam"]["lesions"].size(), 0u);
  // A stale revision: 409 with the current one; nothing written.
  auto stale = open("R2", "PUT", base + "/readings/R2/sites/ribs:L", {{"revision", 1}, {"signal", 1}});
  EXPECT_EQ(stale.status, 409) << stale.text;
  EXPECT_EQ(stale.body["revision"], 2);
  EXPECT_EQ(open("R2", "DELETE", base + "/readings/R2/sites/spine.l1:M?revision=1").status, 409);
  // Bad input: the same message and place as the exam's route; nothing written.
  auto bad = open("R2", "PUT", base + "/readings/R2/sites/ribs:L", {{"revision", 2}, {"signal", 7}});
  EXPECT_EQ(bad.status, 400) << bad.text;
  EXPECT_EQ(bad.body["problems"][0]["field"], "$.signal") << bad.text;
  EXPECT_EQ(open("R2", "PUT", base + "/readings/R2/sites/ribs:L", {{"signal", 1}}).status, 400);  // no revision
  EXPECT_EQ(open("R2", "PUT", base + "/readings/R2/sites/nosuch:L", {{"revision", 2}, {"signal", 1}}).status, 400);
  // Ungrade: revision 3, the site gone.
  auto del = open("R2", "DELETE", base + "/readings/R2/sites/spine.l1:M?revision=2");
  ASSERT_EQ(del.status, 200) << del.text;
  EXPECT_EQ(del.body["revision"], 3);
  EXPECT_EQ(del.body["score"]["rai_total"], 4);
  EXPECT_EQ(open("R2", "DELETE", base + "/readings/R2/sites/spine.l1:M?revision=3").status, 404);
  // Another reader's reading: 403 for a reader, allowed for an admin; researchers write nothing.
  auto other = open("R3", "PUT", base + "/readings/R2/sites/ribs:L", {{"revision", 3}, {"signal", 1}});
  EXPECT_EQ(other.status, 403) << other.text;
  EXPECT_EQ(open("R3", "DELETE", base + "/readings/R2/sites/tibia.diaphysis:L?revision=3").status, 403);
  EXPECT_EQ(open("rex", "PUT", base + "/readings/rex/sites/ribs:L", {{"revision", 0}, {"signal", 1}}).status, 403);
  auto admin = open("ada", "PUT", base + "/readings/R2/sites/ribs:L", {{"revision", 3}, {"signal", 1}, {"extent", 1}});
  EXPECT_EQ(admin.status, 200) << admin.text;
  EXPECT_EQ(admin.body["score"]["rai_total"], 4 + 2);
  // The readings list has R1's (main) and R2's; the audit names who changed R2's.
  auto list = open("R1", "GET", base + "/readings");
  ASSERT_EQ(list.body.size(), 2u) << list.text;
  EXPECT_EQ(list.body[1]["reader"], "R2");
  EXPECT_EQ(list.body[1]["updated_by"], "ada");
  // Researchers read readings by the exam's pseudonym only.
  EXPECT_EQ(open("rex", "GET", base + "/readings").status, 404);
}

TEST_F(Readings, ConsensusListsTheDisagreementsAndSavesOnceDecided) {
  const std::string base = "/api/exams/P017-1";
  // R2 reads P017-1 as R1 did, except spine.t7:M (extent 1, not 2) and a new femur.diaphysis:R.
  auto r1 = open("R2", "GET", base + "/readings/R1");
  ASSERT_EQ(r1.status, 200) << r1.text;
  int rev = 0;
  for (json l : r1.body["exam"]["lesions"]) {
    const std::string site = l["site"];
    l.erase("site");
    if (site == "spine.t7:M") l["extent"] = 1;
    l["revision"] = rev;
    auto p = open("R2", "PUT", base + "/readings/R2/sites/" + site, l);
    ASSERT_EQ(p.status, 200) << p.text;
    rev = p.body["revision"];
  }
  ASSERT_EQ(open("R2", "PUT", base + "/readings/R2/sites/femur.diaphysis:R", {{"revision", rev}, {"signal", 1}, {"extent", 1}})
                .status,
            200);
  auto c = open("R3", "POST", base + "/consensus", {{"readers", {"R1", "R2"}}});
  ASSERT_EQ(c.status, 200) << c.text;
  EXPECT_FALSE(c.body["complete"].get<bool>());
  EXPECT_EQ(c.body["sites_agreed"], 2);
  EXPECT_EQ(c.body["sites_pending"], 2);
  std::map<std::string, json> d;
  for (const auto& x : c.body["disagreements"]) d[x["site"]] = x;
  ASSERT_EQ(d.size(), 2u) << c.text;
  EXPECT_EQ(d["spine.t7:M"]["a_score"], 4);  // 1 + 2 + 0 + collapse 1
  EXPECT_EQ(d["spine.t7:M"]["b_score"], 3);
  EXPECT_EQ(d["spine.t7:M"]["fields"][0]["field"], "extent");
  EXPECT_TRUE(d["femur.diaphysis:R"]["a"].is_null());
  EXPECT_EQ(d["femur.diaphysis:R"]["b_score"], 2);
  EXPECT_EQ(c.body["consensus_revision"], 0);
  EXPECT_FALSE(c.body["saved"].get<bool>());
  // Saving with something pending: 400, nothing written.
  auto early = open("R3", "POST", base + "/consensus", {{"readers", {"R1", "R2"}}, {"save", true}, {"revision", 0}});
  EXPECT_EQ(early.status, 400) << early.text;
  EXPECT_EQ(open("R3", "GET", base + "/readings/consensus").status, 404);
  // A decision for a site the readers agree on is an error; a bad choice names its place.
  auto agreed = open("R3", "POST", base + "/consensus",
                     {{"readers", {"R1", "R2"}}, {"decisions", {{{"site", "spine.t7:M"}, {"choice", "b"}},
                                                                {{"site", "tibia.distal_metaphysis:L"}, {"choice", "a"}}}}});
  EXPECT_EQ(agreed.status, 400) << agreed.text;
  auto badchoice = open("R3", "POST", base + "/consensus",
                        {{"readers", {"R1", "R2"}}, {"decisions", {{{"site", "spine.t7:M"}, {"choice", "c"}}}}});
  EXPECT_EQ(badchoice.status, 400);
  EXPECT_EQ(badchoice.body["problems"][0]["field"], "$.decisions[0].choice") << badchoice.text;
  // Decided: spine.t7:M as B, femur.diaphysis:R normal; total 6 + 2 + 3 = 11.
  const json decided = {{"readers", {"R1", "R2"}},
                        {"decisions", {{{"site", "spine.t7:M"}, {"choice", "b"}}, {{"site", "femur.diaphysis:R"}, {"choice", "normal"}}}},
                        {"save", true},
                        {"revision", 0}};
  EXPECT_EQ(open("rex", "POST", base + "/consensus", decided).status, 403);
  auto saved = open("R3", "POST", base + "/consensus", decided);
  ASSERT_EQ(saved.status, 200) << saved.text;
  EXPECT_TRUE(saved.body["saved"].get<bool>());
  EXPECT_TRUE(saved.body["complete"].get<bool>());
  EXPECT_EQ(saved.body["consensus_revision"], 1);
  EXPECT_EQ(saved.body["score"]["rai_total"], 11);
  auto stored = open("R1", "GET", base + "/readings/consensus");
  ASSERT_EQ(stored.status, 200);
  EXPECT_EQ(stored.body["kind"], "consensus");
  EXPECT_EQ(stored.body["sources"], json::array({"R1", "R2"}));
  EXPECT_EQ(stored.body["rai_cromris"], 11);
  // Saving again on the old revision: 409.
  EXPECT_EQ(open("R3", "POST", base + "/consensus", decided).status, 409);
}

TEST_F(Readings, CalibrationRevealsTheConsensusOfSavedSitesOnly) {
  auto list = open("R3", "GET", "/api/calibration");
  ASSERT_EQ(list.status, 200) << list.text;
  bool found = false;
  for (const auto& e : list.body)
    if (e["id"] == "P033-1") {
      found = true;
      EXPECT_EQ(e["reference"], "consensus");
      EXPECT_EQ(e["graded_sites"], 0);
    }
  EXPECT_TRUE(found) << list.text;
  for (const auto& e : list.body) EXPECT_NE(e["id"], "P021-1");  // no consensus there
  EXPECT_EQ(open("rex", "GET", "/api/calibration").status, 403);
  EXPECT_EQ(open("R3", "GET", "/api/calibration/P021-1").status, 404);
  auto start = open("R3", "GET", "/api/calibration/P033-1");
  ASSERT_EQ(start.status, 200) << start.text;
  EXPECT_EQ(start.body["sites"].size(), 0u);
  EXPECT_FALSE(start.body.contains("reference_total"));
  EXPECT_EQ(start.text.find("femur"), std::string::npos) << "nothing of the reference before grading";
  // R3 grades femur.distal_metaphysis:L as the consensus (2, 2, periosteal 1: unit 5).
  auto p = open("R3", "PUT", "/api/exams/P033-1/readings/R3/sites/femur.distal_metaphysis:L",
                {{"revision", 0}, {"signal", 2}, {"extent", 2}, {"periosteal", 1}});
  ASSERT_EQ(p.status, 200) << p.text;
  auto one = open("R3", "GET", "/api/calibration/P033-1");
  ASSERT_EQ(one.body["sites"].size(), 1u) << one.text;
  EXPECT_EQ(one.body["sites"][0]["site"], "femur.distal_metaphysis:L");
  EXPECT_EQ(one.body["sites"][0]["reference"]["extent"], 2);
  EXPECT_EQ(one.body["sites"][0]["reference_score"], 5);
  EXPECT_EQ(one.body["sites"][0]["your_score"], 5);
  EXPECT_TRUE(one.body["sites"][0]["agree"].get<bool>());
  EXPECT_EQ(one.text.find("femur.distal_metaphysis:R"), std::string::npos) << "the other side stays hidden";
  EXPECT_EQ(one.text.find("clavicle"), std::string::npos);
  // Finish: every other site saved as normal; all revealed, the reference total 19.
  EXPECT_EQ(open("R3", "POST", "/api/calibration/P033-1/finish", {{"revision", 0}}).status, 409);
  auto fin = open("R3", "POST", "/api/calibration/P033-1/finish", {{"revision", 1}});
  ASSERT_EQ(fin.status, 200) << fin.text;
  EXPECT_TRUE(fin.body["finished"].get<bool>());
  EXPECT_EQ(fin.body["reference_total"], 19);
  EXPECT_EQ(fin.body["sites_compared"], 124);  // spec/atlas.md: 124 unit-sides
  int agree = 0;
  for (const auto& s : fin.body["sites"]) agree += s["agree"].get<bool>();
  // Agrees on femur.distal_metaphysis:L and on the 119 sites normal in both; not on the 4 others.
  EXPECT_EQ(agree, 124 - 4);
  EXPECT_EQ(fin.body["sites_agreeing"], agree);
}

TEST_F(Readings, BlindedReadersSeeOnlyTheirOwnReading) {
  auto me = blind("R3", "GET", "/api/me");
  EXPECT_TRUE(me.body["blinded"].get<bool>()) << me.text;
  EXPECT_FALSE(blind("ada", "GET", "/api/me").body["blinded"].get<bool>());
  EXPECT_FALSE(open("R3", "GET", "/api/me").body["blinded"].get<bool>());
  // The worklist: every exam, nothing of anyone else's reading.
  auto wl = blind("R3", "GET", "/api/exams");
  ASSERT_EQ(wl.status, 200) << wl.text;
  EXPECT_EQ(wl.body.size(), 3u);
  for (const auto& row : wl.body) {
    EXPECT_EQ(row["reader"], "R3");
    EXPECT_EQ(row["graded_sites"], 0);
    EXPECT_EQ(row["rai_cromris"], 0);
  }
  for (const char* other : {"\"R1\"", "\"R2\"", "consensus"}) EXPECT_EQ(wl.text.find(other), std::string::npos) << other;
  auto ex = blind("R3", "GET", "/api/exams/P017-1");
  ASSERT_EQ(ex.status, 200) << ex.text;
  EXPECT_EQ(ex.body["exam"]["lesions"].size(), 0u);
  EXPECT_EQ(ex.body["score"]["rai_total"], 0);
  EXPECT_FALSE(ex.body["exam"].contains("clinical") && ex.body["exam"]["clinical"].contains("pga")) << ex.text;
  EXPECT_EQ(ex.text.find("\"R1\""), std::string::npos) << "no other reader named";
  // Other readings, prior exams, analyses, the main reading: closed.
  EXPECT_EQ(blind("R3", "GET", "/api/exams/P033-1/readings").body.size(), 0u);
  EXPECT_EQ(blind("R3", "GET", "/api/exams/P033-1/readings/R1").status, 403);
  EXPECT_EQ(blind("R3", "GET", "/api/exams/P033-1/readings/consensus/sites/pubis:L").status, 403);
  for (const char* path : {"/api/patients", "/api/patients/P017", "/api/cohort", "/api/cohort/report",
                           "/api/exams/P017-1/clinical-instruments", "/api/calibration", "/api/calibration/P033-1",
                           "/api/agreement", "/api/compare?from=P017-1&to=P021-1"})
    EXPECT_EQ(blind("R3", "GET", path).status, 403) << path;
  EXPECT_EQ(blind("R3", "PUT", "/api/exams/P017-1/sites/ribs:L", {{"revision", 1}, {"signal", 1}}).status, 403);
  EXPECT_EQ(blind("R3", "PUT", "/api/exams/P017-1/clinical", {{"revision", 1}, {"pga", 1}}).status, 403);
  EXPECT_EQ(blind("R3", "POST", "/api/exams/P033-1/consensus", {{"readers", {"R1", "R2"}}}).status, 403);
  EXPECT_EQ(blind("R3", "PUT", "/api/exams/P017-1/readings/R1/sites/ribs:L", {{"revision", 1}, {"signal", 1}}).status, 403);
  // Their own reading works as usual, and is what they see of the exam.
  auto put = blind("R3", "PUT", "/api/exams/P017-1/readings/R3/sites/ribs:L", {{"revision", 0}, {"signal", 1}, {"extent", 2}});
  ASSERT_EQ(put.status, 200) << put.text;
  auto mine = blind("R3", "GET", "/api/exams/P017-1");
  ASSERT_EQ(mine.body["exam"]["lesions"].size(), 1u);
  EXPECT_EQ(mine.body["reading_revision"], 1);
  EXPECT_EQ(mine.body["score"]["rai_total"], 3);
  EXPECT_EQ(blind("R3", "GET", "/api/exams/P017-1/score").body["rai_total"], 3);
  auto rows = blind("R3", "GET", "/api/exams/P017-1/readings");
  ASSERT_EQ(rows.body.size(), 1u);
  EXPECT_EQ(rows.body[0]["reader"], "R3");
  // The OpenAPI document says which routes blinded readers get.
  auto doc = blind("R3", "GET", "/api/openapi.json");
  EXPECT_EQ(doc.body["paths"]["/api/patients"]["get"]["x-blinded-readers"], "403");
  EXPECT_EQ(doc.body["paths"]["/api/exams/{id}/readings"]["get"]["x-blinded-readers"], "own readings only");
  // Admins and researchers are not blinded.
  EXPECT_EQ(blind("ada", "GET", "/api/exams/P017-1").body["exam"]["lesions"].size(), 3u);
  EXPECT_EQ(blind("ada", "GET", "/api/patients/P017").status, 200);
  EXPECT_EQ(blind("rex", "GET", "/api/cohort").status, 200);
}

}  // namespace
