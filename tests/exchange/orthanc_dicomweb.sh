#!/bin/bash
# crmo's DICOMweb client against a real Orthanc with its DICOMweb plugin (issue 8):
# orthanc.sh writes Orthanc's configuration (loopback only, no DICOM port, own storage)
# and starts it on a free port; the test uploads two phantom studies through the REST
# API, finds them with `crmo pull` (QIDO-RS by patient and by date), retrieves a study
# and a series (WADO-RS), and compares what came back with what went in: the same
# instances, the same pixel bytes, and the same whole-body volume from `crmo ingest`.
# Orthanc is stopped by its PID.
# Usage: orthanc_dicomweb.sh CRMO SOURCE_DIR
set -euo pipefail
py=/usr/bin/python3  # Debian's, with python3-pydicom and python3-jsonschema
crmo=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then  # not our child (orthanc.sh started it): wait until it is gone
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# Orthanc with DICOMweb (installed if missing, own configuration, free loopback port).
read -r port pid < <(bash "$here/orthanc.sh" start "$tmp")
[ -n "$pid" ] || { echo "Orthanc did not start" >&2; exit 1; }
base="http://127.0.0.1:$port"

# Two small phantom studies (two patients), uploaded through Orthanc's REST API.
for seed in 3 4; do
  "$crmo" phantom "$tmp/ph$seed" --stations 3 --lesions 2 --seed "$seed" --matrix 64 --slices 10 --noise 2 >/dev/null 2>&1
done
bash "$here/orthanc.sh" upload "$base" "$tmp/ph3" "$tmp/ph4"

# What went in, read with pydicom (independent of crmo).
read -r study3 date3 <<<"$("$py" - "$tmp/ph3" <<'PY'
import pathlib, sys, pydicom
f = next(pathlib.Path(sys.argv[1]).rglob("*.dcm"))
ds = pydicom.dcmread(f, stop_before_pixels=True)
print(ds.StudyInstanceUID, ds.StudyDate)
PY
)"

fail() { echo "FAIL: $*" >&2; exit 1; }

# QIDO-RS by patient id: exactly the one study.
"$crmo" pull --server "$base/dicom-web" --patient PHANTOM-3 --json > "$tmp/find-patient.json"
"$py" - "$tmp/find-patient.json" "$study3" <<'PY' || fail "search by patient"
import json, sys
j = json.load(open(sys.argv[1]))
uids = [s["study_uid"] for s in j["studies"]]
assert uids == [sys.argv[2]], uids
s = j["studies"][0]
assert s["patient_id"] == "PHANTOM-3" and s["series"] == 6 and s["instances"] == 60, s
PY
# QIDO-RS by date range: both studies; a range before them: none.
"$crmo" pull --server "$base/dicom-web" --date "$date3-$date3" --json > "$tmp/find-date.json"
"$py" -c "import json,sys; j=json.load(open(sys.argv[1])); assert len(j['studies'])==2, j" "$tmp/find-date.json" || fail "search by date"
"$crmo" pull --server "$base/dicom-web" --date 19900101-19901231 --json > "$tmp/find-none.json"
"$py" -c "import json,sys; j=json.load(open(sys.argv[1])); assert j['studies']==[], j" "$tmp/find-none.json" || fail "empty search"

# WADO-RS: the whole study, then ingested.
"$crmo" pull --server "$base/dicom-web" --study "$study3" --out "$tmp/pulled" --json > "$tmp/pull.json"
"$py" - "$tmp/ph3" "$tmp/pulled/dicom" "$tmp/pull.json" <<'PY' || fail "retrieved study differs"
import json, pathlib, sys, pydicom
def index(d):
    out = {}
    for f in pathlib.Path(d).rglob("*.dcm"):
        ds = pydicom.dcmread(f)
        out[ds.SOPInstanceUID] = ds
    return out
sent, got = index(sys.argv[1]), index(sys.argv[2])
assert sent.keys() == got.keys(), (len(sent), len(got))
for uid, a in sent.items():
    b = got[uid]
    assert a.PixelData == b.PixelData, uid
    for kw in ("SeriesInstanceUID", "ImagePositionPatient", "ImageOrientationPatient", "PixelSpacing", "PatientID"):
        assert a.get(kw) == b.get(kw), (uid, kw)
s = json.load(open(sys.argv[3]))
assert s["instances"] == len(sent) == 60 and s["series"] >= 2, s
PY
test -f "$tmp/pulled/manifest.json" || fail "no ingest manifest"
# The same whole-body volume as ingesting the phantom's own files.
"$crmo" ingest "$tmp/ph3/dicom" --out "$tmp/local" >/dev/null 2>&1
"$py" - "$tmp/local" "$tmp/pulled" <<'PY' || fail "ingested volumes differ"
import json, pathlib, sys
a, b = (json.load(open(pathlib.Path(d) / "manifest.json")) for d in sys.argv[1:])
va = sorted(v["file"] for v in a["volumes"] if v["kind"] == "whole_body")
vb = sorted(v["file"] for v in b["volumes"] if v["kind"] == "whole_body")
assert va and va == vb, (va, vb)
for name in va:
    x = (pathlib.Path(sys.argv[1]) / name).read_bytes()
    y = (pathlib.Path(sys.argv[2]) / name).read_bytes()
    assert x == y, name
PY

# WADO-RS of one series only.
series=$("$py" -c "
import pathlib, sys, pydicom
f = sorted(pathlib.Path(sys.argv[1]).rglob('*.dcm'))[0]
print(pydicom.dcmread(f, stop_before_pixels=True).SeriesInstanceUID)" "$tmp/ph4")
"$crmo" pull --server "$base/dicom-web" --study "$("$py" -c "
import pathlib, sys, pydicom
f = sorted(pathlib.Path(sys.argv[1]).rglob('*.dcm'))[0]
print(pydicom.dcmread(f, stop_before_pixels=True).StudyInstanceUID)" "$tmp/ph4")" --series "$series" \
  --out "$tmp/series" --no-ingest --json > "$tmp/series.json"
test "$(ls "$tmp/series/dicom")" = "$series" || fail "series retrieval wrote other series"
test "$(ls "$tmp/series/dicom/$series" | wc -l)" = 10 || fail "series retrieval count"

# Errors: an unknown study and a closed port fail with a message and leave no folder.
set +e
"$crmo" pull --server "$base/dicom-web" --study 1.2.3.4.5 --out "$tmp/none" 2> "$tmp/err1"
st1=$?
"$crmo" pull --server "http://127.0.0.1:1/dicom-web" --study "$study3" --out "$tmp/none2" --timeout 5 2> "$tmp/err2"
st2=$?
set -e
[ "$st1" -ne 0 ] && grep -q "1.2.3.4.5" "$tmp/err1" || fail "unknown study: status $st1, $(cat "$tmp/err1")"
[ "$st2" -ne 0 ] || fail "closed port accepted"
[ ! -e "$tmp/none/dicom" ] && [ ! -e "$tmp/none2/dicom" ] || fail "a failed pull left files"
echo "orthanc dicomweb: ok"
