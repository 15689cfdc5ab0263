#!/usr/bin/python3
"""Helpers of deid_bytes.sh (pydicom and Python's hmac, independent of crmo).
  make DIR IDS.json EXAM.json SERIES.txt   give the phantom in DIR a patient's identity
  scan IDS.json OUT PLAIN INPUT            no identifier in any byte under OUT; some in PLAIN and INPUT
  agree IDS.json OUT KEY                   pseudonyms, shifted dates and UIDs agree across exports
  mosaic SRC DIR IDS.json                  a real Siemens mosaic given the identity, some planted in its CSA headers
  mosaic_check IDS.json DEID KEY           only the scrubbed CSA headers are kept private, and declared
  mosaic_same BEFORE AFTER SRC             the ingests before and after de-identification agree (slices, geometry, voxels)
"""
import csv
import datetime
import hashlib
import hmac
import json
import pathlib
import struct
import sys

import pydicom
from pydicom.sequence import Sequence
from pydicom.dataset import Dataset

NAME = "Zyxwvut^Qwerasdf"
IDENTITY = {
    "PatientName": NAME,
    "PatientID": "MRN88123456",
    "PatientBirthDate": "20110317",
    "AccessionNumber": "ACC7734521",
    "InstitutionName": "St Exemplary Hospital",
    "InstitutionAddress": "12 Nowhere Lane, Exampleton",
    "ReferringPhysicianName": "Refdoc^Ulrich",
    "PerformingPhysicianName": "Perfdoc^Hildegard",
    "OperatorsName": "Opname^Gisela",
    "OtherPatientIDs": "OTHERID5566",
    "PatientAddress": "34 Somewhere Road",
    "IssuerOfPatientID": "Exemplary Registry",
    "StudyDescription": "WB MRI Zyxwvut follow up",
    "StudyID": "STUDY4411",
    "PatientComments": "Sibling of Qwerasdf",
    "StationName": "EXAMPLESTATION7",
}
STUDY_DATE = "20240611"


def make(d, ids_path, exam_path, series_path):
    d = pathlib.Path(d)
    uids, stir = set(), set()
    for f in sorted(d.rglob("*.dcm")):
        ds = pydicom.dcmread(f)
        for kw, v in IDENTITY.items():
            setattr(ds, kw, v)
        for elem in ds.iterall():
            if elem.VR == "DA" and elem.keyword != "PatientBirthDate":
                elem.value = STUDY_DATE
        block = ds.private_block(0x0009, "CRMO TEST PRIVATE", create=True)
        block.add_new(0x01, "LO", IDENTITY["PatientID"])
        block.add_new(0x02, "PN", NAME)
        req = Dataset()
        req.RequestedProcedureID = IDENTITY["AccessionNumber"]
        req.ScheduledProcedureStepID = "SPS9911"
        ds.RequestAttributesSequence = Sequence([req])
        ds.save_as(f)
        for kw in ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "FrameOfReferenceUID"):
            if kw in ds:
                uids.add(str(getattr(ds, kw)))
        if "STIR" in str(ds.SeriesDescription).upper():
            stir.add(str(ds.SeriesInstanceUID))
    truth = json.load(open(d / "truth.json"))
    assert truth["lesions"], "the phantom has no lesions"
    exam = {"format": "crmo.exam/1",
            "patient": {"id": IDENTITY["PatientID"], "sex": "F", "birth_date": "2011-03-17"},
            "exam": {"id": IDENTITY["AccessionNumber"], "date": "2024-06-11", "timepoint": "baseline", "reader": "R1"},
            "clinical": {"pga": 4, "esr": 20},
            "lesions": [{"site": l["site"], "signal": 2, "extent": 2, "volume_ml": round(l["volume_ml"], 3),
                         "si_ratio": 5.5} for l in truth["lesions"]]}
    json.dump(exam, open(exam_path, "w"), indent=1)
    pathlib.Path(series_path).write_text("".join(u + "\n" for u in sorted(stir)))
    strings = [v for v in IDENTITY.values()] + ["SPS9911"]
    json.dump({"strings": strings, "dates": [STUDY_DATE, IDENTITY["PatientBirthDate"]], "uids": sorted(uids),
               "patient_id": IDENTITY["PatientID"], "birth": "2011-03-17", "exam_date": "2024-06-11"},
              open(ids_path, "w"), indent=1)


