#!/usr/bin/env bash
# Load test of `crmo serve` with wrk (Debian) on loopback, for a bounded time:
# throughput, p99 latency and errors for reads and writes, printed as the table of
# docs/server.md. Not a unit test; run by hand:
#   bash bench/server_load.sh BUILD/src/cli/crmo [SECONDS] [PATIENTS]
# The cohort is `crmo synth` (seeded) imported into a fresh SQLite database. The
# reference for the API's overhead is the same server handing out a static file.
set -euo pipefail
CRMO=$(realpath "$1"); SECS=${2:-10}; PATIENTS=${3:-200}
HERE=$(cd "$(dirname "$0")" && pwd)
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
TMP=$(mktemp -d); PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

"$CRMO" synth "$TMP/cohort" --patients "$PATIENTS" --seed 7 >/dev/null
"$CRMO" import "$TMP/cohort" --db "$TMP/crmo.db" >/dev/null
echo "bench-password" | "$CRMO" user add bench --role reader --db "$TMP/crmo.db" >/dev/null
"$CRMO" serve --db "$TMP/crmo.db" --port 0 --port-file "$TMP/port" 2>"$TMP/server.log" &
PID=$!
for _ in $(seq 200); do [ -s "$TMP/port" ] && break; sleep 0.05; done
PORT=$(cat "$TMP/port"); URL="http://127.0.0.1:$PORT"
TOKEN=$(curl -sf -X POST "$URL/api/login" -d '{"name":"bench","password":"bench-password"}' |
        sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
[ -n "$TOKEN" ] || { echo "login failed"; exit 1; }
mapfile -t EXAMS < <(curl -sf -H "Authorization: Bearer $TOKEN" "$URL/api/exams" |
                     grep -o '"id":"[^"]*"' | sed 's/"id":"\(.*\)"/\1/' | head -4)
ONE=${EXAMS[0]}

# run NAME THREADS CONNECTIONS wrk-args... : one table row.
run() {
  local name=$1 t=$2 c=$3; shift 3
  wrk -t"$t" -c"$c" -d"${SECS}s" --latency "$@" >"$TMP/out" 2>&1 || { cat "$TMP/out"; exit 1; }
  local rps p50 p99 non2xx sock reqs
  rps=$(awk '/Requests\/sec/ {print $2}' "$TMP/out")
  reqs=$(awk '/requests in/ {print $1}' "$TMP/out")
  p50=$(awk '$1 == "50%" {print $2}' "$TMP/out")
  p99=$(awk '$1 == "99%" {print $2}' "$TMP/out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$TMP/out"); non2xx=${non2xx:-0}
  sock=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$TMP/out"); sock=${sock:-0}
  printf '| %s | %s/%s | %s | %s | %s | %s | %s |\n' "$name" "$t" "$c" "$reqs" "$rps" "$p50" "$p99" "$((non2xx + sock))"
  echo "$rps" >"$TMP/rps-$name"
}

echo "crmo serve load test: $PATIENTS synthetic patients, $(nproc) cores, ${SECS} s per row, wrk on the same machine"
echo
echo "| endpoint | threads/connections | requests | requests/s | p50 | p99 | errors (non-2xx + socket) |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
run "static-file" 2 8 "$URL/web/index.html"
run "GET-exam" 2 8 -s "$HERE/wrk/auth.lua" "$URL/api/exams/$ONE" -- "$TOKEN"
run "GET-worklist" 2 8 -s "$HERE/wrk/auth.lua" "$URL/api/exams" -- "$TOKEN"
run "PUT-site" 2 2 -s "$HERE/wrk/grade.lua" "$URL" -- "$TOKEN" "${EXAMS[@]:0:2}"
run "PUT-site-4-writers" 4 4 -s "$HERE/wrk/grade.lua" "$URL" -- "$TOKEN" "${EXAMS[@]:0:4}"
echo
awk -v a="$(cat "$TMP/rps-GET-exam")" -v b="$(cat "$TMP/rps-static-file")" \
  'BEGIN {printf "ratio GET one exam / static file (the API over plain HTTP): %.3f\n", a / b}'
grep -c " 500 " "$TMP/server.log" | awk '{print "server errors (500) in the log: " $1}'
