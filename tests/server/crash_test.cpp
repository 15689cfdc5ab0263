// The crash test of issue 5 item 10: start `crmo serve`, send a stream of gradings from
// two writers (one exam each), kill the server with SIGKILL at a random moment, and
// check, with the server dead, that the SQLite file passes PRAGMA integrity_check and
// that every acknowledged write is there: the exam's revision is the last acknowledged
// one (or one more, when the write in flight at the kill was committed but not yet
// answered), every site holds what the acknowledged writes left in it, and every
// revision has exactly one audit record. Then restart and repeat.
//
// Usage: test_server_crash CRMO SOURCE_DIR [KILLS] [SECONDS] [SEED]
// Stops after KILLS kills or SECONDS seconds, whichever comes first, and fails when it
// reached fewer than KILLS (the CI run: 100 kills within 150 s).
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "formats/atlas_json.hpp"
#include "formats/exam_source.hpp"
#include "formats/scheme_json.hpp"
#include "server_process.hpp"
#include "store/store.hpp"

using json = nlohmann::json;

namespace {

// One site's grading as the model holds it (nullopt: not graded).
using Grades = std::optional<std::pair<int, int>>;  // signal, extent

struct Write {
  std::string site;
  Grades grades;  // nullopt: a DELETE
};

struct WriterState {
  std::string exam;
  std::int64_t acked_revision = 0;     // the last revision the server answered with
  std::map<std::string, Grades> model;  // sites this test writes, as acknowledged
  std::optional<Write> in_flight;       // sent, not answered
  std::int64_t in_flight_base = 0;      // the revision the in-flight write was based on
  long acked = 0;
};

const std::vector<std::string> kSites = {"femur.distal_metaphysis:L", "femur.distal_metaphysis:R",
                                         "tibia.proximal_metaphysis:L", "tibia.proximal_metaphysis:R",
                                         "humerus.proximal_metaphysis:L", "radius.distal_metaphysis:R",
                                         "ilium:L", "pubis:R", "fibula.distal_metaphysis:L"};

// Writes until a request gets no answer (the server died) or `stop` is set.
void writer(WriterState& w, int port, const std::string& token, std::uint64_t seed, const std::atomic<bool>& stop) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(2, 0);
  c.set_read_timeout(5, 0);
  httplib::Headers h = {{"Authorization", "Bearer " + token}};
  std::mt19937_64 rng(seed);
  // Learn the current revision first: the write in flight at the last kill may have landed.
  auto r = c.Get(("/api/exams/" + w.exam).c_str(), h);
  if (!r || r->status != 200) return;
  w.acked_revision = json::parse(r->body)["revision"];
  if (w.in_flight) {  // it landed (checked by verify()); the model follows the database
    auto doc = json::parse(r->body)["exam"]["lesions"];
    for (auto& [site, g] : w.model) {
      g.reset();
      for (const auto& l : doc)
        if (l["site"] == site) g = std::make_pair(l.value("signal", 0), l.value("extent", 0));
    }
    w.in_flight.reset();
  }
  while (!stop) {
    const std::string site = kSites[rng() % kSites.size()];
    Write wr{site, std::nullopt};
    bool del = w.model[site].has_value() && rng() % 5 == 0;
    if (!del) wr.grades = std::make_pair(1 + static_cast<int>(rng() % 2), 1 + static_cast<int>(rng() % 3));
    w.in_flight = wr;
    w.in_flight_base = w.acked_revision;
    const std::string path = "/api/exams/" + w.exam + "/sites/" + site;
    auto send = [&]() -> httplib::Result {
      if (del) return c.Delete((path + "?revision=" + std::to_string(w.acked_revision)).c_str(), h);
      json body{{"revision", w.acked_revision}, {"signal", wr.grades->first}, {"extent", wr.grades->second}};
      return c.Put(path.c_str(), h, body.dump(), "application/json");
    };
    auto res = send();
    if (!res) return;  // no answer: the server is gone; the write stays in flight
    if (res->status != 200) {
      std::cerr << "unexpected answer " << res->status << ": " << res->body << "\n";
      std::exit(1);
    }
    w.acked_revision = json::parse(res->body)["revision"];
    w.model[site] = wr.grades;
    w.in_flight.reset();
    ++w.acked;
  }
}

bool integrity_ok(const std::string& db, std::string& detail) {
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    detail = "cannot open";
    sqlite3_close(h);
    return false;
  }
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, nullptr);
  detail.clear();
  while (sqlite3_step(st) == SQLITE_ROW) detail += reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(h);
  return detail == "ok";
}