def forms(ids):
    """Every byte string an identifier could be written as."""
    out = {}
    def add(label, s):
        for t in {s, s.upper(), s.lower()}:
            for enc in ("utf-8", "utf-16-le", "utf-16-be"):
                out[t.encode(enc)] = label
    for s in ids["strings"]:
        add(s, s)
        add(s, s.replace("^", " "))
        add(s, s.replace("^", ", "))
        for part in s.replace("^", " ").replace(",", " ").split():
            if len(part) >= 7 and not part.isdigit() and part.lower() not in ("hospital", "registry", "somewhere"):
                add(s, part)
    for da in ids["dates"]:
        y, m, d = da[:4], da[4:6], da[6:]
        for t in (da, f"{y}-{m}-{d}", f"{y}/{m}/{d}", f"{d}.{m}.{y}", f"{d}/{m}/{y}", f"{m}/{d}/{y}"):
            add(da, t)
    for u in ids["uids"]:
        out[u.encode()] = "UID " + u
    return out


def hits(root, patterns):
    found = []
    for f in sorted(pathlib.Path(root).rglob("*")):
        names = str(f.relative_to(root)).encode()
        data = f.read_bytes() if f.is_file() else b""
        for p, label in patterns.items():
            if p in data or p in names:
                found.append((str(f), label, p))
    return found


def scan(ids_path, out, plain, inp):
    ids = json.load(open(ids_path))
    patterns = forms(ids)
    bad = hits(out, patterns)
    for f, label, p in bad[:40]:
        print(f"identifier in de-identified output: {f}: {label!r} as {p!r}")
    files = [f for f in pathlib.Path(out).rglob("*") if f.is_file()]
    assert len(files) >= 8, files
    # Control: the same scan finds the identity where it was not removed.
    control = {label for _, label, _ in hits(plain, patterns)} | {label for _, label, _ in hits(inp, patterns)}
    for must in (NAME, IDENTITY["PatientID"], IDENTITY["AccessionNumber"], "20110317", STUDY_DATE):
        assert must in control, f"control scan did not find {must!r}: the scan is blind"
    print(f"scanned {len(files)} de-identified file(s) for {len(patterns)} byte patterns: {len(bad)} hit(s)")
    if bad:
        sys.exit(1)


ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ0123456789"


def oracle(key, patient):
    """The documented pseudonym and date offset (docs/exchange.md), from Python's hmac."""
    mac = lambda dom: hmac.new(key, dom.encode() + b"\0" + patient.encode(), hashlib.sha256).digest()
    bits = "".join(f"{b:08b}" for b in mac("patient"))[:80]
    pseudo = "PX" + "".join(ALPHABET[int(bits[i:i + 5], 2)] for i in range(0, 80, 5))
    offset = 1 + int.from_bytes(mac("date-offset")[:4], "big") % 365
    return pseudo, offset


def agree(ids_path, out, key_path):
    ids = json.load(open(ids_path))
    out = pathlib.Path(out)
    key = bytes.fromhex(pathlib.Path(key_path).read_text().strip())
    pseudo, offset = oracle(key, ids["patient_id"])
    shift = lambda iso: (datetime.date.fromisoformat(iso) - datetime.timedelta(days=offset)).isoformat()
    exam_date, birth = shift(ids["exam_date"]), shift(ids["birth"])
    dcm = lambda iso: iso.replace("-", "")
    images = [pydicom.dcmread(f) for f in sorted((out / "dicom").glob("*.dcm"))]
    assert images
    sops = {str(d.SOPInstanceUID) for d in images}
    for d in images:
        assert d.PatientID == pseudo and str(d.PatientName) == pseudo, (d.PatientID, pseudo)
        assert d.StudyDate == dcm(exam_date) and d.PatientBirthDate == dcm(birth), (d.StudyDate, exam_date)
        assert d.PatientIdentityRemoved == "YES"
        assert not any(e.tag.is_private for e in d.iterall()), "private attribute kept"
        assert "AccessionNumber" not in d or d.AccessionNumber == ""
    study = images[0].StudyInstanceUID
    for name in ("sr.dcm", "sr-later"):
        p = out / name
        srs = [pydicom.dcmread(p)] if p.is_file() else [pydicom.dcmread(f) for f in p.glob("*.dcm")]
        assert len(srs) == 1, name
        sr = srs[0]
        assert sr.PatientID == pseudo and sr.StudyInstanceUID == study, (name, sr.PatientID, sr.StudyInstanceUID)
        assert sr.StudyDate == dcm(exam_date), (name, sr.StudyDate)
        assert "ContentSequence" in sr and len(sr.ContentSequence) > 3, f"{name}: report content lost"
        refs = {s.ReferencedSOPInstanceUID for st in sr.CurrentRequestedProcedureEvidenceSequence
                for se in st.ReferencedSeriesSequence for s in se.ReferencedSOPSequence}
        assert refs and refs <= sops, f"{name}: references images that are not the de-identified ones"
    bundle = json.load(open(out / "fhir.json"))
    res = [e["resource"] for e in bundle["entry"]]
    pat = [r for r in res if r["resourceType"] == "Patient"]
    assert len(pat) == 1 and pat[0]["identifier"][0]["value"] == pseudo and pat[0]["birthDate"] == birth, pat
    rep = [r for r in res if r["resourceType"] == "DiagnosticReport"]
    assert rep[0]["effectiveDateTime"] == exam_date, rep[0]["effectiveDateTime"]
    rows = list(csv.DictReader(open(out / "redcap.csv", encoding="utf-8")))
    assert rows[0]["patient_id"] == pseudo and rows[0]["exam_date"] == exam_date and rows[0]["birth_date"] == birth
    exams = list(csv.DictReader(open(out / "cohort" / "exams.csv", encoding="utf-8")))
    assert exams[0]["patient_id"] == pseudo and exams[0]["exam_date"] == exam_date
    print(f"pseudonym {pseudo}, dates moved back {offset} days, the same in every export")


