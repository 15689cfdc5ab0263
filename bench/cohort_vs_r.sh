#!/usr/bin/env bash
# `crmo cohort` against the same analysis in R (bench/cohort.R) on synthetic cohorts of
# 54, 1,000, 10,000 and 100,000 patients, in one run; prints seconds and the ratio.
#   bash bench/cohort_vs_r.sh            (from the repository root)
# SIZES="54 1000" chooses the sizes; BUILD the build folder (default build-bench), or
# CRMO=path/to/crmo a built binary.
# Times are CPU seconds (user + system), so that a shared, loaded machine still gives
# comparable figures: crmo as a whole process (start-up, reading, analysis); R without
# its start-up (about 0.15 s) but with reading the files.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build-bench}
SIZES=${SIZES:-"54 1000 10000 100000"}
# CRMO=path/to/crmo uses that binary; otherwise BUILD is configured (when new, as a
# Release build) and crmo built there.
if [ -n "${CRMO:-}" ]; then
  crmo=$CRMO
else
  [ -f "$BUILD/CMakeCache.txt" ] ||
    cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCRMO_BUILD_BENCH=ON -DCRMO_BUILD_TESTS=OFF > /dev/null
  cmake --build "$BUILD" --target crmo > /dev/null
  crmo="$BUILD/src/cli/crmo"
fi
tmp=$(mktemp -d /tmp/crmo-bench-cohort.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# The atlas as a CSV for R: id, bone, region.
"$crmo" atlas | awk 'NR > 2 && NF >= 5 { print $1 "," $4 "," $5 }' | sed '1i id,bone,region' > "$tmp/atlas.csv"
# cpu CMD...: CPU seconds (user + system) of CMD.
cpu() { local TIMEFORMAT='%3U %3S'; { time "$@" > /dev/null 2>&1; } 2>&1 | awk '{ printf "%.3f", $1 + $2 }'; }
echo "CPU seconds: crmo cohort (sections 1-5 and extra sections, --json to /dev/null), with the report"
echo "(--out: HTML, CSV, SVG, PNG), and the same analysis in R (bench/cohort.R)"
printf "%9s %11s %10s %14s %9s %9s\n" patients lesion_rows crmo_s crmo_report_s R_s R/crmo
for n in $SIZES; do
  "$crmo" synth --patients "$n" --seed 2022 "$tmp/c$n" 2> /dev/null
  rows=$(($(wc -l < "$tmp/c$n/lesions.csv") - 1))
  c=$(cpu "$crmo" cohort "$tmp/c$n" --json)
  cr=$(cpu "$crmo" cohort "$tmp/c$n" --out "$tmp/r$n")
  r=$(Rscript bench/cohort.R "$tmp/c$n" "$tmp/atlas.csv")
  printf "%9s %11s %10s %14s %9s %9.1f\n" "$n" "$rows" "$c" "$cr" "$r" "$(awk -v r="$r" -v c="$c" 'BEGIN { print r / c }')"
done
