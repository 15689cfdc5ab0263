#!/usr/bin/env bash
# crmo's statistics against R on the same cohorts, in one run:
#   bash bench/stats_vs_r.sh            (from anywhere; figures in docs/statistics.md)
# SIZES="54 1000" to choose cohort sizes; R_MAX_ROWS caps the sizes R is run on
# (default: all); BCA_SIZES the bootstrap sizes (default "54 10000"); BUILD sets the
# build folder (default build-bench; NO_BUILD=1 uses its bench_stats as it is). Needs
# Rscript with r-cran-boot.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build-bench}
SIZES=${SIZES:-"54 1000 10000 100000 1000000"}
BCA_SIZES=${BCA_SIZES-"54 10000"}  # BCA_SIZES="" skips the bootstrap
R_MAX_ROWS=${R_MAX_ROWS:-1000000}
if [ "${NO_BUILD:-0}" = 1 ]; then
  [ -x "$BUILD/bench/bench_stats" ] || { echo "no $BUILD/bench/bench_stats" >&2; exit 1; }
else
echo "building bench_stats in $BUILD ..." >&2
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCRMO_BUILD_BENCH=ON -DCRMO_BUILD_TESTS=OFF > /dev/null
elif ! grep -q '^CRMO_BUILD_BENCH:BOOL=ON' "$BUILD/CMakeCache.txt"; then
  cmake -S . -B "$BUILD" -DCRMO_BUILD_BENCH=ON > /dev/null  # an existing build folder keeps its other options
fi
grep -q '^CMAKE_BUILD_TYPE:STRING=Release' "$BUILD/CMakeCache.txt" || echo "note: $BUILD is not a Release build" >&2
cmake --build "$BUILD" --target bench_stats -j2 > /dev/null
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ratio() { awk -v r="$1" -v c="$2" 'BEGIN { printf "%.1f", r / c }'; }
# crmo's values against R's (38 Holm p-values, then 30 CI bounds): how many agree within
# analysis.md's tolerance (p: 4 significant digits or 1e-12 absolute; bounds: 6 digits),
# and the largest relative difference among values above 1e-300 (R keeps subnormal
# p-values such as 2.7e-317 where Boost.Math gives 0; both are within 1e-12).
differ() {
  paste "$1" "$2" | awk '{ d = $1 - $2; if (d < 0) d = -d; s = ($1 < 0 ? -$1 : $1); t = ($2 < 0 ? -$2 : $2);
    m = s > t ? s : t; tol = (NR <= 38 ? 1e-4 : 1e-6);
    if (d <= 1e-12 || d <= tol * m) ok++;
    if (s > 1e-300 && t > 1e-300 && d / m > worst) worst = d / m }
    END { printf "%d/%d %.1e", ok, NR, worst + 0 }'
}
echo "family: Spearman 15 parameters x 2 outcomes with Fisher-z CIs, Mann-Whitney 2 outcomes x 4 groupings, Holm"
echo "(processor seconds, best of 3, after reading the CSV; agree: values within analysis.md's tolerance of R's,"
echo " of the 38 Holm p-values and 30 CI bounds; max_rel: their largest relative difference)"
printf "%10s %12s %12s %10s %7s %9s\n" rows crmo_s R_s R/crmo agree max_rel
for n in $SIZES; do
  echo "  cohort of $n rows ..." >&2
  Rscript bench/make_cohort.R "$n" "$tmp/cohort.csv"
  c=$("$BUILD/bench/bench_stats" family "$tmp/cohort.csv" "$tmp/crmo.txt" 2>/dev/null)
  if [ "$n" -le "$R_MAX_ROWS" ]; then
    r=$(Rscript bench/family.R "$tmp/cohort.csv" "$tmp/r.txt")
    read -r agree worst <<< "$(differ "$tmp/crmo.txt" "$tmp/r.txt")"
    printf "%10s %12s %12s %10s %7s %9s\n" "$n" "$c" "$r" "$(ratio "$r" "$c")" "$agree" "$worst"
  else
    printf "%10s %12s %12s %10s %7s %9s\n" "$n" "$c" "-" "-" "-" "-"
  fi
done
echo "BCa bootstrap of Spearman, 10,000 resamples, processor seconds (crmo: spearman_bootstrap; R: boot::boot + boot.ci(type = \"bca\"))"
printf "%10s %12s %12s %10s\n" n crmo_s R_s R/crmo
for n in $BCA_SIZES; do
  echo "  bootstrap at n = $n ..." >&2
  c=$("$BUILD/bench/bench_stats" bca "$n" 2>/dev/null)
  r=$(Rscript bench/family.R bca "$n")
  printf "%10s %12s %12s %10s\n" "$n" "$c" "$r" "$(ratio "$r" "$c")"
done
echo "exact null distribution of Spearman's S (crmo's default exact path), first use"
printf "%10s %12s\n" n crmo_s
for n in 10 12 13; do
  printf "%10s %12s\n" "$n" "$("$BUILD/bench/bench_stats" exact "$n" 2>/dev/null)"
done