def csa_read(b):
    """Siemens CSA "SV10" header -> [(name, vr, [items])] (nibabel's layout, written out here)."""
    assert b[:4] == b"SV10", b[:4]
    n = struct.unpack("<I", b[8:12])[0]
    at, out = 16, []
    for _ in range(n):
        name = b[at:at + 64].split(b"\0")[0].decode()
        vr = b[at + 68:at + 72].split(b"\0")[0].decode()
        nitems = struct.unpack("<I", b[at + 76:at + 80])[0]
        at += 84
        items = []
        for _ in range(nitems):
            ln = struct.unpack("<I", b[at + 4:at + 8])[0]
            at += 16
            items.append(b[at:at + ln].split(b"\0")[0])
            at += (ln + 3) // 4 * 4
        out.append((name, vr, items))
    return out


def csa_write(entries, garbage):
    """The header again, with `garbage` after every NUL as scanners leave it."""
    b = b"SV10\4\3\2\1" + struct.pack("<II", len(entries), 77)
    for name, vr, items in entries:
        b += (name.encode() + b"\0" + garbage).ljust(64, b"\xcd")[:64]
        b += struct.pack("<i4sii i", len(items), vr.encode(), 6, len(items), 77)
        for v in items:
            ln = len(v) + 1 if v else 0
            b += struct.pack("<4i", ln, ln, 77 if ln else 205, ln)
            if ln:
                b += (v + b"\0" + garbage).ljust((ln + 3) // 4 * 4, b"\0")[:(ln + 3) // 4 * 4]
    return b + b"\0" * 4


def mosaic(src, dst, ids_path):
    """Copies the mosaic series SRC to DST with the identity of make(), and plants
    identifiers where only a CSA scrub can remove them: a coil string, an extra entry, the
    Phoenix protocol (quoted and numeric lines), and the garbage after NULs."""
    dst = pathlib.Path(dst)
    dst.mkdir(parents=True)
    ids = json.load(open(ids_path))
    uids = set(ids["uids"])
    garbage = (IDENTITY["PatientID"] + NAME).encode()
    files = sorted(pathlib.Path(src).glob("*.dcm"))
    assert files, f"no mosaic files in {src}"
    for f in files:
        ds = pydicom.dcmread(f)
        assert "MOSAIC" in ds.ImageType and ds[0x0029, 0x0010].value.startswith("SIEMENS CSA HEADER")
        for kw in ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "FrameOfReferenceUID"):
            uids.add(str(getattr(ds, kw)))
        for kw, v in IDENTITY.items():
            setattr(ds, kw, v)
        for elem in ds.iterall():
            if elem.VR == "DA" and elem.keyword != "PatientBirthDate":
                elem.value = STUDY_DATE
        image = csa_read(ds[0x0029, 0x1010].value)
        image = [(n, vr, [NAME.encode()] if n == "ImaCoilString" else items) for n, vr, items in image]
        image.append(("PatientName", "PN", [NAME.encode()]))
        ds[0x0029, 0x1010].value = csa_write(image, garbage)
        series = csa_read(ds[0x0029, 0x1020].value)
        planted = (f'tPatientName\t = \t""{NAME}""\ntPatientID\t = \t""{IDENTITY["PatientID"]}""\n'
                   f'sPatient.lBirthDate\t = \t{IDENTITY["PatientBirthDate"]}\n').encode()
        fixed = []
        for n, vr, items in series:
            if n == "MrPhoenixProtocol":
                text = items[0]
                for ref in text.split(b"tReferenceImage")[1:]:
                    uids.add(ref.split(b'""')[1].decode())
                i = text.index(b"### ASCCONV END")
                items = [text[:i] + planted + text[i:]]
            fixed.append((n, vr, items))
        ds[0x0029, 0x1020].value = csa_write(fixed, garbage)
        # Control: the identity is in the CSA headers now (a scan of a raw copy would find it).
        raw = ds[0x0029, 0x1010].value + ds[0x0029, 0x1020].value
        for must in (NAME, IDENTITY["PatientID"], IDENTITY["PatientBirthDate"], "1.3.12.2.1107.5.2.19.45160.2018"):
            assert must.encode() in raw, must
        ds.save_as(dst / f.name)
    ids["uids"] = sorted(uids)
    ids["strings"] += ["Test^Regression", "AWP45160"]  # the mosaic's own identity
    ids["dates"] += ["20180918", "19700101"]
    json.dump(ids, open(ids_path, "w"), indent=1)


