#include "server/server.hpp"

#include <csignal>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>

#include "server/api.hpp"
#include "server/auth.hpp"
#include "server/readings.hpp"
#include "server/static_files.hpp"
#include "store/store.hpp"

namespace crmo::server {

namespace {

class Dispatcher {
 public:
  Dispatcher(Services& s, std::ostream& log) : services_(s), routes_(api_routes(s)), log_(log) {}

  void api(const httplib::Request& req, httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    std::string pattern = "(no such endpoint)", user = "-";
    Reply reply;
    Call call;
    try {
      const Route* route = nullptr;
      std::vector<std::string> allowed;
      for (const Route& r : routes_) {
        std::map<std::string, std::string> params;
        if (!match_path(r.path, req.path, params)) continue;
        pattern = r.path;
        if (r.method == req.method) {
          route = &r;
          call.params = std::move(params);
          break;
        }
        allowed.push_back(r.method);
      }
      if (!route && allowed.empty())
        throw HttpError(404, "no API endpoint " + req.method + " " + req.path + " (GET /api/openapi.json lists them)");
      if (!route) {
        std::string list;
        for (const auto& m : allowed) list += (list.empty() ? "" : ", ") + m;
        reply = json_reply(error_json(req.method + " is not allowed here; allowed: " + list), 405);
        reply.headers.push_back({"Allow", list});
      } else {
        call.method = req.method;
        call.path = req.path;
        call.body = req.body;
        for (const auto& [k, v] : req.params) call.query.emplace(k, v);
        if (req.has_header("Authorization")) call.authorization = req.get_header_value("Authorization");
        if (route->roles != kPublic) {
          call.caller = authenticate_caller(call);
          user = call.caller.name;
          if (!(route->roles & role_bit(call.caller.role))) {
            std::string roles;
            for (const auto& n : role_names(route->roles)) roles += (roles.empty() ? "" : " or ") + n;
            throw HttpError(403, "this needs the role " + roles + "; " + call.caller.name + " is " + call.caller.role);
          }
          if (blinded_reader(services_, call.caller) && !open_to_blinded_readers(*route))
            throw HttpError(403, "blinded reading (crmo serve --blinded): readers see only their own readings, "
                                 "not this (" + route->method + " " + route->path + ")");
        }
        reply = route->handler(call);
      }
    } catch (const HttpError& e) {
      reply = json_reply(error_json(e.what(), e.problems), e.status);
      if (e.status == 401) reply.headers.push_back({"WWW-Authenticate", "Bearer"});
    } catch (const store::ConflictError& e) {
      Json j = error_json(e.what());
      j["revision"] = e.current;
      reply = json_reply(j, 409);
    } catch (const store::NotFoundError& e) {
      reply = json_reply(error_json(e.what()), 404);
    } catch (const InputError& e) {
      std::vector<InputProblem> problems = e.problems();
      const std::string prefix = "request body: ";
      for (auto& p : problems)
        if (p.place.rfind(prefix, 0) == 0) p.place = p.place.substr(prefix.size());
      reply = json_reply(error_json(fmt::format("bad input ({} {}); nothing was written", problems.size(),
                                                problems.size() == 1 ? "problem" : "problems"),
                                    problems),
                         400);
    } catch (const std::exception& e) {
      reply = json_reply(error_json(std::string("internal error: ") + e.what()), 500);
      log_line(fmt::format("error in {} {}: {}", req.method, pattern, scrub(e.what(), call)));
    }
    res.status = reply.status;
    for (const auto& [k, v] : reply.headers) res.set_header(k, v);
    res.set_header("Cache-Control", "no-store");
    res.set_content(reply.body, reply.content_type);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    log_line(fmt::format("{} {} {} {:.1f}ms user={}", req.method, pattern, reply.status, ms, user));
  }

  void web(const std::string& file, const httplib::Request& req, httplib::Response& res) {
    auto f = web_file(file);
    if (!f) {
      res.status = 404;
      res.set_content("not found\n", "text/plain");
    } else {
      res.set_content(std::string(f->bytes), f->content_type);
      res.set_header("Cache-Control", "no-cache");
    }
    res.set_header("X-Content-Type-Options", "nosniff");
    log_line(fmt::format("{} /web/{} {}", req.method, f ? file : "(unknown file)", res.status));
  }

