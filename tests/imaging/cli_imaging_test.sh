#!/usr/bin/env bash
# Usage: cli_imaging_test.sh CRMO. The imaging commands as a user runs them: a small
# phantom, `crmo ingest DIR --exam EXAM.json`, `crmo measure OUT --seed ...` recording on
# the exam's site; the phantom's truth.json is the oracle (not crmo's own output).
set -u
CRMO=$1
source "$(dirname "$0")/../lib/checks.sh"

P=$TMP/ph
expect 0 "phantom" -- "$CRMO" phantom "$P" --stations 4 --lesions 3 --seed 5 --matrix 256 --pixel 1.5 \
  --slices 40 --slice-mm 4 --overlap 36 --noise 4
json_is "$P/truth.json" "len(d['lesions']) == 3 and all(l['volume_ml'] >= 1 for l in d['lesions'])" "phantom truth"

# The exam document a reader made: the phantom's lesion sites graded (signal 2).
python3 - "$P/truth.json" "$TMP/exam.json" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))
doc = {"format": "crmo.exam/1", "patient": {"id": "PH5", "age_years": 9},
       "exam": {"id": "PH5-1", "date": "2026-01-01", "reader": "R1"},
       "lesions": [{"site": l["site"], "signal": 2, "extent": 1} for l in t["lesions"]]}
json.dump(doc, open(sys.argv[2], "w"), indent=1)
EOF
cp "$TMP/exam.json" "$TMP/exam.orig.json"

O=$TMP/ingested
expect 0 "ingest" -- "$CRMO" ingest "$P/dicom" --exam "$TMP/exam.json" --out "$O"
# Not a terminal: no progress bar in the output.
if grep -q $'\r' "$TMP/err"; then fails=$((fails+1)); echo "FAIL: progress bar drawn without a terminal"; else passes=$((passes+1)); fi
M=$O/manifest.json
json_is "$M" "d['format'] == 'crmo.imaging-manifest/1' and d['exam_id'] == 'PH5-1'" "manifest names the exam"
json_is "$M" "d['exam_document'].endswith('exam.json') and len(d['graded_sites']) == 3" "manifest links the document"
json_is "$M" "len(d['series']) == 8 and len(d['stations']) == 2 and all(len(s['series']) == 4 for s in d['stations'])" "series and stations"
json_is "$M" "all('geometry' in s and s['geometry']['dims'] == [256, 256, 40] for s in d['series'])" "geometry per series"
json_is "$M" "sorted(v['kind'] for v in d['volumes']) == ['whole_body', 'whole_body']" "two whole-body volumes"
json_is "$M" "d['pictures'][0]['kind'] == 'mip' and len(d['pictures'][0]['marks']) == 3" "MIP with the graded sites marked"
for f in $(python3 -c "import json,sys; print(' '.join(p['file'] for p in json.load(open(sys.argv[1]))['pictures']))" "$M"); do
  if [ -s "$O/$f" ] && [ "$(head -c 8 "$O/$f" | od -An -tx1 | tr -d ' ')" = "89504e470d0a1a0a" ]; then
    passes=$((passes+1)); else fails=$((fails+1)); echo "FAIL: $f is not a PNG"; fi
done

# Progress bar on a terminal (script(1) gives the command one).
if command -v script >/dev/null; then
  script -qec "$CRMO ingest $P/dicom --exam PH5-1 --out $TMP/out_tty" /dev/null > "$TMP/tty.txt" 2>&1
  contains "$TMP/tty.txt" "] " "progress bar on a terminal"
  json_is "$TMP/out_tty/manifest.json" "d['exam_id'] == 'PH5-1' and 'exam_document' not in d" "--exam ID without a document"
fi

# Measure each lesion from its centre; recorded on the nearest graded site.
read -r -a refs < <(python3 -c "
import json,sys; t=json.load(open(sys.argv[1])); r=t['references']
print(','.join(map(str,r['muscle'])), ','.join(map(str,r['marrow'])))" "$P/truth.json")
n=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['lesions']))" "$P/truth.json")
for i in $(seq 0 $((n - 1))); do
  seed=$(python3 -c "import json,sys; print(','.join(map(str,json.load(open(sys.argv[1]))['lesions'][$i]['center'])))" "$P/truth.json")
  expect 0 "measure lesion $i" -- "$CRMO" measure "$O" --seed "$seed" --muscle "${refs[0]}" --marrow "${refs[1]}" --json
  cp "$TMP/out" "$TMP/m$i.json"
  json_is "$TMP/m$i.json" "abs(d['volume_ml'] - json.load(open('$P/truth.json'))['lesions'][$i]['volume_ml']) <= 0.1 * json.load(open('$P/truth.json'))['lesions'][$i]['volume_ml']" "lesion $i volume within 10 %"
  json_is "$TMP/m$i.json" "d['site'] == json.load(open('$P/truth.json'))['lesions'][$i]['site']" "lesion $i matched to its graded site"
done
json_is "$TMP/exam.json" "all(abs(l['volume_ml'] - t['volume_ml']) <= 0.1 * t['volume_ml'] and 5 < l['si_ratio'] < 7 for l, t in zip(d['lesions'], json.load(open('$P/truth.json'))['lesions']))" "volume_ml and si_ratio recorded on the sites"
json_is "$TMP/exam.json" "d['format'] == 'crmo.exam/1' and d['exam']['id'] == 'PH5-1' and d['lesions'][0]['extent'] == 1" "document otherwise kept"
ls "$TMP"/exam.json.* >/dev/null 2>&1 && { fails=$((fails+1)); echo "FAIL: temporary files left beside the exam"; } || passes=$((passes+1))

# Bad input: exit 2, the document unchanged.
cp "$TMP/exam.json" "$TMP/exam.before.json"
expect 2 "seed outside the body" -- "$CRMO" measure "$O" --seed 0,0,5000 --muscle "${refs[0]}"
expect 2 "seed in muscle, no lesion" -- "$CRMO" measure "$O" --seed "${refs[0]}" --muscle "${refs[0]}" --site femur.diaphysis:L
expect 2 "malformed seed" -- "$CRMO" measure "$O" --seed 1,2
expect 2 "unknown site" -- "$CRMO" measure "$O" --seed "$(python3 -c "import json,sys; print(','.join(map(str,json.load(open(sys.argv[1]))['lesions'][0]['center'])))" "$P/truth.json")" --muscle "${refs[0]}" --site femur.nowhere:L
cmp -s "$TMP/exam.json" "$TMP/exam.before.json" && passes=$((passes+1)) || { fails=$((fails+1)); echo "FAIL: a failed measure changed the exam"; }
expect 2 "ingest of a folder without DICOM" -- "$CRMO" ingest "$TMP/exam.json" --out "$TMP/none"
expect 2 "measure without an ingest" -- "$CRMO" measure "$TMP" --seed 0,0,0

summary "imaging CLI"
