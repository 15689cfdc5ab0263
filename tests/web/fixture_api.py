#!/usr/bin/python3
"""A stand-in for `crmo serve` while developing the page only: serves web/ from disk and
answers the API of notes/api-contract.md from memory (examples/exams, data/). Scores
with spec/scoring.md's formula. NOT the server: the browser test uses the real one.

    python3 tests/web/fixture_api.py --port 8043   # users: rita/reader, sam/researcher (any password)
"""
import argparse
import copy
import http.server
import json
import pathlib
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parents[2]
WEB = ROOT / "web"


def load():
    atlas = json.loads((ROOT / "data/atlas/default.json").read_text())
    cromris = json.loads((ROOT / "data/schemes/cromris.json").read_text())
    rai = dict(cromris, name="rai-cromris", based_on="cromris", exam_total="sum")
    drawing = json.loads((ROOT / "data/drawing/skeleton-front.json").read_text())
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{drawing["width"]}" height="{drawing["height"]}" '
             f'viewBox="0 0 {drawing["width"]} {drawing["height"]}" class="skeleton">']
    for sh in drawing["shapes"]:
        pts = " ".join(f"{x},{y}" for x, y in sh["points"])
        sid = "site-" + sh["site"].replace(":", "-")
        parts.append(f'<polygon points="{pts}" id="{sid}" data-site="{sh["site"]}" fill="#f2f2f2" stroke="#5a5a5a" stroke-width="0.6"><title>{sh["site"]}</title></polygon>')
    parts.append("</svg>")
    exams = {}
    for f in sorted((ROOT / "examples/exams").glob("*.json")):
        doc = json.loads(f.read_text())
        exams[doc["exam"]["id"]] = {"doc": doc, "revision": 1}
    return atlas, {"cromris": cromris, "rai-cromris": rai}, "".join(parts), exams


ATLAS, SCHEMES, SVG, EXAMS = load()
KINDS = {u["id"]: u["kind"] for u in ATLAS["units"]}


def score(doc):
    sites, total = [], 0
    for l in doc["lesions"]:
        kind = KINDS[l["site"].rsplit(":", 1)[0]]
        s = 0
        if l.get("signal", 0) >= 1:
            s = l.get("signal", 0) + l.get("extent", 0) + max(l.get("soft_tissue", 0), l.get("periosteal", 0)) + \
                (l.get("collapse", 0) if kind == "vertebra" else l.get("expansion", 0))
        sites.append({"site": l["site"], "score": s})
        total += s
    return {"exam_id": doc["exam"]["id"], "patient_id": doc["patient"]["id"], "rai_total": total, "sites": sites,
            "parameters": {"lesion_count": len({l.get("lesion") or l["site"] for l in doc["lesions"] if l.get("signal", 0) >= 1})}}


