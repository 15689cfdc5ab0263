#!/usr/bin/python3
"""Browser test of the analysis views (issue 7 items 3, 5, 7) in headless Chromium.

A real `crmo serve` on a free loopback port with a temporary SQLite database holding
examples/exams plus documents this test writes: a follow-up exam of P017 and a second
reader's readings of four exams. Drives Debian's chromium (chromium-driver,
python3-selenium) and checks:
  - the patient timeline plots RAI-CROMRIS, lesion count and PGA; the side-by-side of
    P017-1 and P017-2 shows the change of every site, the RAI-CROMRIS and lesion-count
    changes, each expected value computed here from the seeded grades by
    spec/scoring.md's rules (not by crmo), with changed sites marked on both skeletons;
  - the agreement panel shows the kappas of GET /api/agreement and the Bland-Altman
    plot of GET /api/agreement/bland-altman.svg;
  - typing in the clinical form updates the instruments without saving (the stored exam
    keeps its revision and values), names the missing inputs and says the values are
    unsaved; the expected totals come from spec/clinical.md's sums;
  - a researcher sees the comparison under pseudonyms; no script errors in the console.

usage: analysis_page_test.py CRMO_BINARY SOURCE_DIR ARTIFACTS_DIR
exit: 0 passed, 1 failed, 77 skipped (chromium, chromium-driver or selenium missing)
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from page_harness import Run, Server, check, main, script_errors  # noqa: E402  (exits 77 without selenium)
from scoring_page_test import cromris_unit  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

# P017-1 (examples/exams) is followed by P017-2: tibia.distal_metaphysis:L improves,
# tibia.distal_epiphysis:L and spine.t7:M resolve, femur.diaphysis:R is new,
# pubis:R stays at the same unit score with other grades.
FOLLOW_UP = {"format": "crmo.exam/1", "patient": {"id": "P017", "sex": "F", "birth_date": "2010-05-02"},
             "exam": {"id": "P017-2", "date": "2021-09-20", "timepoint": "6m", "reader": "R1"},
             "clinical": {"pga": 3, "pain": 2},
             "lesions": [{"site": "tibia.distal_metaphysis:L", "signal": 1, "extent": 2},
                         {"site": "femur.diaphysis:R", "signal": 2, "extent": 1, "periosteal": 1},
                         {"site": "pubis:R", "signal": 1, "extent": 2}]}
# P017-1 before has no pubis:R; a third exam makes pubis:R stable between -2 and -3.
THIRD = {"format": "crmo.exam/1", "patient": {"id": "P017", "sex": "F", "birth_date": "2010-05-02"},
         "exam": {"id": "P017-3", "date": "2022-03-22", "timepoint": "12m", "reader": "R1"},
         "clinical": {"pga": 1},
         "lesions": [{"site": "pubis:R", "signal": 2, "extent": 1}, {"site": "ribs:L", "signal": 1}]}


def second_reading(doc, reader, lesions):
    out = json.loads(json.dumps(doc))
    out["exam"]["reader"] = reader
    out["lesions"] = lesions
    return out


def unit_kinds(source):
    atlas = json.load(open(os.path.join(source, "data", "atlas", "default.json")))
    return {u["id"]: u["kind"] for u in atlas["units"]}


def unit_scores(doc, kinds):
    """Unit score per involved site (spec/scoring.md: signal 0 is no lesion)."""
    out = {}
    for rec in doc["lesions"]:
        kind = kinds[rec["site"].rsplit(":", 1)[0]]
        s = cromris_unit(kind, rec)
        if s > 0:
            out[rec["site"]] = s
    return out


def lesion_count(doc):
    """Distinct lesions: involved site records, merged by their `lesion` label."""
    labels, n = set(), 0
    for rec in doc["lesions"]:
        if rec.get("signal", 0) < 1:
            continue
        if rec.get("lesion"):
            labels.add(rec["lesion"])
        else:
            n += 1
    return n + len(labels)


def expected_changes(a, b, kinds):
    sa, sb = unit_scores(a, kinds), unit_scores(b, kinds)
    out = {}
    for site in set(sa) | set(sb):
        if site not in sa:
            out[site] = "new"
        elif site not in sb:
            out[site] = "resolved"
        else:
            out[site] = "improved" if sb[site] < sa[site] else "worsened" if sb[site] > sa[site] else "stable"
    return out, sum(sb.values()) - sum(sa.values()), lesion_count(b) - lesion_count(a)


def signed(v):
    return f"+{v}" if v > 0 else str(v)


def run(crmo, source, artifacts, tmp):
    server = Server(crmo, tmp, os.path.join(artifacts, "server.log"))
    kinds = unit_kinds(source)
    examples = {n: json.load(open(os.path.join(source, "examples", "exams", n + ".json"))) for n in ("P017-1", "P021-1", "P033-1")}
    with Run(server) as run_:
        print("set-up: users, exams, second readings, server", flush=True)
        seed = os.path.join(tmp, "seed")
        os.makedirs(seed)
        docs = {"P017-2": FOLLOW_UP, "P017-3": THIRD,
                # Second readings: R2 of three R1 exams, R1 of P033-1 (read by R2).
                "P017-1.R2": second_reading(examples["P017-1"], "R2", [
                    {"site": "tibia.distal_metaphysis:L", "signal": 2, "extent": 2, "soft_tissue": 1},
                    {"site": "spine.t7:M", "signal": 1, "extent": 1}]),
                "P017-2.R2": second_reading(FOLLOW_UP, "R2", [
                    {"site": "tibia.distal_metaphysis:L", "signal": 1, "extent": 1},
                    {"site": "femur.diaphysis:R", "signal": 2, "extent": 1, "periosteal": 1}]),
                "P021-1.R2": second_reading(examples["P021-1"], "R2", [{"site": "ribs:R", "signal": 1, "extent": 1}]),
                "P033-1.R1": second_reading(examples["P033-1"], "R1", [
                    l for l in examples["P033-1"]["lesions"] if not l["site"].startswith("femur")])}
        for name, doc in docs.items():
            with open(os.path.join(seed, name + ".json"), "w") as f:
                json.dump(doc, f)
        server.run("user", "add", "rita", "--role", "reader", "--db", server.db, stdin="reader-pass-1234\n")
        server.run("user", "add", "sam", "--role", "researcher", "--db", server.db, stdin="research-pass-5678\n")
        server.run("import", os.path.join(source, "examples", "exams"), "--db", server.db)
        for name in ("P017-2", "P017-3", "P017-1.R2", "P017-2.R2", "P021-1.R2", "P033-1.R1"):
            server.run("import", os.path.join(seed, name + ".json"), "--db", server.db)
        server.start()
        reader = server.token("rita")

        page = run_.open_page(tmp, artifacts)
        d = page.d
        d.get(server.base + "/")
        page.login("rita")

        print("1. the patient's timeline: three plots", flush=True)
        d.get(server.base + "/#/patient/P017")
        page.wait(lambda: page.text("#patient-id") == "P017" and len(page.all("#timeline tbody tr")) == 3, "the timeline of P017")
        charts = page.all("#charts svg.line-chart")
        check([c.get_attribute("aria-label") for c in charts] == ["RAI-CROMRIS", "Lesion count", "PGA"],
              "the timeline plots RAI-CROMRIS, lesion count and PGA")
        ordered = [examples["P017-1"], FOLLOW_UP, THIRD]
        want_points = [[str(sum(unit_scores(e, kinds).values())) for e in ordered],
                       [str(lesion_count(e)) for e in ordered],
                       [str(e["clinical"]["pga"]) for e in ordered]]
        got_points = [[c.get_attribute("data-value") for c in chart.find_elements("css selector", "circle")] for chart in charts]
        check(got_points == want_points, f"the plotted values are {want_points} (scoring.md, the seeded PGA)")
        page.shot("timeline")

        print("2. the side-by-side of P017-1 and P017-2 (from the timeline)", flush=True)
        from selenium.webdriver.support.ui import Select
        Select(page.css("#cmp-from")).select_by_value("P017-1")
        Select(page.css("#cmp-to")).select_by_value("P017-2")
        page.css("form.toolbar button[type=submit]").click()
        page.wait(lambda: page.all("#change-table tbody tr") and len(page.all("#cmp-b [data-site]")) == 124, "the side-by-side")
        want, rai_change, lc_change = expected_changes(examples["P017-1"], FOLLOW_UP, kinds)
        got = {tr.get_attribute("data-site"): tr.get_attribute("data-change") for tr in page.all("#change-table tbody tr")}
        check(got == want, f"the change of every site: {want}")
        check(set(want.values()) >= {"new", "improved", "resolved"}, "new, improved and resolved sites are among them")
        for site, change in want.items():
            for side in ("#cmp-a", "#cmp-b"):
                cls = page.css(f'{side} [data-site="{site}"]').get_attribute("class")
                check(f"change-{change}" in cls, f"{site} marked {change} on {side}")
        sa, sb = unit_scores(examples["P017-1"], kinds), unit_scores(FOLLOW_UP, kinds)
        rows = {r[0]: r[1:] for r in d.execute_script("""return [...document.querySelectorAll('#change-table tbody tr')]
            .map(tr => [tr.dataset.site, ...[...tr.cells].map(td => td.textContent.trim())]);""")}
        want_rows = {s: [s, want[s], str(sa.get(s, 0)), str(sb.get(s, 0))] for s in want}  # no lesion: 0
        check(rows == want_rows, f"before and after unit scores per site are scoring.md's: {want_rows} (page: {rows})")
        check(f"RAI-CROMRIS change {signed(rai_change)}" in page.text("#view p"), f"the RAI-CROMRIS change is {signed(rai_change)}")
        check(f"lesion count change {signed(lc_change)}" in page.text("#view p"), f"the lesion count change is {signed(lc_change)}")
        check("graded" in page.css('#cmp-b [data-site="femur.diaphysis:R"]').get_attribute("class")
              and "graded" not in page.css('#cmp-a [data-site="femur.diaphysis:R"]').get_attribute("class"),
              "the new site is shaded after, not before")
        status, api_cmp = server.api("GET", "/api/compare?from=P017-1&to=P017-2", token=reader)
        check(status == 200 and page.text("#cmp-pedcno").startswith({"met": "PedCNO", "not_met": "not met", "undetermined": "undetermined"}[api_cmp["pedcno"]["status"]]),
              f"the PedCNO response of the server is shown ({api_cmp['pedcno']['status']})")
        page.shot("compare")
        # Given in the wrong order: compared in date order, and said so.
        d.get(server.base + "/#/compare/P017-3/P017-2")
        page.wait(lambda: page.text("#cmp-from-id") == "P017-2", "the reversed comparison in date order")
        want2, rai2, _ = expected_changes(FOLLOW_UP, THIRD, kinds)
        got2 = {tr.get_attribute("data-site"): tr.get_attribute("data-change") for tr in page.all("#change-table tbody tr")}
        check(got2 == want2 and want2.get("pubis:R") == "stable", f"P017-2 -> P017-3: {want2} (pubis:R stable, other grades)")
        check("compared in date order" in page.text("#view p"), "the page says it compared in date order")

        print("3. the agreement panel", flush=True)
        page.css('nav a[href="#/agreement"]').click()
        page.wait(lambda: page.all("#agreement-categories tbody tr") and page.all("#bland-altman img"), "the agreement tables")
        status, agr = server.api("GET", "/api/agreement", token=reader)
        check(status == 200 and agr["readers"] == ["R1", "R2"], "the API's agreement of R1 and R2")
        cells = d.execute_script("""
            const k = (tr) => [...tr.querySelectorAll('td[data-kappa]')].map(td => td.dataset.kappa);
            return {cats: Object.fromEntries([...document.querySelectorAll('#agreement-categories tbody tr')].map(tr => [tr.dataset.category, k(tr)])),
                    fleiss: k(document.querySelector('#agreement-fleiss tbody tr')),
                    cohen: Object.fromEntries([...document.querySelectorAll('#agreement-cohen tbody tr')].map(tr => [tr.dataset.pair, k(tr)]))};""")

        def num(kc):
            return "null" if kc.get("kappa") is None else kc["kappa"]

        def same(shown, api_cells):
            return len(shown) == len(api_cells) and all(
                (s == "null" and a == "null") or (s != "null" and a != "null" and abs(float(s) - a) < 1e-12)
                for s, a in zip(shown, api_cells))
        for c in agr["categories"]:
            check(same(cells["cats"].get(c["category"], []), [num(c["free_marginal_abnormal"]), num(c["free_marginal_grade"])]),
                  f"free-marginal kappas of {c['category']}: {cells['cats'].get(c['category'])}")
        check(same(cells["fleiss"], [num(agr["fleiss"]["abnormal"]), num(agr["fleiss"]["grade"])]), f"Fleiss' kappas {cells['fleiss']}")
        for p in agr["cohen"]:
            key = f"{p['reader_a']}/{p['reader_b']}"
            check(same(cells["cohen"].get(key, []), [num(p[k]) for k in ("cohen_abnormal", "cohen_grade_unweighted", "cohen_grade_linear", "cohen_grade_quadratic")]),
                  f"Cohen's kappas of {key}: {cells['cohen'].get(key)}")
        check(any(v != "null" for v in cells["cohen"]["R1/R2"]), "some Cohen's kappa is defined")
        check(len(page.all("#agreement-icc tbody tr")) == len(agr["icc"]["forms"]), "the ICC forms are listed")
        page.wait(lambda: d.execute_script("const i = document.querySelector('#bland-altman img'); return i.complete && i.naturalWidth > 0"),
                  "the Bland-Altman plot drawn")
        check(page.css("#bland-altman img").get_attribute("data-reader-b") == "R2", "the plot is of R1 and R2")
        page.shot("agreement")

        print("4. the clinical form evaluates the instruments live, without saving", flush=True)
        status, before = server.api("GET", "/api/exams/P017-2", token=reader)
        d.get(server.base + "/#/exam/P017-2")
        page.exam_loaded("P017-2")
        page.wait(lambda: page.all('#instrument-table tr[data-instrument="cdas"]'), "the instruments table")

        def row(name):
            tr = page.css(f'#instrument-table tr[data-instrument="{name}"]')
            return {"status": tr.find_element("css selector", ".status-cell").text,
                    "value": tr.find_element("css selector", ".value-cell").get_attribute("data-value"),
                    "missing": tr.find_element("css selector", ".missing-cell").text}
        # spec/clinical.md, docs/instruments.md: crmo's composite = pga + pain + symptomatic
        # sites (capped at 10); CDAS = pain + patient global + symptomatic sites (0 recorded).
        sev = row("clinical-severity")
        check(sev["value"] == str(3 + 2 + 0) and sev["status"] == "complete", f"saved: clinical severity 3 + 2 + 0 = 5 ({sev})")
        cdas = row("cdas")
        check(cdas["status"] == "undetermined" and "patient_global" in cdas["missing"], f"saved: CDAS misses patient_global ({cdas})")
        pain = page.css('#clinical-form [name="pain"]')
        pain.clear()
        pain.send_keys("6")
        page.wait(lambda: row("clinical-severity")["value"] == str(3 + 6 + 0), "the composite updating to 3 + 6 + 0 = 9 while typing")
        check("not saved" in page.text("#instrument-note").lower(), f"the table says the values are not saved: {page.text('#instrument-note')}")
        page.css('#clinical-form [name="patient_global"]').send_keys("4")
        page.wait(lambda: row("cdas")["status"] == "complete", "CDAS complete once patient global is typed")
        cdas = row("cdas")
        check(cdas["value"] == str(6 + 4 + 0) and cdas["missing"] == "none", f"CDAS 6 + 4 + 0 = 10, nothing missing ({cdas})")
        check("dirty" in (page.css("#clinical").get_attribute("class") or "") or "unsaved" in page.css("#instrument-note").get_attribute("class"),
              "the form is marked unsaved")
        page.shot("clinical-live")
        pain.send_keys("0")  # 60: out of range -> the server's message, saved values shown
        page.wait(lambda: page.text('#clinical .field-error[data-error-for="pain"]'), "the server's message next to pain 60")
        check("not valid" in page.text("#instrument-note"), "the table says the typed values are not valid")
        status, after = server.api("GET", "/api/exams/P017-2", token=reader)
        check(after["revision"] == before["revision"] and after["exam"]["clinical"] == before["exam"]["clinical"],
              "nothing was saved while typing (same revision, same clinical values)")
        pain.send_keys(Keys.BACKSPACE)
        page.css("#save-clinical").click()
        page.wait(lambda: "saved" in (page.text("#clinical-status") or ""), "the clinical values saved")
        page.wait(lambda: page.text("#instrument-note") == "For the saved values.", "the table now for the saved values")
        status, saved = server.api("GET", "/api/exams/P017-2", token=reader)
        check(saved["exam"]["clinical"].get("pain") == 6 and saved["exam"]["clinical"].get("patient_global") == 4, "saved on request only")

        print("5. a researcher: the comparison under pseudonyms", flush=True)
        page.css("#logout").click()
        page.login("sam")
        sam = server.token("sam")
        status, rows_r = server.api("GET", "/api/exams", token=sam)
        status, rows_a = server.api("GET", "/api/exams", token=reader)
        ps = {a["id"]: r["id"] for a, r in zip(rows_a, rows_r)}
        d.get(server.base + f"/#/compare/{ps['P017-1']}/{ps['P017-2']}")
        page.wait(lambda: page.all("#change-table tbody tr") and len(page.all("#cmp-b [data-site]")) == 124, "the researcher's side-by-side")
        got = {tr.get_attribute("data-site"): tr.get_attribute("data-change") for tr in page.all("#change-table tbody tr")}
        check(got == want, "the same changes under pseudonyms")
        check("P017" not in page.css("#view").text, "no stored id on the researcher's page")
        page.shot("researcher-compare")

        severe = script_errors(d, (400, 401, 403, 404, 409))
        check(not severe, f"no script errors in the browser console {severe}")
        return 0


if __name__ == "__main__":
    sys.exit(main(run, __doc__, "crmo-web-analysis-"))