def mosaic_check(ids_path, deid, key_path):
    ids = json.load(open(ids_path))
    key = bytes.fromhex(pathlib.Path(key_path).read_text().strip())
    pseudo, _ = oracle(key, ids["patient_id"])
    files = sorted(pathlib.Path(deid).glob("*.dcm"))
    assert files
    for f in files:
        d = pydicom.dcmread(f)
        assert d.PatientID == pseudo, d.PatientID
        private = sorted((e.tag.group, e.tag.element) for e in d.iterall() if e.tag.is_private)
        assert private == [(0x29, 0x10), (0x29, 0x1010), (0x29, 0x1020)], [hex(g << 16 | e) for g, e in private]
        assert d[0x0029, 0x0010].value == "SIEMENS CSA HEADER"
        codes = {c.CodeValue for c in d.DeidentificationMethodCodeSequence}
        assert "113111" in codes, codes  # Retain Safe Private Option
        block = d.PrivateDataElementCharacteristicsSequence[0]
        assert (block.PrivateGroupReference, block.PrivateCreatorReference, block.BlockIdentifyingInformationStatus) \
            == (0x0029, "SIEMENS CSA HEADER", "SAFE")
        image = {n: items for n, _, items in csa_read(d[0x0029, 0x1010].value)}
        assert "NumberOfImagesInMosaic" in image and "SliceNormalVector" in image, sorted(image)
        assert "ImaCoilString" not in image and "PatientName" not in image, sorted(image)
        series = {n: items for n, _, items in csa_read(d[0x0029, 0x1020].value)}
        asc = series["MrPhoenixProtocol"][0].decode()
        assert asc.startswith("### ASCCONV BEGIN ###\n") and "sKSpace." in asc and '"' not in asc, asc[:300]
    print(f"{len(files)} de-identified mosaic file(s): only the scrubbed CSA headers kept, declared safe")


def mosaic_same(before, after, src):
    """Ingests of the original and the de-identified mosaic: same slices, geometry, voxels."""
    ma = json.load(open(pathlib.Path(before) / "manifest.json"))
    mb = json.load(open(pathlib.Path(after) / "manifest.json"))
    ds = pydicom.dcmread(sorted(pathlib.Path(src).glob("*.dcm"))[0])
    tiles = ds[0x0019, 0x100a].value  # NumberOfImagesInMosaic of the Siemens MR header (removed by deid)
    sa, sb = ma["series"], mb["series"]
    assert len(sa) == len(sb) == 1, (len(sa), len(sb))
    a, b = sa[0], sb[0]
    assert a["mosaic"] and b["mosaic"], "not read as a mosaic"
    assert a["geometry"]["dims"][2] == tiles == b["geometry"]["dims"][2], (a["geometry"], b["geometry"], tiles)
    assert a["slices"] == b["slices"], (a["slices"], b["slices"])
    for k in ("dims", "spacing_mm", "origin_lps", "axes_lps", "far_corner_lps"):
        assert a["geometry"][k] == b["geometry"][k], (k, a["geometry"][k], b["geometry"][k])
    def voxels(m, root):
        import gzip
        raw = open(pathlib.Path(root) / m["file"], "rb").read()
        if m["file"].endswith(".gz"):
            raw = gzip.decompress(raw)
        off = int(struct.unpack("<f", raw[108:112])[0])
        return raw[off:]
    va, vb = voxels(a, before), voxels(b, after)
    assert len(va) > 0 and va == vb, "voxels differ"
    print(f"mosaic: {a['geometry']['dims']} x {a['slices']} slices, same geometry and voxels after de-identification")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"make": make, "scan": scan, "agree": agree, "mosaic": mosaic, "mosaic_check": mosaic_check,
     "mosaic_same": mosaic_same}[cmd](*args)
