#!/usr/bin/env bash
# crmo cohort on the shipped demo cohort, then R recomputes figures from the same files
# (cohort_r_check.R). Rscript is required (Debian r-base-core; scripts/test.sh installs it).
set -euo pipefail
crmo=$1 src=$2
command -v Rscript >/dev/null || { echo "Rscript not found (Debian r-base-core)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/crmo-cohort-r.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$crmo" cohort "$src/examples/demo-cohort" --out "$tmp/report" > /dev/null
Rscript "$src/tests/analysis/cohort_r_check.R" "$src/examples/demo-cohort" "$tmp/report"
