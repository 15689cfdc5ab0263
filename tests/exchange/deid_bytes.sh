#!/bin/bash
# De-identification (issue 8): a phantom study is given a patient's identity (name, ids,
# birth date, accession, institution, physicians, address, dates, a private block), and the
# same patient's exam is exported de-identified every way crmo can (DICOM, SR, FHIR, REDCap,
# exam tables and documents). No identifier of the input may appear in any byte of any
# output file, in any of the encodings it could take (DICOM padded values, upper/lower
# case, name components, ISO and DICOM dates, UTF-16). The same scan must find the
# identifiers in the identified exports, so that a blind scan cannot pass. Pseudonyms and
# shifted dates must agree across the exports, and the de-identified SR must reference
# the de-identified images. A real Siemens mosaic (dcm2niix's dcm_qa_nih, by path) gets the
# same identity, some of it planted in its CSA headers, which crmo keeps scrubbed (Retain
# Safe Private): it must read into the same slices, geometry and voxels as before.
# Usage: deid_bytes.sh CRMO SOURCE_DIR
set -euo pipefail
py=/usr/bin/python3  # Debian's, with python3-pydicom and python3-jsonschema
crmo=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$crmo" phantom "$tmp/ph" --stations 2 --lesions 2 --seed 21 --matrix 64 --pixel 5 --slices 8 --slice-mm 6 >/dev/null 2>&1
# Give the study an identity (pydicom, independent of crmo), and remember every UID.
"$py" "$here/deid_identity.py" make "$tmp/ph" "$tmp/ids.json" "$tmp/exam.json" "$tmp/series.txt"
mosaic_src=$2/../shared/data/dicom/dcm_qa_nih/In/20180918Si/mr_0003
[ -d "$mosaic_src" ] || fail "missing test data $mosaic_src"
"$py" "$here/deid_identity.py" mosaic "$mosaic_src" "$tmp/mosaic" "$tmp/ids.json"

"$crmo" deid keygen "$tmp/key" >/dev/null
out=$tmp/out
mkdir -p "$out" "$tmp/plain"
series_args=()
while read -r uid; do series_args+=(--series-uid "$uid"); done < "$tmp/series.txt"

# Every de-identified export.
"$crmo" deid dicom "$tmp/ph/dicom" "$out/dicom" --key "$tmp/key" >/dev/null
"$crmo" deid dicom "$tmp/mosaic" "$out/mosaic" --key "$tmp/key" >/dev/null
"$crmo" sr "$tmp/exam.json" --dicom "$tmp/ph/dicom" "${series_args[@]}" --deid "$tmp/key" --out "$out/sr.dcm" >/dev/null
"$crmo" fhir "$tmp/exam.json" "$out/fhir.json" --deid "$tmp/key" >/dev/null
"$crmo" redcap export "$tmp/exam.json" "$out/redcap.csv" --deid "$tmp/key" >/dev/null
"$crmo" deid exams "$tmp/exam.json" "$out/cohort" --key "$tmp/key" >/dev/null
"$crmo" deid exams "$tmp/exam.json" "$out/docs" --key "$tmp/key" --to json >/dev/null
# An identified SR de-identified afterwards like any DICOM file.
"$crmo" sr "$tmp/exam.json" --dicom "$tmp/ph/dicom" "${series_args[@]}" --out "$tmp/plain/sr.dcm" >/dev/null
"$crmo" deid dicom "$tmp/plain/sr.dcm" "$out/sr-later" --key "$tmp/key" >/dev/null
# The identified exports, for the control scan.
"$crmo" fhir "$tmp/exam.json" "$tmp/plain/fhir.json" >/dev/null
"$crmo" redcap export "$tmp/exam.json" "$tmp/plain/redcap.csv" >/dev/null

"$py" "$here/deid_identity.py" scan "$tmp/ids.json" "$out" "$tmp/plain" "$tmp/ph/dicom"
"$py" "$here/deid_identity.py" agree "$tmp/ids.json" "$out" "$tmp/key"
"$py" "$here/deid_identity.py" mosaic_check "$tmp/ids.json" "$out/mosaic" "$tmp/key"

# The de-identified images are still a readable exam.
"$crmo" ingest "$out/dicom" --out "$tmp/ingest" >/dev/null 2>&1 || fail "de-identified images do not ingest"
# The de-identified mosaic is still cut into the same slices (crmo needs its CSA header).
"$crmo" ingest "$mosaic_src" --out "$tmp/mosaic-before" >/dev/null 2>&1 || fail "the original mosaic does not ingest"
"$crmo" ingest "$out/mosaic" --out "$tmp/mosaic-after" >/dev/null 2>&1 || fail "the de-identified mosaic does not ingest"
"$py" "$here/deid_identity.py" mosaic_same "$tmp/mosaic-before" "$tmp/mosaic-after" "$mosaic_src"
echo "deid bytes: ok"
