#!/usr/bin/env bash
# Every test: set up (packages for building and for the reference tools), build, ctest.
source "$(dirname "$0")/lib.sh"
install_packages "$CRMO_ROOT/scripts/debian-packages.txt" "$CRMO_ROOT/scripts/debian-test-packages.txt"
build_crmo -DCRMO_BUILD_TESTS=ON
cd "$CRMO_BUILD"
ctest --output-on-failure -j"$(nproc)" "$@"
