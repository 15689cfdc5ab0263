// GET /api/exams keeps each exam's row between requests (server/worklist_cache.hpp).
// A stale row would show an old score, revision or graded-site count, so: after a
// sequence of writes through every writing route (a main-reading site graded and
// ungraded, clinical measures, a reader's reading, the main reader's own reading, a
// consensus, a new exam), with the worklist read between the writes by every view and
// from several threads at once, the worklist of the running server must equal, byte for
// byte and for each view (admin, reader, researcher), the worklist of a second server
// freshly started on the same database (its cache empty, every row scored afresh).
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <thread>

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

const char* kPassword = "worklist-test-password";
const char* kUsers[] = {"ada", "R1", "R2", "R3", "rex"};

using crmo::test::Answer;

class Client {
 public:
  explicit Client(int port) : port_(port) {
    for (const char* user : kUsers) {
      httplib::Client c("127.0.0.1", port_);
      auto r = c.Post("/api/login", json{{"name", user}, {"password", kPassword}}.dump(), "application/json");
      if (!r || r->status != 200) throw std::runtime_error(std::string("login failed for ") + user);
      tokens_[user] = json::parse(r->body)["token"];
    }
  }
  Answer call(const std::string& user, const std::string& method, const std::string& path, const json& body = nullptr) const {
    return crmo::test::json_call(port_, tokens_.at(user), method, path, body);
  }

 private:
  int port_;
  std::map<std::string, std::string> tokens_;
};

// The worklist as each view sees it (ada: admin, R1: reader, rex: researcher).
std::map<std::string, std::string> worklists(const Client& c) {
  std::map<std::string, std::string> out;
  for (const char* user : {"ada", "R1", "rex"}) {
    auto a = c.call(user, "GET", "/api/exams");
    EXPECT_EQ(a.status, 200) << user << ": " << a.text;
    out[user] = a.text;
  }
  return out;
}

json row_of(const Client& c, const std::string& id) {
  for (const auto& r : c.call("ada", "GET", "/api/exams").body)
    if (r["id"] == id) return r;
  return nullptr;
}

std::int64_t revision_of(const Client& c, const std::string& id) {
  return c.call("ada", "GET", "/api/exams/" + id).body["revision"].get<std::int64_t>();
}

