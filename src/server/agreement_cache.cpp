#include "server/agreement_cache.hpp"

namespace crmo::server {

readers::AgreementReport AgreementCache::get(const std::string& version, const std::string& options,
                                             const std::function<readers::AgreementReport()>& make) {
  std::lock_guard lock(mutex_);
  if (version != version_) {
    by_options_.clear();
    version_ = version;
  }
  if (auto it = by_options_.find(options); it != by_options_.end()) return it->second;
  readers::AgreementReport report = make();
  by_options_.emplace(options, report);
  return report;
}

}  // namespace crmo::server
