# Sourced by the store's test scripts: start_postgresql starts a real PostgreSQL (initdb +
# pg_ctl in a temporary folder, on a free loopback port), exports CRMO_TEST_PG_URL, and
# stops the server by its PID when the script exits, whatever happens. Installs nothing
# (scripts/test.sh does); a missing PostgreSQL is a failure, not a skip.
# Sourcing sets an EXIT trap; a script that needs its own cleanup sets its trap after
# sourcing this file and calls pg_cleanup from it.
pg_tmp=""
pg_pid=""
pg_cleanup() {
  if [ -n "$pg_pid" ] && kill -0 "$pg_pid" 2>/dev/null; then
    kill -INT "$pg_pid" 2>/dev/null || true   # fast shutdown
    for _ in $(seq 50); do kill -0 "$pg_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pg_pid" 2>/dev/null || true
  fi
  if [ -n "$pg_tmp" ]; then rm -rf "$pg_tmp"; fi
}
trap pg_cleanup EXIT
trap 'exit 1' INT TERM

start_postgresql() {
  local bindir=${CRMO_PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
  if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "postgresql_test: PostgreSQL server binaries not found (Debian package postgresql; scripts/test.sh installs it)" >&2
    exit 1
  fi
  pg_tmp=$(mktemp -d /tmp/crmo-pg.XXXXXX)

  # PostgreSQL refuses to run as root: use the postgres account (or nobody).
  local as_pg=()
  if [ "$(id -u)" = 0 ]; then
    local pg_user=postgres
    id "$pg_user" >/dev/null 2>&1 || pg_user=nobody
    chown "$pg_user" "$pg_tmp"
    chmod 700 "$pg_tmp"
    as_pg=(runuser -u "$pg_user" --)
  fi

  local start_ns port attempt
  start_ns=$(date +%s%N)
  "${as_pg[@]}" "$bindir/initdb" -D "$pg_tmp/data" -U crmo -A trust --no-sync >"$pg_tmp/initdb.log" 2>&1 ||
    { echo "postgresql_test: initdb failed:" >&2; cat "$pg_tmp/initdb.log" >&2; exit 1; }
  # A port taken between choosing and binding it: try again with another (3 times).
  for attempt in 1 2 3; do
    # the kernel's choice of a free loopback port
    port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    if "${as_pg[@]}" "$bindir/pg_ctl" -D "$pg_tmp/data" -l "$pg_tmp/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_tmp -c fsync=off -c synchronous_commit=off -c max_connections=40" \
        start >/dev/null; then
      break
    fi
    if [ $attempt = 3 ]; then
      echo "postgresql_test: the server did not start:" >&2; cat "$pg_tmp/server.log" >&2; exit 1
    fi
  done
  pg_pid=$(head -1 "$pg_tmp/data/postmaster.pid")
  # Should the script be killed outright (ctest timeout), the server still stops.
  ( while kill -0 $$ 2>/dev/null; do sleep 1; done; kill -INT "$pg_pid" 2>/dev/null ) >/dev/null 2>&1 &
  echo "postgresql_test: server PID $pg_pid on 127.0.0.1:$port, up in $(( ($(date +%s%N) - start_ns) / 1000000 )) ms"
  export CRMO_TEST_PG_URL="postgresql://crmo@127.0.0.1:$port/postgres"
}
