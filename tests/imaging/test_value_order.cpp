// ValueOrder (the display windows' order statistics) against a plain nth_element over
// the values above the floor, on random pictures: stored 16-bit values (the counting
// path), signed values, fractions, NaN and wide ranges (the sorting path).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "imaging/projection.hpp"
#include "imaging/value_order.hpp"

using crmo::imaging::ValueOrder;

namespace {

// The reference: copy the values above the floor, partial sort, pick the k-th.
float reference_kth(const std::vector<float>& v, double floor, std::size_t k) {
  std::vector<float> a;
  for (float x : v)
    if (x > floor) a.push_back(x);
  std::nth_element(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(k), a.end());
  return a[k];
}

std::size_t reference_count(const std::vector<float>& v, double floor) {
  return static_cast<std::size_t>(std::count_if(v.begin(), v.end(), [&](float x) { return x > floor; }));
}

void expect_same_as_sorting(const std::vector<float>& v, const std::vector<double>& floors) {
  const ValueOrder order(v);
  for (double f : floors) {
    const std::size_t n = reference_count(v, f);
    ASSERT_EQ(order.count_above(f), n) << "floor " << f;
    if (n == 0) continue;
    for (std::size_t k : {std::size_t{0}, n / 4, n / 2, static_cast<std::size_t>(0.995 * (n - 1)), n - 1})
      EXPECT_EQ(order.kth_above(f, k), reference_kth(v, f, k)) << "floor " << f << " k " << k;
  }
}

}  // namespace

TEST(ValueOrder, Unsigned16BitValuesAreCountedAndMatchSorting) {
  std::mt19937 rng(7);
  std::vector<float> v(200000);
  // Mostly background zeros and a body around 300 with a bright tail, as on STIR.
  std::uniform_int_distribution<int> body(0, 600), tail(600, 65535), pick(0, 9);
  for (float& x : v) {
    const int p = pick(rng);
    x = p < 4 ? 0.0f : static_cast<float>(p == 9 ? tail(rng) : body(rng));
  }
  ValueOrder order(v);
  EXPECT_TRUE(order.counted());
  expect_same_as_sorting(v, {0, 59.7, 60, 299.5, 65534, 65535, -1});
}

TEST(ValueOrder, SignedValuesAreCountedAndMatchSorting) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> d(-32768, 32767);
  std::vector<float> v(50000);
  for (float& x : v) x = static_cast<float>(d(rng));
  EXPECT_TRUE(ValueOrder(v).counted());
  expect_same_as_sorting(v, {-40000, -32768, -0.5, 0, 100.25, 32766});
}

TEST(ValueOrder, FractionsNanAndWideRangesFallBackToSorting) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> d(0.0f, 1000.0f);
  std::vector<float> frac(20000);
  for (float& x : frac) x = d(rng);
  EXPECT_FALSE(ValueOrder(frac).counted());
  expect_same_as_sorting(frac, {0, 500, 999.9});

  std::vector<float> with_nan = {3, 1, std::numeric_limits<float>::quiet_NaN(), 2, 5};
  EXPECT_FALSE(ValueOrder(with_nan).counted());
  expect_same_as_sorting(with_nan, {0, 2});

  std::vector<float> wide = {0, 1, 2, 200000, 5, 7};
  EXPECT_FALSE(ValueOrder(wide).counted());
  expect_same_as_sorting(wide, {0, 3});
}

TEST(ValueOrder, BeyondTheValuesThrowsAndNanFloorCountsNothing) {
  const std::vector<float> v = {0, 4, 4, 9};
  const ValueOrder order(v);
  EXPECT_EQ(order.count_above(0), 3u);
  EXPECT_EQ(order.kth_above(0, 2), 9.0f);
  EXPECT_THROW(order.kth_above(0, 3), std::out_of_range);
  EXPECT_THROW(order.kth_above(9, 0), std::out_of_range);
  EXPECT_EQ(order.count_above(std::nan("")), 0u);
}

TEST(ValueOrder, AutoWindowIsThePercentileOfTheNonzeroPixels) {
  crmo::imaging::Picture p;
  p.width = 100;
  p.height = 2;
  p.values.assign(200, 0.0f);
  for (int i = 0; i < 100; ++i) p.values[static_cast<std::size_t>(i)] = static_cast<float>(i + 1);  // 1..100
  double lo, hi;
  crmo::imaging::auto_window(p, lo, hi, 99.5);
  // 100 nonzero values, index floor(0.995 * 99) = 98 of 1..100 is 99.
  EXPECT_EQ(lo, 0);
  EXPECT_EQ(hi, 99);
  crmo::imaging::auto_window(p, lo, hi, 50);  // index floor(0.5 * 99) = 49: the value 50
  EXPECT_EQ(hi, 50);
}
