#include "core/stats/spearman_tail.hpp"

#include <cmath>
#include <limits>
#include <vector>

namespace crmo::stats {
namespace {

// Places ranks at positions k, k+1, ..., n in turn. `left` holds the unplaced ranks in
// increasing order; the cheapest way to place them is in that order (squared distance
// is convex), so a branch is cut when even that would exceed s.
class TailCounter {
 public:
  TailCounter(int n, long long s, std::uint64_t budget)
      : s_(s), budget_(budget), before_(static_cast<std::size_t>(n) + 1), after_(static_cast<std::size_t>(n) + 2) {
    for (int v = 1; v <= n; ++v) left_.push_back(v);
  }

  bool run() {
    visit(1, 0);
    return !over_;
  }
  std::uint64_t count() const { return count_; }

 private:
  void visit(int k, long long partial) {
    const std::size_t m = left_.size();
    if (m == 0) {
      ++count_;
      return;
    }
    steps_ += m;
    if (steps_ > budget_) {
      over_ = true;
      return;
    }
    // Taking left_[j] for position k leaves positions k+1.. for the others, matched in
    // order: ranks before j move one position on, ranks after j keep theirs.
    // before[j] = sum_{i<j} (k + 1 + i - left_i)^2, after[j] = sum_{i>=j} (k + i - left_i)^2.
    // The candidates are listed before the descent (children reuse the buffers), on a
    // stack shared by all depths.
    for (std::size_t i = 0; i < m; ++i) {
      const long long d = k + 1 + static_cast<long long>(i) - left_[i];
      before_[i + 1] = before_[i] + d * d;
    }
    after_[m] = 0;
    for (std::size_t i = m; i-- > 0;) {
      const long long d = k + static_cast<long long>(i) - left_[i];
      after_[i] = after_[i + 1] + d * d;
    }
    const std::size_t first = stack_.size();
    for (std::size_t j = 0; j < m; ++j) {
      const long long v = left_[j];
      if (partial + (k - v) * (k - v) + before_[j] + after_[j + 1] <= s_) stack_.push_back(j);
    }
    const std::size_t last = stack_.size();
    for (std::size_t c = first; c < last && !over_; ++c) {
      const std::size_t j = stack_[c];
      const int v = left_[j];
      left_.erase(left_.begin() + static_cast<std::ptrdiff_t>(j));
      visit(k + 1, partial + static_cast<long long>(k - v) * (k - v));
      left_.insert(left_.begin() + static_cast<std::ptrdiff_t>(j), v);
    }
    stack_.resize(first);
  }

  long long s_;
  std::uint64_t budget_, steps_ = 0, count_ = 0;
  bool over_ = false;
  std::vector<int> left_;
  std::vector<long long> before_, after_;  // before_[0] stays 0
  std::vector<std::size_t> stack_;
};

// log of a lower bound on the number of permutations with S <= s: those made of k
// disjoint swaps of neighbours (S = 2k) number C(n - k, k). Lets hopeless cases be
// refused at once instead of after `budget` steps.
double log_count_at_least(int n, long long s) {
  double total = 0;
  for (long long k = 0; k <= s / 2 && 2 * k <= n; ++k) {
    const double nk = static_cast<double>(n - k), kk = static_cast<double>(k);
    total += std::exp(std::lgamma(nk + 1) - std::lgamma(kk + 1) - std::lgamma(nk - kk + 1));
    if (!std::isfinite(total) || total > 1e300) return INFINITY;
  }
  return std::log(total);
}

}  // namespace

std::optional<std::uint64_t> spearman_tail_count(int n, long long s, std::uint64_t budget) {
  if (n < 1 || s < 0) return n < 1 ? std::nullopt : std::optional<std::uint64_t>(0);
  if (log_count_at_least(n, s) > std::log(static_cast<double>(budget))) return std::nullopt;
  TailCounter counter(n, s, budget);
  if (!counter.run()) return std::nullopt;
  return counter.count();
}

std::optional<double> spearman_exact_tail_p(int n, double s, bool lower, std::uint64_t budget) {
  if (n < 2) return std::nullopt;
  const long long smax = (static_cast<long long>(n) * n * n - n) / 3;
  const long long mid = smax / 2;
  // S is even without ties; round s inward to the values S can take.
  const long long si = lower ? static_cast<long long>(std::floor(s + 1e-7)) : static_cast<long long>(std::ceil(s - 1e-7));
  // The smaller side: lower tail P[S <= si] directly when si is below the middle,
  // otherwise through the mirror S' = smax - S.
  long long small;       // count S <= small ...
  bool complement;       // ... and the wanted p is 1 - that share
  if (lower) {
    complement = si > mid;
    small = complement ? smax - si - 1 : si;  // P[S <= si] = 1 - P[S' <= smax - si - 1]
  } else {
    complement = si <= mid;
    small = complement ? si - 1 : smax - si;  // P[S >= si] = 1 - P[S <= si - 1]
  }
  const auto count = spearman_tail_count(n, small, budget);
  if (!count) return std::nullopt;
  const long double log_share = *count == 0 ? -INFINITY
                                            : std::log(static_cast<long double>(*count)) - std::lgamma(static_cast<long double>(n) + 1);
  const double share = static_cast<double>(std::exp(log_share));
  return complement ? 1.0 - share : share;
}

}  // namespace crmo::stats
