#!/bin/bash
# `crmo redcap` as a user runs it: a generated cohort goes out as REDCap records and comes
# back as the same cohort tables, byte for byte; a broken export is refused with status 2,
# every problem named, and nothing written.
# Usage: redcap_cli.sh CRMO SOURCE_DIR
set -euo pipefail
py=/usr/bin/python3  # Debian's, with python3-pydicom and python3-jsonschema
crmo=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$crmo" synth "$tmp/cohort" --patients 60 --seed 5 --followup 0.4 >/dev/null
"$crmo" redcap dictionary "$tmp/dict.csv" >/dev/null
"$crmo" redcap export "$tmp/cohort" "$tmp/records.csv" >/dev/null
"$crmo" redcap import "$tmp/records.csv" "$tmp/back" --to csv >/dev/null
cmp "$tmp/cohort/exams.csv" "$tmp/back/exams.csv" || fail "exams.csv changed"
cmp "$tmp/cohort/lesions.csv" "$tmp/back/lesions.csv" || fail "lesions.csv changed"
# Two readers (docs/exchange.md): every reading comes back; records are grouped by exam,
# so the rows come back in another order.
"$crmo" synth "$tmp/readers" --patients 60 --seed 6 --followup 0.4 --second-reader 0.5 2>/dev/null
"$crmo" redcap export "$tmp/readers" "$tmp/readers.csv" >/dev/null
grep -q ',lesion,.*,R2,' "$tmp/readers.csv" || fail "no R2 lesion instance"
"$crmo" redcap import "$tmp/readers.csv" "$tmp/readers-back" --to csv >/dev/null
for t in exams lesions; do
  head -1 "$tmp/readers/$t.csv" | cmp - <(head -1 "$tmp/readers-back/$t.csv") || fail "readers: $t.csv header"
  cmp <(sort "$tmp/readers/$t.csv") <(sort "$tmp/readers-back/$t.csv") || fail "readers: $t.csv rows changed"
done
"$crmo" redcap export "$src/examples/exams" "$tmp/ex.csv" >/dev/null
"$crmo" redcap import "$tmp/ex.csv" "$tmp/exdocs" >/dev/null
for f in "$src"/examples/exams/*.json; do
  id=$(basename "$f" .json)
  a=$("$crmo" score "$f" --json) b=$("$crmo" score "$tmp/exdocs/$id.json" --json)
  [ "$a" = "$b" ] || fail "$id scores differently after the round trip"
done

# A broken export: two problems on two lines, both reported; nothing written.
"$py" - "$tmp/records.csv" "$tmp/broken.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
h = rows[0]
exam_row = next(i for i, r in enumerate(rows) if i and r[h.index("redcap_repeat_instrument")] == "")
les_row = next(i for i, r in enumerate(rows) if i and r[h.index("redcap_repeat_instrument")] == "lesion")
rows[exam_row][h.index("exam_date")] = "14/03/2021"
rows[les_row][h.index("signal")] = "7"
csv.writer(open(sys.argv[2], "w", encoding="utf-8", newline="")).writerows(rows)
print(exam_row + 1, les_row + 1)
PY
set +e
"$crmo" redcap import "$tmp/broken.csv" "$tmp/nothing" 2> "$tmp/err"
st=$?
set -e
[ "$st" = 2 ] || fail "broken import: status $st"
grep -q "column exam_date" "$tmp/err" && grep -q "column signal" "$tmp/err" || { cat "$tmp/err"; fail "problems not all named"; }
[ ! -e "$tmp/nothing" ] || fail "a refused import wrote files"
echo "redcap cli: ok"
