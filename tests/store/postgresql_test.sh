#!/usr/bin/env bash
# Runs the store suite against a real PostgreSQL: initdb + pg_ctl in a temporary
# folder, on a free loopback port; stopped by its PID whatever happens. Installs
# nothing (scripts/test.sh does); a missing PostgreSQL is a failure, not a skip.
# Usage: postgresql_test.sh path/to/test_store [gtest args...]
set -euo pipefail
test_store=$1; shift

bindir=${CRMO_PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "postgresql_test: PostgreSQL server binaries not found (Debian package postgresql; scripts/test.sh installs it)" >&2
  exit 1
fi

tmp=$(mktemp -d /tmp/crmo-pg.XXXXXX)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -INT "$pid" 2>/dev/null || true   # fast shutdown
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# PostgreSQL refuses to run as root: use the postgres account (or nobody).
as_pg=()
if [ "$(id -u)" = 0 ]; then
  pg_user=postgres
  id "$pg_user" >/dev/null 2>&1 || pg_user=nobody
  chown "$pg_user" "$tmp"
  chmod 700 "$tmp"
  as_pg=(runuser -u "$pg_user" --)
fi

free_port() {  # the kernel's choice of a free loopback port
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
start_ns=$(date +%s%N)
"${as_pg[@]}" "$bindir/initdb" -D "$tmp/data" -U crmo -A trust --no-sync >"$tmp/initdb.log" 2>&1 ||
  { echo "postgresql_test: initdb failed:" >&2; cat "$tmp/initdb.log" >&2; exit 1; }
# A port taken between choosing and binding it: try again with another (3 times).
for attempt in 1 2 3; do
  port=$(free_port)
  if "${as_pg[@]}" "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $tmp -c fsync=off -c synchronous_commit=off -c max_connections=40" \
      start >/dev/null; then
    break
  fi
  if [ $attempt = 3 ]; then
    echo "postgresql_test: the server did not start:" >&2; cat "$tmp/server.log" >&2; exit 1
  fi
done
pid=$(head -1 "$tmp/data/postmaster.pid")
# Should this script be killed outright (ctest timeout), the server still stops.
( while kill -0 $$ 2>/dev/null; do sleep 1; done; kill -INT "$pid" 2>/dev/null ) >/dev/null 2>&1 &
echo "postgresql_test: server PID $pid on 127.0.0.1:$port, up in $(( ($(date +%s%N) - start_ns) / 1000000 )) ms"

export CRMO_TEST_PG_URL="postgresql://crmo@127.0.0.1:$port/postgres"
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
