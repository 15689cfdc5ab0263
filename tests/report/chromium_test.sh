#!/usr/bin/env bash
# Opens the demo cohort's HTML report in headless Chromium (Debian chromium +
# chromium-driver, driven by Debian's python3-selenium): no console errors, a skeleton
# shape for every unit-side of the atlas, the charts and scatter plots present; saves a
# screenshot and the rendered DOM into the build tree (ARTIFACTS) for people to look at.
# Usage: chromium_test.sh CRMO SOURCE_DIR ARTIFACTS
set -euo pipefail
crmo=$1 src=$2 artifacts=$3
tmp=$(mktemp -d /tmp/crmo-chromium.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$artifacts"
"$crmo" cohort "$src/examples/demo-cohort" --out "$tmp/report" > /dev/null
"$crmo" atlas --json > "$tmp/atlas.json"
/usr/bin/python3 "$src/tests/report/chromium_check.py" "$tmp/report/report.html" "$tmp/atlas.json" "$artifacts"
