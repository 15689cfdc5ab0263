#!/usr/bin/env bash
# Usage: cli_test.sh CRMO SOURCE_DIR. Checks exit statuses 0/1/2 and key outputs.
set -u
CRMO=$1; SRC=$2
source "$(dirname "$0")/../lib/checks.sh"

expect 0 "version" -- "$CRMO" --version
contains "$TMP/out" "crmo " "version text"
for cmd in validate score convert atlas schemes; do expect 0 "$cmd --help" -- "$CRMO" $cmd --help; done
expect 2 "no subcommand" -- "$CRMO"
expect 2 "unknown option" -- "$CRMO" score --frobnicate x

expect 0 "validate examples" -- "$CRMO" validate "$SRC/examples/exams"
# The demo cohort has a second reader: every command that reads a cohort accepts it.
expect 0 "validate demo cohort" -- "$CRMO" validate "$SRC/examples/demo-cohort"
contains "$TMP/out" "(125 readings)" "demo readings counted"
expect 0 "score demo cohort" -- "$CRMO" score "$SRC/examples/demo-cohort" --json
expect 0 "score --json" -- "$CRMO" score "$SRC/examples/exams/P017-1.json" --json
cp "$TMP/out" "$TMP/score.json"
contains "$TMP/score.json" '"rai_total": 12' "P017-1 total"
contains "$TMP/score.json" '"scheme": "rai-cromris"' "scheme named"
contains "$TMP/score.json" '"lesion_count": 2' "lesion count"

# Bad input: exit 2, the place named, nothing written.
sed 's/"extent": 3/"extnet": 3/' "$SRC/examples/exams/P017-1.json" > "$TMP/bad.json"
expect 2 "validate misspelt field" -- "$CRMO" validate "$TMP/bad.json"
contains "$TMP/err" "bad.json: \$.lesions[0].extnet: unknown field 'extnet'" "misspelt field named"
expect 2 "convert refuses bad input" -- "$CRMO" convert "$TMP/bad.json" "$TMP/never"
[ ! -e "$TMP/never" ] && passes=$((passes+1)) || { fails=$((fails+1)); echo "FAIL: output written from bad input"; }
expect 2 "unknown scheme" -- "$CRMO" score "$SRC/examples/exams" --scheme nope
expect 2 "missing file" -- "$CRMO" validate "$TMP/absent.json"

# Convert JSON -> CSV -> JSON gives the same documents.
expect 0 "convert to csv" -- "$CRMO" convert "$SRC/examples/exams" "$TMP/cohort"
expect 0 "convert back" -- "$CRMO" convert "$TMP/cohort" "$TMP/back"
expect 0 "validate cohort" -- "$CRMO" validate "$TMP/cohort"
"$CRMO" score "$SRC/examples/exams" --json > "$TMP/a.json"; "$CRMO" score "$TMP/back" --json > "$TMP/b.json"
cmp -s "$TMP/a.json" "$TMP/b.json" && passes=$((passes+1)) || { fails=$((fails+1)); echo "FAIL: scores differ after round trip"; }
expect 1 "convert into occupied folder" -- "$CRMO" convert "$SRC/examples/exams" "$TMP/cohort"

expect 0 "atlas --json" -- "$CRMO" atlas --json
contains "$TMP/out" '"site_count": 124' "atlas size"
expect 0 "schemes --json" -- "$CRMO" schemes --json
contains "$TMP/out" '"name": "rinbo"' "rinbo listed"
expect 0 "rinbo scoring" -- "$CRMO" score "$SRC/examples/exams/P033-1.json" --scheme rinbo --json
contains "$TMP/out" '"bins_published": false' "rinbo bins labelled"

summary "cli"
