#!/bin/bash
# Every FHIR resource crmo writes (examples, a generated cohort with follow-ups, a
# de-identified export, the CodeSystems) is valid against the official FHIR R4 JSON schema.
# Usage: fhir_schema.sh CRMO SOURCE_DIR
set -euo pipefail
py=/usr/bin/python3  # Debian's, with python3-pydicom and python3-jsonschema
crmo=$1 src=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$crmo" fhir "$src/examples/exams" "$tmp/examples.json" --codesystems "$tmp/cs"
"$crmo" synth "$tmp/cohort" --patients 15 --seed 8 --followup 0.5 >/dev/null
"$crmo" fhir "$tmp/cohort" "$tmp/cohort.json"
"$crmo" deid keygen "$tmp/key"
"$crmo" fhir "$tmp/cohort" "$tmp/cohort-deid.json" --deid "$tmp/key"

# The bundles hold what they should before their form is checked.
"$py" - "$tmp/cohort.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
types = [e["resource"]["resourceType"] for e in b["entry"]]
assert types.count("DiagnosticReport") >= 15, types.count("DiagnosticReport")
assert types.count("DiagnosticReport") == types.count("ImagingStudy")
assert types.count("Patient") == 15, types.count("Patient")
assert types.count("Observation") > 10 * types.count("DiagnosticReport")
PY

/usr/bin/python3 "$here/validate_fhir.py" "$here/data/fhir.schema.json.xz" \
  "$tmp/examples.json" "$tmp/cohort.json" "$tmp/cohort-deid.json" "$tmp"/cs/*.json
