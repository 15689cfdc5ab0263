#pragma once
// Order statistics of a picture's values, for the display windows (a percentile of the
// body's pixels, the median of the soft tissue): the k-th smallest value above a floor.
// Pictures hold the stored 16-bit DICOM values (slope 1) almost always: then one counting
// pass answers every query in O(pixels + value range), where nth_element needed a copy
// and a partial sort per query. Any other values (fractional, wider range, NaN) take the
// nth_element path. Both give the same answers.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace crmo::imaging {

class ValueOrder {
 public:
  // Keeps a reference to `values`: they must outlive this object.
  explicit ValueOrder(const std::vector<float>& values);
  // How many values are > floor.
  std::size_t count_above(double floor) const;
  // The k-th smallest (0-based) of the values > floor; requires k < count_above(floor).
  float kth_above(double floor, std::size_t k) const;
  // True when the values were counted (whole numbers within 17 bits' range).
  bool counted() const { return counted_; }

 private:
  std::size_t first_bin_above(double floor) const;
  const std::vector<float>& values_;
  bool counted_ = false;
  std::int32_t base_ = 0;               // the value of counts_[0]
  std::vector<std::uint32_t> counts_;   // counts_[i]: how many values equal base_ + i
};

}  // namespace crmo::imaging
