#!/bin/bash
# `crmo sr` writes a TID 1500 measurement report that DCMTK's dsrdump reads without error
# and that holds what the exam says: one measurement group per graded site with its grades,
# unit score, volume and signal ratio, the exam total, and the source series as image
# library and evidence (issue 8). Values are checked against the exam and the scoring
# core's `crmo score --json`, not against crmo's own SR output. The referenced SOP
# instances (evidence, image library, and each seeded site's source image) must be those
# `crmo ingest` recorded per slice in its manifest, the seed's slice computed here from the
# manifest geometry.
# Usage: sr_dsrdump.sh CRMO SOURCE_DIR
set -euo pipefail
py=/usr/bin/python3  # Debian's, with python3-pydicom and python3-jsonschema
crmo=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v dsrdump >/dev/null || fail "dsrdump missing: apt-get install -y dcmtk"

"$crmo" phantom "$tmp/ph" --stations 2 --lesions 3 --seed 11 --matrix 64 --pixel 6 --slices 20 --slice-mm 6 >/dev/null 2>&1
# The exam: the phantom's lesions as graded sites, with their true volumes.
"$py" - "$tmp/ph" "$tmp/exam.json" "$tmp/series.txt" "$tmp/seeds.txt" <<'PY'
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
# The lesion centres (LPS mm) as the seeds a reader gives `crmo measure`; all but the last
# site, so that one group has no image reference.
with open(sys.argv[4], "w") as f:
    for l in truth["lesions"][:-1]:
        f.write(f"{l['site']}=" + ",".join(f"{c:g}" for c in l["center"]) + "\n")
PY
study=$(head -1 "$tmp/series.txt")
args=() images=0
while read -r uid n; do args+=(--series-uid "$uid"); images=$((images + n)); done < <(tail -n +2 "$tmp/series.txt")
seeds=()
while read -r s; do seeds+=(--seed "$s"); done < "$tmp/seeds.txt"
"$crmo" ingest "$tmp/ph/dicom" --out "$tmp/ingest" >/dev/null 2>&1 || fail "ingest of the phantom"

"$crmo" sr "$tmp/exam.json" --dicom "$tmp/ph/dicom" "${args[@]}" "${seeds[@]}" --out "$tmp/sr.dcm" --json > "$tmp/sr.json"
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

# The instances: evidence and image library are exactly the ingested slices of the source
# series (manifest slice_instances); each seeded site's measurements reference the slice
# holding its seed (nearest plane, from the manifest geometry), the last site none.
"$py" - "$tmp/sr.dcm" "$tmp/ingest/manifest.json" "$tmp/series.txt" "$tmp/seeds.txt" "$tmp/sr.json" "$tmp/dump.txt" <<'PY'
import json, sys, pydicom
ds = pydicom.dcmread(sys.argv[1])
manifest = json.load(open(sys.argv[2]))
want_series = {l.split()[0] for l in open(sys.argv[3]).read().split("\n")[1:] if l.strip()}
seeds = {l.split("=")[0]: [float(x) for x in l.split("=")[1].split(",")] for l in open(sys.argv[4]) if l.strip()}
summary = json.load(open(sys.argv[5]))
dump = open(sys.argv[6]).read()
ingested = {}
for s in manifest["series"]:
    if s["series_uid"] in want_series:
        assert len(s["slice_instances"]) == s["slices"] > 0, s["id"]
        ingested.setdefault(s["series_uid"], []).append(s)
assert set(ingested) == want_series, (set(ingested), want_series)
manifest_sops = {i["sop_instance_uid"] for ss in ingested.values() for s in ss for i in s["slice_instances"]}
evidence = {r.ReferencedSOPInstanceUID for st in ds.CurrentRequestedProcedureEvidenceSequence
            for se in st.ReferencedSeriesSequence for r in se.ReferencedSOPSequence}