TEST(WorklistCache, RowsAfterWritesEqualAFreshServersRows) {
  TempDir dir;
  const std::string db = (dir.path / "crmo.db").string();
  {
    auto store = crmo::store::Store::open(db);
    crmo::SchemeRegistry reg = crmo::SchemeRegistry::with_builtins();
    auto exams = crmo::load_exams(g_source + "/examples/exams", crmo::default_atlas(), reg.get("rai-cromris"));
    store->import_exams(exams, "test");
    for (const auto& e : exams)
      if (e.id == "P033-1") store->save_reading(e.id, "R1", e.lesions, 0, "test");
    store->create_user("ada", "admin", kPassword);
    for (const char* r : {"R1", "R2", "R3"}) store->create_user(r, "reader", kPassword);
    store->create_user("rex", "researcher", kPassword);
  }
  ServerProcess running;
  running.start(g_crmo, db, (dir.path / "running.log").string(), {"--threads", "4"});
  ASSERT_GT(running.wait_ready(), 0) << "the server did not start";
  Client c(running.port());
  const auto initial = worklists(c);  // every view's rows now cached

  // Readers in the background while the writes go on: rows cached at every moment.
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  struct Join {  // the readers end even when an assertion returns early
    std::atomic<bool>& stop;
    std::vector<std::thread>& threads;
    ~Join() {
      stop = true;
      for (auto& t : threads)
        if (t.joinable()) t.join();
    }
  } join{stop, readers};
  for (const char* user : {"ada", "R1", "rex"})
    readers.emplace_back([&, user] {
      while (!stop)
        if (c.call(user, "GET", "/api/exams").status != 200) ++failures;
    });

  const json before017 = row_of(c, "P017-1");
  // The main reading: one site graded, one ungraded (PUT/DELETE /api/exams/{id}/sites).
  auto put = c.call("R1", "PUT", "/api/exams/P017-1/sites/femur.diaphysis:R",
                    {{"revision", revision_of(c, "P017-1")}, {"signal", 2}, {"extent", 2}, {"soft_tissue", 1}});
  ASSERT_EQ(put.status, 200) << put.text;
  worklists(c);
  auto del = c.call("R1", "DELETE", "/api/exams/P017-1/sites/spine.t7:M?revision=" + std::to_string(revision_of(c, "P017-1")));
  ASSERT_EQ(del.status, 200) << del.text;
  worklists(c);
  // Clinical measures (the exam's revision, not its score).
  auto clin = c.call("ada", "PUT", "/api/exams/P021-1/clinical", {{"revision", revision_of(c, "P021-1")}, {"pga", 4}});
  ASSERT_EQ(clin.status, 200) << clin.text;
  worklists(c);
  // A second reader's reading (not the main one: its row must not move), then the main
  // reader's own reading through the readings route.
  auto r2 = c.call("R2", "PUT", "/api/exams/P021-1/readings/R2/sites/tibia.diaphysis:L",
                   {{"revision", 0}, {"signal", 2}, {"extent", 1}});
  ASSERT_EQ(r2.status, 200) << r2.text;
  worklists(c);
  const std::string main033 = row_of(c, "P033-1")["reader"];
  auto mine = c.call("ada", "GET", "/api/exams/P033-1/readings/" + main033);
  ASSERT_EQ(mine.status, 200) << mine.text;
  auto rm = c.call("ada", "PUT", "/api/exams/P033-1/readings/" + main033 + "/sites/ribs:L",
                   {{"revision", mine.body["revision"]}, {"signal", 1}, {"extent", 1}});
  ASSERT_EQ(rm.status, 200) << rm.text;
  worklists(c);
  // A consensus of R1 and the main reader (they now differ at ribs:L), decided and saved.
  std::vector<std::string> pair = {"R1", main033};
  auto cons = c.call("R3", "POST", "/api/exams/P033-1/consensus",
                     {{"readers", pair},
                      {"decisions", {{{"site", "ribs:L"}, {"choice", "b"}}}},
                      {"save", true},
                      {"revision", 0}});
  ASSERT_EQ(cons.status, 200) << cons.text;
  worklists(c);
  // A new exam (POST /api/exams): a copy of P017-1 under another id and date.
  json doc = c.call("ada", "GET", "/api/exams/P017-1").body["exam"];
  doc["exam"]["id"] = "P017-2";
  doc["exam"]["date"] = "2024-03-01";
  doc["exam"]["timepoint"] = "follow-up";
  auto post = c.call("ada", "POST", "/api/exams", doc);
  ASSERT_EQ(post.status, 201) << post.text;
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures, 0);

  // The writes did change the rows (else the comparison below proves nothing).
  const json after017 = row_of(c, "P017-1");
  EXPECT_NE(after017["rai_cromris"], before017["rai_cromris"]);
  EXPECT_NE(after017["revision"], before017["revision"]);
  EXPECT_FALSE(row_of(c, "P017-2").is_null());
  const auto now = worklists(c);
  for (const auto& [user, text] : now) EXPECT_NE(text, initial.at(user)) << user;

  ServerProcess fresh;
  fresh.start(g_crmo, db, (dir.path / "fresh.log").string());
  ASSERT_GT(fresh.wait_ready(), 0) << "the second server did not start";
  const auto expected = worklists(Client(fresh.port()));
  for (const auto& [user, text] : expected) EXPECT_EQ(now.at(user), text) << "the worklist " << user << " sees is stale";
  EXPECT_EQ(fresh.stop(SIGTERM), 0);
  EXPECT_EQ(running.stop(SIGTERM), 0);
}

}  // namespace