// Checks one writer's exam against the database (server dead). Empty: fine.
std::string verify(crmo::store::Store& store, const WriterState& w, std::int64_t initial_revision) {
  auto rec = store.find_exam(w.exam);
  if (!rec) return w.exam + " is gone";
  std::map<std::string, Grades> expect = w.model;
  if (rec->revision == w.acked_revision + 1 && w.in_flight && w.in_flight_base == w.acked_revision) {
    expect[w.in_flight->site] = w.in_flight->grades;  // committed, the answer lost
  } else if (rec->revision != w.acked_revision) {
    return w.exam + ": revision " + std::to_string(rec->revision) + " but the last acknowledged is " +
           std::to_string(w.acked_revision);
  }
  for (const auto& [site, g] : expect) {
    Grades stored;
    for (const auto& l : rec->exam.lesions)
      if (l.site == site) stored = std::make_pair(l.grade("signal"), l.grade("extent"));
    if (stored != g) return w.exam + ": " + site + " does not hold the acknowledged grading";
  }
  // One audit record per revision: every change is audited, none twice.
  std::size_t changes = 0;
  for (const auto& a : store.audit(w.exam, 1000000))
    if (a.action == "grade" || a.action == "ungrade") ++changes;
  if (static_cast<std::int64_t>(changes) != rec->revision - initial_revision)
    return w.exam + ": " + std::to_string(changes) + " audit records for " +
           std::to_string(rec->revision - initial_revision) + " revisions";
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: test_server_crash CRMO SOURCE_DIR [KILLS] [SECONDS] [SEED]\n";
    return 2;
  }
  const std::string crmo = argv[1], source = argv[2];
  const int kills_wanted = argc > 3 ? std::stoi(argv[3]) : 100;
  const int seconds = argc > 4 ? std::stoi(argv[4]) : 150;
  const std::uint64_t seed = argc > 5 ? std::stoull(argv[5]) : std::random_device{}();
  std::cout << "crash test: seed " << seed << " (rerun with it to repeat the kill times)\n";
  std::mt19937_64 rng(seed);

  crmo::test::TempDir dir;
  const std::string db = (dir.path / "crmo.db").string(), log = (dir.path / "server.log").string();
  std::string token;
  std::vector<WriterState> writers(2);
  writers[0].exam = "P017-1";
  writers[1].exam = "P033-1";
  std::map<std::string, std::int64_t> initial;
  {
    auto store = crmo::store::Store::open(db);
    crmo::SchemeRegistry reg = crmo::SchemeRegistry::with_builtins();
    store->import_exams(crmo::load_exams(source + "/examples/exams", crmo::default_atlas(), reg.get("rai-cromris")),
                        "test");
    store->create_user("crash", "reader", "crash-test-pw");
    // A session valid for the whole run: sessions live in the database, across restarts.
    token = store->start_session("crash", 3600).token;
    for (auto& w : writers) {
      auto rec = store->find_exam(w.exam);
      initial[w.exam] = w.acked_revision = rec->revision;
      for (const auto& s : kSites) {
        w.model[s].reset();
        for (const auto& l : rec->exam.lesions)
          if (l.site == s) w.model[s] = std::make_pair(l.grade("signal"), l.grade("extent"));
      }
    }
  }

  const auto start = std::chrono::steady_clock::now();
  int kills = 0, early = 0;
  long acked_total = 0;
  while (kills < kills_wanted && std::chrono::steady_clock::now() - start < std::chrono::seconds(seconds)) {
    crmo::test::ServerProcess server;
    server.start(crmo, db, log);
    if (kills % 10 == 9) {
      // Now and then a kill while the server starts (opening, migrating, binding).
      std::this_thread::sleep_for(std::chrono::microseconds(rng() % 20000));
      server.stop(SIGKILL);
      ++early;
    } else {
      int port = server.wait_ready();
      if (port == 0) {
        std::cerr << "the server did not start after " << kills << " kills; log:\n";
        std::system(("tail -20 " + log).c_str());
        return 1;
      }
      std::atomic<bool> stop{false};
      std::vector<std::thread> threads;
      for (std::size_t i = 0; i < writers.size(); ++i)
        threads.emplace_back(writer, std::ref(writers[i]), port, token, rng(), std::cref(stop));
      std::this_thread::sleep_for(std::chrono::microseconds(5000 + rng() % 150000));
      server.stop(SIGKILL);
      stop = true;
      for (auto& t : threads) t.join();
    }
    ++kills;
    std::string detail;
    if (!integrity_ok(db, detail)) {
      std::cerr << "FAIL after kill " << kills << ": PRAGMA integrity_check: " << detail << "\n";
      return 1;
    }
    auto store = crmo::store::Store::open(db);
    for (const auto& w : writers) {
      std::string problem = verify(*store, w, initial[w.exam]);
      if (!problem.empty()) {
        std::cerr << "FAIL after kill " << kills << ": " << problem << "\n";
        return 1;
      }
    }
  }
  for (const auto& w : writers) acked_total += w.acked;
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "crash test: " << kills << " SIGKILLs (" << early << " during start-up), " << acked_total
            << " acknowledged writes, all present; integrity_check ok after every kill; " << secs << " s\n";
  if (kills < kills_wanted) {
    std::cerr << "FAIL: only " << kills << " kills in " << seconds << " s (wanted " << kills_wanted << ")\n";
    return 1;
  }
  if (acked_total == 0) {
    std::cerr << "FAIL: no write was acknowledged: the test tested nothing\n";
    return 1;
  }
  return 0;
}