assert evidence == manifest_sops, (len(evidence), len(manifest_sops))
for uid in manifest_sops:
    assert uid in dump, f"image library lacks {uid}"

def slices_holding(p):
    """(distance to plane, SOP UID) of every ingested slice whose plane holds p."""
    out = []
    for ss in ingested.values():
        for s in ss:
            g = s["geometry"]
            v = [p[i] - g["origin_lps"][i] for i in range(3)]
            idx = [sum(v[i] * g["axes_lps"][a][i] for i in range(3)) / g["spacing_mm"][a] for a in range(3)]
            k = round(idx[2])
            if all(-0.5 <= idx[a] <= g["dims"][a] - 0.5 for a in range(2)) and 0 <= k < g["dims"][2]:
                out.append((abs(idx[2] - k) * g["spacing_mm"][2], s["slice_instances"][k]["sop_instance_uid"]))
    return out

def groups(items):
    for it in items:
        if it.ValueType == "CONTAINER" and it.ConceptNameCodeSequence[0].CodeMeaning == "Measurement Group":
            yield it
        if "ContentSequence" in it:
            yield from groups(it.ContentSequence)

def walk(items):
    for it in items:
        yield it
        if "ContentSequence" in it:
            yield from walk(it.ContentSequence)

found = {}
for g in groups(ds.ContentSequence):
    items = list(walk(g.ContentSequence))
    site = next(i.TextValue for i in items if i.ValueType == "TEXT"
                and i.ConceptNameCodeSequence[0].CodeMeaning == "Tracking Identifier")
    refs = [(i.ConceptNameCodeSequence[0].CodeValue, i.ReferencedSOPSequence[0].ReferencedSOPInstanceUID)
            for i in items if i.ValueType == "IMAGE"]
    found[site] = refs
assert len(seeds) >= 1 and set(seeds) < set(found), (seeds, found.keys())
for site, p in seeds.items():
    cand = slices_holding(p)
    assert cand, f"{site}: no ingested slice holds {p}"
    best = min(d for d, _ in cand)
    ok = {uid for d, uid in cand if d <= best + 1e-6}
    refs = found[site]
    # volume, diameter and signal ratio each name their source image (121112 Source of Measurement)
    assert len(refs) == 3 and all(c == "121112" for c, _ in refs), (site, refs)
    assert {u for _, u in refs} <= ok, (site, refs, ok)
    assert summary["seed_images"][site] in ok, (site, summary["seed_images"])
    assert refs[0][1] in evidence
for site in set(found) - set(seeds):
    assert not found[site], (site, found[site])
print(f"{len(evidence)} instances referenced = the ingested slices; {len(seeds)} seeded site(s) reference their slice")
PY

# A seed outside every image, or on a site the exam does not grade, is bad input (exit 2).
for bad in "$(head -1 "$tmp/seeds.txt" | cut -d= -f1)=0,0,99999" "femur.shaft:L=0,0,0" "tibia:L=1,2"; do
  set +e
  "$crmo" sr "$tmp/exam.json" --dicom "$tmp/ph/dicom" "${args[@]}" --seed "$bad" --out "$tmp/bad.dcm" 2> "$tmp/err"
  st=$?
  set -e
  [ "$st" = 2 ] && grep -q -- "--seed" "$tmp/err" && [ ! -e "$tmp/bad.dcm" ] || { cat "$tmp/err" >&2; fail "bad seed $bad: status $st"; }
done

# A series that is not in the folder is bad input (exit 2), and nothing is written.
set +e
"$crmo" sr "$tmp/exam.json" --dicom "$tmp/ph/dicom" --series-uid 1.2.3.999 --out "$tmp/none.dcm" 2> "$tmp/err"
st=$?
set -e
[ "$st" = 2 ] && grep -q "1.2.3.999" "$tmp/err" && [ ! -e "$tmp/none.dcm" ] || fail "missing series: status $st"
echo "sr dsrdump: ok"
