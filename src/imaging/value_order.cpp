#include "imaging/value_order.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace crmo::imaging {

namespace {
// Signed and unsigned 16-bit stored values both fit; wider ranges are rare enough to sort.
constexpr float kMinCounted = -65536.0f, kMaxCounted = 131071.0f;
constexpr std::size_t kMaxBins = 1u << 17;
}  // namespace

ValueOrder::ValueOrder(const std::vector<float>& values) : values_(values) {
  if (values.empty()) return;
  float lo = values[0], hi = values[0];
  bool whole = true;
  for (float x : values) {
    // NaN fails the range test; a fraction fails the round trip through int.
    if (!(x >= kMinCounted && x <= kMaxCounted) || static_cast<float>(static_cast<std::int32_t>(x)) != x) {
      whole = false;
      break;
    }
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  if (!whole || static_cast<std::size_t>(hi - lo) >= kMaxBins) return;
  base_ = static_cast<std::int32_t>(lo);
  counts_.assign(static_cast<std::size_t>(hi - lo) + 1, 0);
  for (float x : values) ++counts_[static_cast<std::size_t>(static_cast<std::int32_t>(x) - base_)];
  counted_ = true;
}

std::size_t ValueOrder::first_bin_above(double floor) const {
  // The smallest whole value > floor is floor(floor) + 1.
  const double first = std::floor(floor) + 1.0 - static_cast<double>(base_);
  if (first <= 0) return 0;
  return first >= static_cast<double>(counts_.size()) ? counts_.size() : static_cast<std::size_t>(first);
}

std::size_t ValueOrder::count_above(double floor) const {
  if (std::isnan(floor)) return 0;  // nothing is > NaN
  if (!counted_) {
    std::size_t n = 0;
    for (float x : values_) n += x > floor ? 1 : 0;
    return n;
  }
  std::size_t n = 0;
  for (std::size_t i = first_bin_above(floor); i < counts_.size(); ++i) n += counts_[i];
  return n;
}

float ValueOrder::kth_above(double floor, std::size_t k) const {
  if (!counted_) {
    std::vector<float> above;
    above.reserve(values_.size() / 2);
    for (float x : values_)
      if (x > floor) above.push_back(x);
    if (k >= above.size()) throw std::out_of_range("ValueOrder::kth_above: k beyond the values above the floor");
    std::nth_element(above.begin(), above.begin() + static_cast<std::ptrdiff_t>(k), above.end());
    return above[k];
  }
  std::size_t seen = 0;
  if (!std::isnan(floor))
    for (std::size_t i = first_bin_above(floor); i < counts_.size(); ++i) {
      seen += counts_[i];
      if (seen > k) return static_cast<float>(base_ + static_cast<std::int32_t>(i));
    }
  throw std::out_of_range("ValueOrder::kth_above: k beyond the values above the floor");
}

}  // namespace crmo::imaging
