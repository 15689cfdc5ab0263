#!/bin/bash
# `crmo sr` writes a TID 1500 measurement report that DCMTK's dsrdump reads without error
# and that holds what the exam says: one measurement group per graded site with its grades,
# unit score, volume and signal ratio, the exam total, and the source series as image
# library and evidence (issue 8). Values are checked against the exam and the scoring
# core's `crmo score --json`, not against crmo's own SR output.
# Usage: sr_dsrdump.sh CRMO SOURCE_DIR
set -euo pipefail
py=/usr/bin/python3  # Debian's, with python3-pydicom and python3-jsonschema
crmo=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v dsrdump >/dev/null || fail "dsrdump missing: apt-get install -y dcmtk"

"$crmo" phantom "$tmp/ph" --stations 2 --lesions 3 --seed 11 --matrix 64 --pixel 5 --slices 12 --slice-mm 6 >/dev/null 2>&1
# The exam: the phantom's lesions as graded sites, with their true volumes.
"$py" - "$tmp/ph" "$tmp/exam.json" "$tmp/series.txt" <<'PY'
import json, pathlib, sys, pydicom
ph = pathlib.Path(sys.argv[1])
truth = json.load(open(ph / "truth.json"))
series = {}
for f in ph.rglob("*.dcm"):
    ds = pydicom.dcmread(f, stop_before_pixels=True)
    series.setdefault(ds.SeriesInstanceUID, [ds.SeriesDescription, ds.StudyInstanceUID, 0])[2] += 1
stir = sorted(uid for uid, (d, _, _) in series.items() if "STIR" in d.upper())
assert stir, series
assert len(truth["lesions"]) >= 2, "the phantom has too few lesions for this test"
lesions = []
for i, l in enumerate(truth["lesions"]):
    g = {"site": l["site"], "signal": 2, "extent": 1 + i % 3, "soft_tissue": i % 2,
         "volume_ml": round(l["volume_ml"], 4), "si_ratio": 5.25 + i, "max_diameter_mm": 12.5 + i}
    if i == 0:
        g["symptomatic"] = True
    if "physis" in l["site"]:
        g["physis"] = "abutting"
    lesions.append(g)
json.dump({"format": "crmo.exam/1", "patient": {"id": "PHANTOM-11", "sex": "F", "birth_date": "2016-01-01"},
           "exam": {"id": "PH11-1", "date": "2026-01-01"}, "lesions": lesions}, open(sys.argv[2], "w"))
with open(sys.argv[3], "w") as f:
    f.write(series[stir[0]][1] + "\n")
    for uid in stir:
        f.write(f"{uid} {series[uid][2]}\n")
PY
study=$(head -1 "$tmp/series.txt")
args=() images=0
while read -r uid n; do args+=(--series-uid "$uid"); images=$((images + n)); done < <(tail -n +2 "$tmp/series.txt")

"$crmo" sr "$tmp/exam.json" --dicom "$tmp/ph/dicom" "${args[@]}" --out "$tmp/sr.dcm" --json > "$tmp/sr.json"
"$crmo" score "$tmp/exam.json" --json > "$tmp/score.json"

dsrdump +Pc +Pt +Pu +Pl "$tmp/sr.dcm" > "$tmp/dump.txt" 2> "$tmp/dump.err" || { cat "$tmp/dump.err" >&2; fail "dsrdump failed"; }
if grep -Ei "^(E|F):|error" "$tmp/dump.err"; then fail "dsrdump reported errors"; fi

"$py" - "$tmp/dump.txt" "$tmp/exam.json" "$tmp/score.json" "$tmp/sr.json" "$images" <<'PY'
import json, re, sys
dump = open(sys.argv[1]).read()
exam = json.load(open(sys.argv[2]))
score = json.load(open(sys.argv[3]))["exams"][0]
summary = json.load(open(sys.argv[4]))
images = int(sys.argv[5])
def need(text, what):
    assert text in dump, f"{what}: '{text}' not in dsrdump output"
need("Enhanced SR Document", "document type")
need("Imaging Measurement Report", "document title")
need("TID 1500", "template")
need("Image Library", "image library")
need("Measurement Group", "groups")
need("PHANTOM", "patient from the source images")
assert dump.count("MR image") >= images, (dump.count("MR image"), images)
groups = dump.count('"Measurement Group"')
assert groups == len(exam["lesions"]) + 1 == summary["measurement_groups"], (groups, summary)
site_scores = {s["site"]: s["score"] for s in score["sites"]}
for l in exam["lesions"]:
    need(f'"{l["site"]}"', "tracking identifier")
    m = re.search(r'"%s".*?(?="Measurement Group"|\Z)' % re.escape(l["site"]), dump, re.S)
    block = m.group(0)
    for item, unit in (("signal", "grade"), ("extent", "grade")):
        assert re.search(r'%s grade.*="%d" \(\{grade\},UCUM' % (item, l[item]), block), (l["site"], item, block[:2000])
    assert re.search(r'CROMRIS unit score.*="%d" \(\{score\}' % site_scores[l["site"]], block), (l["site"], block[:2000])
    v = re.search(r'Volume from Voxel Summation.*?="([0-9.e+-]+)" \(mL,UCUM', block)
    assert v and abs(float(v.group(1)) - l["volume_ml"]) <= 1e-4 * max(1, l["volume_ml"]), (l["site"], v and v.group(1))
    r = re.search(r'Lesion to muscle signal ratio.*?="([0-9.e+-]+)" \(1,UCUM', block)
    assert r and float(r.group(1)) == l["si_ratio"], (l["site"], r and r.group(1))
    d = re.search(r'Diameter.*?="([0-9.e+-]+)" \(mm,UCUM', block)
    assert d and float(d.group(1)) == l["max_diameter_mm"], (l["site"], d and d.group(1))
    side = l["site"].rsplit(":", 1)[1]
    if side in "LR":
        need({"L": "(7771000,SCT", "R": "(24028007,SCT"}[side], "laterality")
assert re.search(r'RAI-CROMRIS total.*="%d"' % score["rai_total"], dump), score["rai_total"]
need("(373066001,SCT", "symptomatic yes")
PY

# The header: new series in the source study, evidence naming every source series.
"$py" - "$tmp/sr.dcm" "$study" "$tmp/series.txt" <<'PY'
import sys, pydicom
ds = pydicom.dcmread(sys.argv[1])
assert ds.SOPClassUID == "1.2.840.10008.5.1.4.1.1.88.22", ds.SOPClassUID
assert ds.Modality == "SR" and ds.StudyInstanceUID == sys.argv[2]
want = {l.split()[0] for l in open(sys.argv[3]).read().split("\n")[1:] if l.strip()}
got = {s.SeriesInstanceUID for st in ds.CurrentRequestedProcedureEvidenceSequence for s in st.ReferencedSeriesSequence}
assert got == want, (got, want)
assert ds.SeriesInstanceUID not in want
PY

# A series that is not in the folder is bad input (exit 2), and nothing is written.
set +e
"$crmo" sr "$tmp/exam.json" --dicom "$tmp/ph/dicom" --series-uid 1.2.3.999 --out "$tmp/none.dcm" 2> "$tmp/err"
st=$?
set -e
[ "$st" = 2 ] && grep -q "1.2.3.999" "$tmp/err" && [ ! -e "$tmp/none.dcm" ] || fail "missing series: status $st"
echo "sr dsrdump: ok"