class H(http.server.BaseHTTPRequestHandler):
    def reply(self, status, body, ctype="application/json"):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(n) or b"{}")

    def role(self):
        a = self.headers.get("Authorization", "")
        return {"Bearer rita": "reader", "Bearer sam": "researcher"}.get(a)

    def route(self):
        u = urllib.parse.urlparse(self.path)
        p, q = u.path, urllib.parse.parse_qs(u.query)
        if not p.startswith("/api"):
            rel = "index.html" if p == "/" else p.removeprefix("/web/")
            f = WEB / rel
            if not f.is_file():
                return self.reply(404, "not found", "text/plain")
            ct = {"js": "text/javascript", "css": "text/css", "html": "text/html"}.get(f.suffix[1:], "text/plain")
            return self.reply(200, f.read_text(), ct)
        if p == "/api/login":
            b = self.body()
            if b.get("name") not in ("rita", "sam"):
                return self.reply(401, {"error": "wrong name or password"})
            return self.reply(200, {"token": b["name"], "role": "reader" if b["name"] == "rita" else "researcher", "expires_at": "2099-01-01T00:00:00Z"})
        role = self.role()
        if not role:
            return self.reply(401, {"error": "log in first"})
        seg = p.split("/")[2:]
        m = self.command
        if p == "/api/me":
            return self.reply(200, {"name": "rita" if role == "reader" else "sam", "role": role})
        if p == "/api/logout":
            return self.reply(200, {})
        if p == "/api/atlas":
            return self.reply(200, ATLAS)
        if p == "/api/schemes":
            return self.reply(200, {"default": "rai-cromris", "schemes": [{"name": n} for n in SCHEMES]})
        if seg[0] == "schemes":
            return self.reply(200, SCHEMES[seg[1]])
        if p == "/api/drawing/skeleton.svg":
            return self.reply(200, SVG, "image/svg+xml")
        if p == "/api/exams" and m == "GET":
            return self.reply(200, [{"id": k, "patient_id": e["doc"]["patient"]["id"], "date": e["doc"]["exam"]["date"],
                                     "timepoint": e["doc"]["exam"].get("timepoint"), "reader": e["doc"]["exam"].get("reader"),
                                     "revision": e["revision"], "graded_sites": len(e["doc"]["lesions"]),
                                     "rai_cromris": score(e["doc"])["rai_total"]} for k, e in EXAMS.items()])
        if seg[0] == "exams" and len(seg) >= 2:
            e = EXAMS.get(urllib.parse.unquote(seg[1]))
            if not e:
                return self.reply(404, {"error": "no such exam"})
            if len(seg) == 2:
                return self.reply(200, {"exam": e["doc"], "revision": e["revision"], "score": score(e["doc"])})
            if seg[2] not in ("sites", "clinical") or (m == "GET"):
                return self.reply(404, {"error": "not in the fixture"})
            if role != "reader":
                return self.reply(403, {"error": "researchers cannot edit"})
            rev = int(q["revision"][0]) if m == "DELETE" else self.body().get("revision") if False else None
            b = {} if m == "DELETE" else self.body()
            rev = int(q["revision"][0]) if m == "DELETE" else b.pop("revision", None)
            if rev != e["revision"]:
                return self.reply(409, {"error": f"exam changed: revision {e['revision']}, not {rev}", "revision": e["revision"]})
            doc = copy.deepcopy(e["doc"])
            if seg[2] == "clinical":
                probs = [{"field": "$." + k, "message": f"{k}: expected a number from 0 to 10, got {v}"}
                         for k, v in b.items() if k in ("pga", "pain") and not (isinstance(v, (int, float)) and 0 <= v <= 10)]
                if probs:
                    return self.reply(400, {"error": "bad input; nothing was written", "problems": probs})
                doc["clinical"] = b
            elif seg[2] == "sites":
                site = urllib.parse.unquote(seg[3])
                doc["lesions"] = [l for l in doc["lesions"] if l["site"] != site]
                if m == "PUT":
                    b["site"] = site
                    probs = [{"field": "$." + k, "message": f"expected a number, got {json.dumps(v)}"}
                             for k, v in b.items() if k in ("max_diameter_mm", "volume_ml", "si_ratio") and not isinstance(v, (int, float))]
                    if probs:
                        return self.reply(400, {"error": "bad input; nothing was written", "problems": probs})
                    doc["lesions"].append(b)
            e["doc"], e["revision"] = doc, e["revision"] + 1
            return self.reply(200, {"revision": e["revision"], "score": score(doc)})
        if p == "/api/agreement":  # the shape of formats/readers_json.cpp, made-up numbers
            k = lambda v: {"kappa": v, "conf_int": [v - 0.2, v + 0.1], "observed": 0.9, "expected": 0.5, "n": 248, "categories": 2}
            return self.reply(200, {"readers": ["R1", "R2"], "grade_item": "signal", "grade_categories": 3, "exams_in_input": 2,
                                    "exams": 2, "exam_ids": ["P017-1", "P033-1"], "exams_left_out": [],
                                    "categories": [{"category": "tibia", "items": 20, "abnormal_items": 2, "free_marginal_abnormal": k(0.8), "free_marginal_grade": k(0.7)},
                                                   {"category": "all sites", "items": 248, "abnormal_items": 9, "free_marginal_abnormal": k(0.9), "free_marginal_grade": {"kappa": None, "note": "one grade only"}}],
                                    "fleiss": {"abnormal": k(0.6), "grade": k(0.5)},
                                    "cohen": [{"reader_a": "R1", "reader_b": "R2", "cohen_abnormal": k(0.6), "cohen_grade_unweighted": k(0.5), "cohen_grade_linear": k(0.55), "cohen_grade_quadratic": k(0.6)}],
                                    "icc": {"measure": "rai_total", "n": 2, "raters": 2, "forms": [{"type": "ICC2", "icc": 0.8, "f": 9.1, "df1": 1, "df2": 1, "p_value": 0.2, "conf_int": [0.1, 0.99]}]},
                                    "bland_altman": [{"reader_a": "R1", "reader_b": "R2", "measure": "rai_total", "n": 3, "bias": 1.0, "sd": 1.5, "lower": -1.94, "upper": 3.94, "means": [12, 18.5, 5], "differences": [0, 3, 0]}],
                                    "totals": [], "notes": ["made-up fixture numbers"]})
        if p == "/api/cohort/report":
            return self.reply(200, "<html><body><h1>Cohort (fixture)</h1><table><tr><td>1</td></tr></table></body></html>", "text/html")
        return self.reply(404, {"error": "not in the fixture: " + p})

    do_GET = do_POST = do_PUT = do_DELETE = route

    def log_message(self, *a):
        pass


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8043)
    http.server.ThreadingHTTPServer(("127.0.0.1", ap.parse_args().port), H).serve_forever()
