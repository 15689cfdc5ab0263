#pragma once
// One authenticated JSON request to a test server, for the server tests that drive the
// API as several users: the status, the raw text and the parsed body (discarded JSON when
// the reply is not JSON; status -1 when there was no reply at all).
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

namespace crmo::test {

struct Answer {
  int status = -1;
  nlohmann::json body;
  std::string text;
};

inline Answer json_call(int port, const std::string& token, const std::string& method, const std::string& path,
                        const nlohmann::json& body = nullptr) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(30, 0);
  httplib::Headers h = {{"Authorization", "Bearer " + token}};
  const std::string text = body.is_null() ? "" : body.dump();
  httplib::Result r = method == "POST"     ? c.Post(path.c_str(), h, text, "application/json")
                      : method == "PUT"    ? c.Put(path.c_str(), h, text, "application/json")
                      : method == "DELETE" ? c.Delete(path.c_str(), h)
                                           : c.Get(path.c_str(), h);
  Answer a;
  if (!r) return a;
  a.status = r->status;
  a.text = r->body;
  a.body = nlohmann::json::parse(r->body, nullptr, false);
  return a;
}

}  // namespace crmo::test
