#pragma once
// GET /api/agreement and its Bland-Altman plot without loading every reading and
// recomputing the report on every request (a large cohort's report takes seconds): the
// report is kept under the store's readings_version(), which changes whenever any
// reading does, and the request's view and options. Shared by the server's threads.
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "core/readers/agreement.hpp"

namespace crmo::server {

class AgreementCache {
 public:
  // The report for `options` (the caller's view and the query) at `version`, made by
  // `make` when not kept for this version. A report `make` fails to make is not kept.
  readers::AgreementReport get(const std::string& version, const std::string& options,
                               const std::function<readers::AgreementReport()>& make);

 private:
  std::mutex mutex_;  // held while a report is made: concurrent requests wait for it
  std::string version_;
  std::map<std::string, readers::AgreementReport> by_options_;
};

}  // namespace crmo::server
