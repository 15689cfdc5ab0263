#!/bin/bash
# `crmo deid exams` keeps every reader's reading: the demo cohort (two readers on a third
# of its exams) de-identified to a cohort folder and to exam documents holds as many
# readings as before, none of the stored patient ids, and gives `crmo agreement` the same
# readers, exam count and statistics as the identified cohort.
# Usage: deid_readings.sh CRMO SOURCE_DIR
set -uo pipefail
crmo=$1
cohort=$2/examples/demo-cohort
source "$(dirname "$0")/../lib/checks.sh"

expect 0 "keygen" -- "$crmo" deid keygen "$TMP/key"
expect 0 "deid exams to a cohort folder" -- "$crmo" deid exams "$cohort" "$TMP/csv" --key "$TMP/key"
expect 0 "deid exams to documents" -- "$crmo" deid exams "$cohort" "$TMP/json" --key "$TMP/key" --to json
rows_in=$(($(grep -c "" "$cohort/exams.csv") - 1))
rows_out=$(($(grep -c "" "$TMP/csv/exams.csv") - 1))
docs_out=$(find "$TMP/json" -name '*.json' | wc -l)
if [ "$rows_in" = "$rows_out" ]; then pass; else fail "readings in the cohort folder: $rows_out, expected $rows_in"; fi
if [ "$rows_in" = "$docs_out" ]; then pass; else fail "exam documents: $docs_out, expected $rows_in"; fi
for r in R1 R2; do if [ -d "$TMP/json/$r" ]; then pass; else fail "no folder for reader $r"; fi; done
ids=$(cut -d, -f1 "$cohort/exams.csv" | tail -n +2 | sort -u)
leaks=0
for id in $ids; do grep -rqw -- "$id" "$TMP/csv" "$TMP/json" && leaks=$((leaks + 1)); done
if [ "$leaks" = 0 ]; then pass; else fail "$leaks stored patient ids in the de-identified output"; fi

"$crmo" agreement "$cohort" --json > "$TMP/a_in.json"
for out in csv json; do
  "$crmo" agreement "$TMP/$out" --json > "$TMP/a_$out.json"
  # The same statistics; the exams come in another order (pseudonyms sort otherwise), so
  # sums may differ in the last bits and per-exam points come in another order.
  if python3 - "$TMP/a_in.json" "$TMP/a_$out.json" <<'PY'
import json, math, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
def same(x, y):
    if isinstance(x, float) or isinstance(y, float):
        return isinstance(x, (int, float)) and isinstance(y, (int, float)) and math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(x, dict):
        return isinstance(y, dict) and x.keys() == y.keys() and all(same(x[k], y[k]) for k in x)
    if isinstance(x, list):
        return isinstance(y, list) and len(x) == len(y) and all(same(p, q) for p, q in zip(x, y))
    return x == y
for d in (a, b):  # per-exam points in exam order: compare them as pairs, in any order
    for ba in d['bland_altman']:
        ba['points'] = sorted(zip(ba.pop('means'), ba.pop('differences')))
bad = [k for k in ('readers', 'exams', 'categories', 'fleiss', 'cohen', 'icc', 'bland_altman') if not same(a[k], b[k])]
print("differ:", bad) if bad else None
sys.exit(1 if bad else 0)
PY
  then pass; else fail "agreement on the de-identified $out differs from the identified cohort's"; fi
  json_is "$TMP/a_$out.json" "len(d['exam_ids']) > 0 and all(i.startswith('PX') for i in d['exam_ids'])" "pseudonymous exam ids ($out)"
done
summary deid_readings