  void log_line(const std::string& line) {
    std::lock_guard lock(log_mutex_);
    log_ << store::utc_now_iso() << " " << line << std::endl;
  }

 private:
  Caller authenticate_caller(Call& call) { return authenticate(services_, call); }
  // An error message without the identifiers of the request (they may name patients).
  static std::string scrub(std::string text, const Call& call) {
    for (const auto& [name, value] : call.params) {
      if (value.empty()) continue;
      for (auto p = text.find(value); p != std::string::npos; p = text.find(value, p))
        text.replace(p, value.size(), "{" + name + "}");
    }
    return text;
  }

  Services& services_;
  std::vector<Route> routes_;
  std::ostream& log_;
  std::mutex log_mutex_;
};

}  // namespace

namespace {

void write_port_file(const std::string& path, int port) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << port << "\n";
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path);
}
}  // namespace

int serve(const ServeOptions& o, std::ostream& log) {
  // Signals go to one waiting thread, which stops the server cleanly.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto store = store::Store::open(o.db);
  Settings settings;
  settings.session_seconds = o.session_hours * 3600;
  settings.pacs_url = o.pacs_url;
  settings.pacs_user = o.pacs_user;
  settings.pacs_password = o.pacs_password;
  settings.images_dir = o.images;
  settings.blinded = o.blinded;
  Services services(*store, settings);
  Dispatcher dispatcher(services, log);

  httplib::Server http;
  const int threads = o.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  http.set_keep_alive_max_count(1000);
  http.set_tcp_nodelay(true);  // else small answers wait ~40 ms for delayed ACKs (Nagle)
  http.set_payload_max_length(16 * 1024 * 1024);
  auto api = [&](const httplib::Request& req, httplib::Response& res) { dispatcher.api(req, res); };
  for (const char* pattern : {"/api", "/api/.*"}) {
    http.Get(pattern, api);
    http.Post(pattern, api);
    http.Put(pattern, api);
    http.Delete(pattern, api);
    http.Patch(pattern, api);
  }
  http.Get("/", [&](const httplib::Request& req, httplib::Response& res) { dispatcher.web("index.html", req, res); });
  http.Get("/web/(.+)", [&](const httplib::Request& req, httplib::Response& res) {
    dispatcher.web(req.matches[1].str(), req, res);
  });
  http.Get("/favicon.ico", [&](const httplib::Request& req, httplib::Response& res) {
    dispatcher.web("favicon.ico", req, res);
  });
  http.set_error_handler([&](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    res.set_content(error_json(fmt::format("nothing here ({}): the page is at /, the API under /api/", res.status)).dump(),
                    "application/json");
    if (req.path.rfind("/api", 0) != 0 && req.path.rfind("/web/", 0) != 0)
      dispatcher.log_line(fmt::format("{} (not found) {}", req.method, res.status));
  });

  int port = o.port;
  if (port == 0) {
    port = http.bind_to_any_port(o.bind);
    if (port < 0) throw std::runtime_error("cannot listen on " + o.bind);
  } else if (!http.bind_to_port(o.bind, port)) {
    throw std::runtime_error(fmt::format("cannot listen on {}:{} (is another server using the port?)", o.bind, port));
  }
  if (!o.port_file.empty()) write_port_file(o.port_file, port);
  log << fmt::format("crmo: serving http://{}:{}/ (database {}, schema {}{}); stop with Ctrl-C", o.bind, port,
                     store->location(), store->schema_version(), o.blinded ? ", blinded reading" : "")
      << std::endl;

  if (!o.pacs_url.empty())
    log << fmt::format("crmo: PACS {}{}; studies pulled from it go to {}", o.pacs_url,
                       o.pacs_user.empty() ? "" : " (basic authentication)", o.images)
        << std::endl;
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    http.stop();
  });
  bool ok = http.listen_after_bind();
  if (waiter.joinable()) {
    // listen ended by itself (an error): wake the waiting thread.
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
  }
  log << "crmo: server stopped" << std::endl;
  return ok ? 0 : 1;
}

}  // namespace crmo::server
