#!/usr/bin/env bash
# The main job on the bundled example data: set up, build, score the example exams.
source "$(dirname "$0")/lib.sh"
install_packages "$CRMO_ROOT/scripts/debian-packages.txt"
build_crmo -DCRMO_BUILD_TESTS=OFF
CRMO="$CRMO_BUILD/src/cli/crmo"
"$CRMO" validate "$CRMO_ROOT/examples/exams"
"$CRMO" score "$CRMO_ROOT/examples/exams"
