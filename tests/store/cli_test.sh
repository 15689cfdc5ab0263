#!/usr/bin/env bash
# crmo import / export / user through the command itself, on SQLite (the store suite
# covers PostgreSQL): exit statuses, the same problem messages as `crmo validate`,
# nothing written for bad input, and export -> import -> export giving identical files,
# on examples/ and on a generated cohort with follow-ups and a second reader.
# Usage: cli_test.sh path/to/crmo path/to/source
set -uo pipefail
crmo=$1; src=$2
tmp=$(mktemp -d /tmp/crmo-store-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
expect_status() {  # expected, then the command
  local want=$1; shift
  "$@" >"$tmp/out" 2>"$tmp/err"; local got=$?
  [ "$got" = "$want" ] || fail "exit $got (expected $want): $* -- $(head -c 400 "$tmp/err")"
}
same_json_folders() {  # every exam document of $1 equals the one of the same name in $2, as JSON
  /usr/bin/python3 - "$1" "$2" <<'PY' || fail "JSON documents differ: $1 $2"
import json, os, sys
a, b = sys.argv[1], sys.argv[2]
names = sorted(n for n in os.listdir(a) if n.endswith(".json"))
assert names, "no documents in " + a
for n in names:
    with open(os.path.join(a, n)) as f, open(os.path.join(b, n)) as g:
        x, y = json.load(f), json.load(g)
    if x != y:
        sys.exit(f"{n}: {x} != {y}")
PY
}

# examples/: import, export, the same documents.
expect_status 0 "$crmo" import "$src/examples/exams" --db "$tmp/a.db"
grep -q "imported 3 reading(s) of 3 exam(s)" "$tmp/out" || fail "import summary: $(cat "$tmp/out")"
expect_status 0 "$crmo" export "$tmp/a-json" --db "$tmp/a.db"
same_json_folders "$src/examples/exams" "$tmp/a-json"
# Again: every exam already stored, exit 2, nothing changes.
expect_status 2 "$crmo" import "$src/examples/exams" --db "$tmp/a.db"
grep -q "already in the database" "$tmp/err" || fail "second import: $(cat "$tmp/err")"

# Bad input: the problems exactly as crmo validate lists them, exit 2, no database.
mkdir "$tmp/bad"
cp "$src/examples/exams/"*.json "$tmp/bad/"
cat >"$tmp/bad/broken.json" <<'JSON'
{"format": "crmo.exam/1", "patient": {"id": "P9"}, "exam": {"id": "P9-1", "date": "2021-02-30"},
 "lesions": [{"site": "tibia.distal_metaphysis:L", "signal": 7, "extnet": 1}]}
JSON
expect_status 2 "$crmo" validate "$tmp/bad"; cp "$tmp/err" "$tmp/validate.err"
expect_status 2 "$crmo" import "$tmp/bad" --db "$tmp/new.db"
diff "$tmp/validate.err" "$tmp/err" >/dev/null || fail "import and validate report differently: $(diff "$tmp/validate.err" "$tmp/err")"
[ "$(grep -c broken.json "$tmp/err")" -ge 3 ] || fail "expected 3 problems of broken.json: $(cat "$tmp/err")"
[ ! -e "$tmp/new.db" ] || fail "a database was created for bad input"

# A generated cohort with follow-ups and second readings: cohort -> db -> cohort -> db -> json, twice the same.
expect_status 0 "$crmo" synth "$tmp/synth" --patients 40 --seed 11 --followup 0.5 --second-reader 0.4
expect_status 0 "$crmo" import "$tmp/synth" --db "$tmp/s1.db"
grep -q "reading(s)" "$tmp/out" || fail "synth import: $(cat "$tmp/out")"
expect_status 0 "$crmo" export "$tmp/s1-cohort" --db "$tmp/s1.db" --format cohort
expect_status 0 "$crmo" export "$tmp/s1-json" --db "$tmp/s1.db" --format json
expect_status 0 "$crmo" import "$tmp/s1-cohort" --db "$tmp/s2.db"
expect_status 0 "$crmo" export "$tmp/s2-json" --db "$tmp/s2.db"
expect_status 0 "$crmo" export "$tmp/s2-cohort" --db "$tmp/s2.db" --format cohort
diff -r "$tmp/s1-json" "$tmp/s2-json" >/dev/null || fail "json exports differ after a cohort round trip"
diff -r "$tmp/s1-cohort" "$tmp/s2-cohort" >/dev/null || fail "cohort exports differ after a round trip"
expect_status 0 "$crmo" import "$tmp/s1-json" --db "$tmp/s3.db"
expect_status 0 "$crmo" export "$tmp/s3-cohort" --db "$tmp/s3.db" --format cohort
diff -r "$tmp/s1-cohort" "$tmp/s3-cohort" >/dev/null || fail "cohort exports differ after a json round trip"
# The cohort's own readings came through: every exams.csv row of the synth cohort is in the export.
/usr/bin/python3 - "$tmp/synth/exams.csv" "$tmp/s1-cohort/exams.csv" <<'PY' || fail "exam rows differ from the generated cohort"
import csv, sys
def rows(p):
    with open(p, newline="") as f:
        return sorted((r["exam_id"], r["reader"], r["pga"], r["exam_date"]) for r in csv.DictReader(f))
a, b = rows(sys.argv[1]), rows(sys.argv[2])
if a != b: sys.exit(f"{len(a)} vs {len(b)} rows")
PY

# Exporting into a folder that holds something, or from a database that is not there.
mkdir "$tmp/full"; touch "$tmp/full/keep"
expect_status 1 "$crmo" export "$tmp/full" --db "$tmp/a.db"
[ "$(ls "$tmp/full")" = keep ] || fail "export wrote into a non-empty folder"
expect_status 2 "$crmo" export "$tmp/x" --db "$tmp/missing.db"
grep -q "no database" "$tmp/err" || fail "missing db: $(cat "$tmp/err")"
[ ! -e "$tmp/missing.db" ] || fail "export created a database"
expect_status 2 "$crmo" export "$tmp/x" --db "mysql://h/db"
grep -q -- "--db" "$tmp/err" || fail "bad --db: $(cat "$tmp/err")"
expect_status 2 "$crmo" import "$src/examples/exams" --db "$tmp"
expect_status 1 "$crmo" export "$tmp/x" --db "postgresql://nobody:s3cret@127.0.0.1:1/x"
if grep -q s3cret "$tmp/err"; then fail "the password shows: $(cat "$tmp/err")"; fi

# Accounts: password from standard input, listing, a duplicate, a short password.
printf 'correct horse battery\n' | "$crmo" user add ann --role admin --db "$tmp/a.db" >"$tmp/out" 2>"$tmp/err" ||
  fail "user add: $(cat "$tmp/err")"
expect_status 0 "$crmo" user list --db "$tmp/a.db"
grep -q "^ann	admin	" "$tmp/out" || fail "user list: $(cat "$tmp/out")"
grep -q "correct horse" "$tmp/out" && fail "the password shows in the listing"
printf 'another password\n' | "$crmo" user add ann --role reader --db "$tmp/a.db" >/dev/null 2>"$tmp/err"
[ $? = 2 ] || fail "a duplicate user is bad input"
printf 'short\n' | "$crmo" user add bob --role reader --db "$tmp/a.db" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "too short" "$tmp/err" || fail "a short password: $(cat "$tmp/err")"
expect_status 2 "$crmo" user add carl --role superuser --db "$tmp/a.db"
/usr/bin/python3 - "$tmp/a.db" <<'PY' || fail "the stored hash is not argon2id"
import sqlite3, sys
h = sqlite3.connect(sys.argv[1]).execute("SELECT password_hash FROM users WHERE name = 'ann'").fetchone()[0]
assert h.startswith("$argon2id$"), h
PY

if [ $failures -gt 0 ]; then echo "$failures failure(s)" >&2; exit 1; fi
echo "store cli: all checks passed"
