#!/bin/bash
# `crmo convert` with several readers per exam (docs/formats.md): a generated cohort with
# follow-ups and second readings goes cohort folder -> documents -> cohort folder ->
# documents and comes back unchanged (byte for byte once in file-name order); the demo cohort gives the same analysis after.
# Usage: convert_readers_cli.sh CRMO SOURCE_DIR
set -euo pipefail
crmo=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$crmo" synth "$tmp/cohort" --patients 80 --seed 9 --followup 0.5 --second-reader 0.6 2>/dev/null
head -1 "$tmp/cohort/lesions.csv" | grep -q '^exam_id,reader,site,' || fail "no reader column"
"$crmo" convert "$tmp/cohort" "$tmp/docs" >/dev/null
ls "$tmp/docs" | grep -q '\.R2\.json$' || fail "no second reader's document"
"$crmo" convert "$tmp/docs" "$tmp/back" >/dev/null
# The documents come back in file-name order (readings of one exam together): same rows.
for t in exams lesions; do
  head -1 "$tmp/cohort/$t.csv" | cmp - <(head -1 "$tmp/back/$t.csv") || fail "$t.csv header changed"
  cmp <(sort "$tmp/cohort/$t.csv") <(sort "$tmp/back/$t.csv") || fail "$t.csv rows changed"
done
"$crmo" convert "$tmp/back" "$tmp/docs2" >/dev/null
diff -r "$tmp/docs" "$tmp/docs2" || fail "documents changed"
"$crmo" convert "$tmp/docs2" "$tmp/back2" >/dev/null
diff -r "$tmp/back" "$tmp/back2" || fail "cohort folder changed"
a=$("$crmo" validate "$tmp/cohort") b=$("$crmo" validate "$tmp/docs")
[ "${a##*: }" = "${b##*: }" ] || fail "different counts: $a / $b"

# The demo cohort (second reader) through documents and back: the same analysis.
"$crmo" convert "$src/examples/demo-cohort" "$tmp/demo-docs" >/dev/null
"$crmo" convert "$tmp/demo-docs" "$tmp/demo" >/dev/null
"$crmo" cohort "$src/examples/demo-cohort" --json > "$tmp/a.json"
"$crmo" cohort "$tmp/demo" --json > "$tmp/b.json"
cmp "$tmp/a.json" "$tmp/b.json" || fail "demo cohort analysed differently after the round trip"

# A command that takes one reading per exam refuses them, with status 2 and the line.
set +e
"$crmo" fhir "$tmp/cohort" "$tmp/bundle.json" 2> "$tmp/err"
st=$?
set -e
[ $st -eq 2 ] || fail "fhir on readings: status $st"
grep -q "exams.csv line [0-9]*, column exam_id" "$tmp/err" || fail "no line in: $(cat "$tmp/err")"
[ ! -e "$tmp/bundle.json" ] || fail "bundle written"
echo "ok"
