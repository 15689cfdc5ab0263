#!/usr/bin/env bash
# crmo's statistics against R on the same cohorts, in one run:
#   bash bench/stats_vs_r.sh            (from the repository root)
# SIZES="54 1000" to choose cohort sizes; R_MAX_ROWS caps the sizes R is run on
# (default: all); BUILD sets the build folder (default build-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build-bench}
SIZES=${SIZES:-"54 1000 10000 100000 1000000"}
R_MAX_ROWS=${R_MAX_ROWS:-1000000}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCRMO_BUILD_BENCH=ON -DCRMO_BUILD_TESTS=OFF > /dev/null
ninja -C "$BUILD" bench_stats > /dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "family: Spearman 15 parameters x 2 outcomes with Fisher-z CIs, Mann-Whitney 2 outcomes x 4 groupings, Holm"
printf "%10s %12s %12s %10s\n" rows crmo_s R_s R/crmo
for n in $SIZES; do
  Rscript bench/make_cohort.R "$n" "$tmp/cohort.csv"
  c=$("$BUILD/bench/bench_stats" family "$tmp/cohort.csv" 2>/dev/null)
  if [ "$n" -le "$R_MAX_ROWS" ]; then
    r=$(Rscript bench/family.R "$tmp/cohort.csv")
    printf "%10s %12s %12s %10.1f\n" "$n" "$c" "$r" "$(awk -v r="$r" -v c="$c" 'BEGIN { print r / c }')"
  else
    printf "%10s %12s %12s %10s\n" "$n" "$c" "-" "-"
  fi
done
echo "BCa bootstrap of Spearman, 10,000 resamples"
printf "%10s %12s %12s %10s\n" n crmo_s R_s R/crmo
for n in 54 10000; do
  c=$("$BUILD/bench/bench_stats" bca "$n" 2>/dev/null)
  r=$(Rscript bench/family.R bca "$n")
  printf "%10s %12s %12s %10.1f\n" "$n" "$c" "$r" "$(awk -v r="$r" -v c="$c" 'BEGIN { print r / c }')"
done
