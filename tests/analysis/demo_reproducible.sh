#!/usr/bin/env bash
# The shipped demo cohort is exactly what its documented command (docs/synth.md) makes:
# the same seed gives the same files, byte for byte, on this build and platform.
set -euo pipefail
crmo=$1 src=$2
tmp=$(mktemp -d /tmp/crmo-demo-repro.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$crmo" synth --patients 54 --seed 2022 --followup 0.8 --second-reader 0.35 "$tmp/demo" 2> /dev/null
diff -r -x README.md "$src/examples/demo-cohort" "$tmp/demo" > "$tmp/diff" || { head -20 "$tmp/diff"; exit 1; }
# Another seed gives another cohort.
"$crmo" synth --patients 54 --seed 2023 --followup 0.8 --second-reader 0.35 "$tmp/other" 2> /dev/null
if cmp -s "$tmp/demo/lesions.csv" "$tmp/other/lesions.csv"; then echo "seed 2023 made the same cohort"; exit 1; fi
echo "examples/demo-cohort reproduced from seed 2022"
