#pragma once
// Exact far-tail p-values of Spearman's S for any n, by counting only the permutations
// in the tail. R's AS 89 Edgeworth approximation is worst exactly there (it gives p = 0
// for near-perfect agreement), and there the tail holds few permutations: a depth-first
// enumeration, pruned by the least possible cost of placing the remaining ranks, visits
// little more than the tail itself. A step budget bounds the work; beyond it the count
// is not attempted (nullopt) and the caller keeps R's method.
#include <cstdint>
#include <optional>

namespace crmo::stats {

inline constexpr std::uint64_t spearman_tail_budget = 1'000'000;  // steps: ~10 ms at most

// Number of permutations p of 1..n with S = sum (i - p(i))^2 <= s, or nullopt when
// counting them would take more than `budget` steps.
std::optional<std::uint64_t> spearman_tail_count(int n, long long s, std::uint64_t budget = spearman_tail_budget);

// Exact P[S <= s] (lower) or P[S >= s] (upper) without ties, from the count of the smaller
// side of the distribution (it is symmetric about (n^3 - n) / 6); nullopt when too costly.
std::optional<double> spearman_exact_tail_p(int n, double s, bool lower,
                                            std::uint64_t budget = spearman_tail_budget);

}  // namespace crmo::stats
