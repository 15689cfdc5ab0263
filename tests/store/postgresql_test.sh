#!/usr/bin/env bash
# Runs the store suite against a real PostgreSQL (pg_server.sh: initdb + pg_ctl in a
# temporary folder, on a free loopback port; stopped by its PID whatever happens).
# Usage: postgresql_test.sh path/to/test_store [gtest args...]
set -euo pipefail
test_store=$1; shift
. "$(dirname "$0")/pg_server.sh"
start_postgresql

status=0
out=$("$test_store" --gtest_filter='*/postgresql' "$@" 2>&1) || status=$?
echo "$out"
if [ $status -eq 0 ] && ! echo "$out" | grep -q '\[  PASSED  \] [1-9]'; then
  echo "postgresql_test: no test ran" >&2; status=1
fi
if echo "$out" | grep -q '\[  SKIPPED \]'; then
  echo "postgresql_test: tests were skipped although a server was running" >&2; status=1
fi
exit $status
