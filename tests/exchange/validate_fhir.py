#!/usr/bin/python3
"""Validates FHIR R4 JSON files against the FHIR R4 JSON schema (fhir.schema.json.xz, see
data/README.md): each resource against its definition, each file as a whole against the
root schema (files of at most ROOT_LIMIT resources: the root's oneOf over every resource
type is slow, and the per-definition check of each resource is the same check). A broken
resource must fail, so that a validator that accepts anything is noticed. Usage: validate_fhir.py SCHEMA.xz FILE.json...  Exit 0 when all are valid."""
import copy
import json
import lzma
import sys

import jsonschema

# The resource types crmo writes; all are HL7 R4 types (the schema's source adds others).
ROOT_LIMIT = 120
R4_TYPES = {"Bundle", "Patient", "ImagingStudy", "DiagnosticReport", "Observation", "CodeSystem"}


def main():
    with lzma.open(sys.argv[1], "rt", encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    root = cls(schema)
    resolver = jsonschema.RefResolver.from_schema(schema)
    per_type = {}

    def errors(resource):
        t = resource.get("resourceType")
        if t not in R4_TYPES:
            return [f"resourceType {t!r} is not one crmo writes ({sorted(R4_TYPES)})"]
        if "meta" in resource:
            return ["meta is not expected (the schema's source extends Meta beyond R4)"]
        if t not in per_type:
            per_type[t] = cls({"$ref": f"#/definitions/{t}"}, resolver=resolver)
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in per_type[t].iter_errors(resource)]

    # Negative control: an Observation with a status outside the R4 code list and a
    # string as valueInteger must be refused.
    bad = {"resourceType": "Observation", "status": "done", "code": {"text": "x"}, "valueInteger": "3"}
    if not errors(bad):
        print("validator accepted an invalid Observation: it checks nothing")
        return 1

    failures = 0
    resources = 0
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        whole = len(doc.get("entry", [])) <= ROOT_LIMIT
        # A Bundle's envelope is checked with its entries' resources left out; each
        # resource is checked against its own definition.
        items = [dict(doc, entry=[{"fullUrl": e["fullUrl"]} for e in doc["entry"]])] if "entry" in doc else [doc]
        if doc.get("resourceType") == "Bundle":
            items += [e["resource"] for e in doc.get("entry", [])]
        if doc.get("resourceType") == "Bundle" and whole:
            # A copy with one entry broken must fail too (the Bundle is validated deeply).
            if doc.get("entry"):
                broken = copy.deepcopy(doc)
                broken["entry"][-1]["resource"]["status"] = "not-a-status"
                if root.is_valid(broken):
                    print(f"{path}: a Bundle with a broken entry passed the root schema")
                    failures += 1
        for r in items:
            resources += 1
            for msg in errors(r):
                failures += 1
                print(f"{path}: {r.get('resourceType')}/{r.get('id')}: {msg}")
        if whole and not root.is_valid(doc):
            failures += 1
            e = jsonschema.exceptions.best_match(root.iter_errors(doc))
            print(f"{path}: not valid against the root schema: {e.message if e else '?'}")
    print(f"{resources} resource(s) in {len(sys.argv) - 2} file(s); {failures} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
