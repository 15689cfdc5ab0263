#!/usr/bin/python3
"""Browser test of the scoring page (issue 5, items 7-9) in headless Chromium.

Starts a real `crmo serve` on a free loopback port with a temporary SQLite database,
creates an admin and a researcher (`crmo user add`, password on standard input),
imports examples/exams (`crmo import`), then drives Debian's chromium through
chromium-driver (python3-selenium): logs in, grades three units by clicking and by
keyboard, reloads and checks they persisted with the right total (computed here from
spec/scoring.md, not by crmo), checks the server's messages on bad input, a 409
conflict, the cohort dashboard, and that a researcher cannot edit. Screenshots go to
the artifacts folder. The server is stopped by its PID whatever happens.

usage: scoring_page_test.py CRMO_BINARY SOURCE_DIR ARTIFACTS_DIR
exit: 0 passed, 1 failed, 77 skipped (chromium, chromium-driver or selenium missing)
"""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from page_harness import PASSWORDS, Run, Server, check, main, script_errors  # noqa: E402  (exits 77 without selenium)
from selenium.webdriver.common.keys import Keys  # noqa: E402


# ---- the expected scores, from spec/scoring.md (independent of crmo's scheme files) ----
# CROMRIS unit score: signal + extent + max(soft_tissue, periosteal)
#                     + (expansion for non-vertebral units, collapse for vertebrae);
# a site with signal 0 has no lesion. RAI-CROMRIS: the sum over sites.
def cromris_unit(kind, g):
    if g.get("signal", 0) < 1:
        return 0
    last = g.get("collapse", 0) if kind == "vertebra" else g.get("expansion", 0)
    return g.get("signal", 0) + g.get("extent", 0) + max(g.get("soft_tissue", 0), g.get("periosteal", 0)) + last


# Unit kinds from spec/atlas.md's table.
KIND = {"femur.distal_metaphysis:L": "long", "spine.t7:M": "vertebra", "tibia.diaphysis:R": "long",
        "pubis:L": "flat", "ribs:R": "flat"}

CLICKED = ("femur.distal_metaphysis:L", {"signal": 2, "extent": 3, "soft_tissue": 0, "periosteal": 1, "expansion": 1})
KEYED_1 = ("spine.t7:M", {"signal": 1, "extent": 2, "soft_tissue": 0, "periosteal": 1, "collapse": 1})
KEYED_2 = ("tibia.diaphysis:R", {"signal": 2, "extent": 1, "soft_tissue": 1, "periosteal": 0, "expansion": 0})
# The order of the items in the grading panel (spec/scoring.md's lesion record).
ORDER = {"long": ["signal", "extent", "soft_tissue", "periosteal", "expansion"],
         "vertebra": ["signal", "extent", "soft_tissue", "periosteal", "collapse"]}

EXAM = "P021-1"  # examples/exams: a normal exam, no lesions (total 0)
PASSWORDS.update({"rita": "reader-pass-1234", "sam": "research-pass-5678"})


def graded_table(page):
    # Read in one script: the table is rebuilt on every change.
    rows = page.d.execute_script("""
        return [...document.querySelectorAll('#graded-table tbody tr[data-site]')]
          .map(tr => [tr.dataset.site, tr.cells[1].textContent.trim()]);""")
    return {site: int(score) for site, score in rows}


def run(crmo, source, artifacts, tmp):
    server = Server(crmo, tmp, os.path.join(artifacts, "server.log"))
    with Run(server) as run_:
        print("set-up: users, example exams, server", flush=True)
        # An admin grades the exam's main reading (a reader grades their own reading:
        # readers_page_test.py).
        server.run("user", "add", "rita", "--role", "admin", "--db", server.db, stdin=PASSWORDS["rita"] + "\n")
        server.run("user", "add", "sam", "--role", "researcher", "--db", server.db, stdin=PASSWORDS["sam"] + "\n")
        server.run("import", os.path.join(source, "examples", "exams"), "--db", server.db)
        server.start()
        reader = server.token("rita")
        status, before = server.api("GET", f"/api/exams/{EXAM}", token=reader)
        check(status == 200 and before["exam"]["lesions"] == [], f"{EXAM} starts without lesions")

        page = run_.open_page(tmp, artifacts)
        d = page.d
        print("1. log in as a reader; the worklist", flush=True)
        d.get(server.base + "/")
        page.login("rita")
        ids = {tr.get_attribute("data-exam") for tr in page.all("#worklist tbody tr[data-exam]")}
        check({"P017-1", "P021-1", "P033-1"} <= ids, "the worklist lists the imported exams")
        page.shot("worklist")
        bad = {"format": "crmo.exam/1", "patient": {"id": "P100"}, "exam": {"id": "P100-1", "date": "2021-13-01"}, "lesions": []}
        status, err = server.api("POST", "/api/exams", bad, token=reader)
        check(status == 400 and err.get("problems"), "the API refuses a new exam dated 2021-13-01")
        for name, value in (("patient_id", "P100"), ("exam_id", "P100-1"), ("date", "2021-13-01")):
            page.css(f'#new-exam [name="{name}"]').send_keys(value)
        page.css("#new-exam button[type=submit]").click()
        page.wait(lambda: page.text('#new-exam .field-error[data-error-for="date"]'), "an error next to the new exam's date")
        check(page.text('#new-exam .field-error[data-error-for="date"]') == err["problems"][0]["message"],
              "next to the date: the server's message")
        page.css(f'#worklist tr[data-exam="{EXAM}"]').click()
        page.exam_loaded(EXAM)
        check(len(page.all("#skeleton [data-site]")) == 124, "the skeleton has 124 unit-side shapes")
        check(page.text("#total") == "0", "the total of the normal exam is 0")

        print("1b. the page's own scoring against spec/scoring.md, on random gradings", flush=True)
        import random
        rnd = random.Random(5)
        cases = []
        for _ in range(300):
            kind = rnd.choice(["long", "vertebra", "flat", "short"])
            g = {"signal": rnd.randint(0, 2), "extent": rnd.randint(0, 3), "soft_tissue": rnd.randint(0, 1),
                 "periosteal": rnd.randint(0, 1)}
            g["collapse" if kind == "vertebra" else "expansion"] = rnd.randint(0, 1)
            cases.append({"kind": kind, "grades": g, "want": cromris_unit(kind, g)})
        got = d.execute_async_script("""
            const [cases, done] = arguments;
            Promise.all([import('/web/scoring.js'), fetch('/api/schemes/rai-cromris', {headers: {Authorization: 'Bearer ' + JSON.parse(sessionStorage.getItem('crmo.session')).token}}).then(r => r.json())])
              .then(([m, scheme]) => done(cases.map(c => m.unitScore(m.resolveScheme(scheme, () => null), c.kind, c.grades))))
              .catch(e => done(String(e)));""", cases)
        check(isinstance(got, list) and got == [c["want"] for c in cases], "the page's unit scores equal the spec's on 300 random gradings")

        print("2. grade a unit by clicking", flush=True)
        site, grades = CLICKED
        page.css(f'#skeleton [data-site="{site}"]').click()
        page.wait(lambda: page.text("#panel-site") == site, "the panel of the clicked unit")
        items = [b.get_attribute("data-item") for b in page.all("#grading-panel .item-row")]
        check(items == ORDER["long"] + ["physis", "symptomatic"], f"a long unit shows exactly its items: {items}")
        for item, v in grades.items():
            page.css(f'#grading-panel button.grade[data-item="{item}"][data-value="{v}"]').click()
        page.css('#grading-panel button.grade[data-item="physis"][data-value=\'"transphyseal"\']').click()
        want1 = cromris_unit(KIND[site], grades)
        check(page.text("#unit-score") == str(want1), f"live unit score {want1}")
        check(page.text("#total") == str(want1), "the total changes before saving")
        page.css("#save-site").click()
        page.wait(lambda: (page.text("#site-status") or "").startswith("Saved"), "the clicked unit saved")
        check(page.text("#server-total") == f"server agrees: {want1}", "the server's total agrees")

        print("3. grade two units by keyboard only", flush=True)
        site, grades = KEYED_1
        page.open_site_by_finder(site)
        items = [b.get_attribute("data-item") for b in page.all("#grading-panel .item-row")]
        check(items == ORDER["vertebra"] + ["symptomatic"], f"a vertebra shows collapse, no expansion, no physis: {items}")
        page.keys("".join(str(grades[i]) for i in ORDER["vertebra"]))
        for item in ORDER["vertebra"]:
            check(page.pressed(item) == grades[item], f"{site} {item} = {grades[item]} set by a digit key")
        page.keys(Keys.ENTER)
        page.wait(lambda: (page.text("#site-status") or "").startswith("Saved"), "Enter saving the unit")
        site, grades = KEYED_2
        page.open_site_by_finder(site)
        page.keys("".join(str(grades[i]) for i in ORDER["long"]))
        for item in ORDER["long"]:
            check(page.pressed(item) == grades[item], f"{site} {item} = {grades[item]} set by a digit key")
        page.keys("j")  # the next unit: saves this one first
        page.wait(lambda: page.text("#panel-site") not in (None, site), "j moving to the next unit")
        expected = {s: cromris_unit(KIND[s], g) for s, g in (CLICKED, KEYED_1, KEYED_2)}
        total = sum(expected.values())
        page.wait(lambda: graded_table(page) == expected, f"the graded sites {expected}")
        check(page.text("#total") == str(total), f"the RAI-CROMRIS total shows {total}")
        check(page.text("#server-total") == f"server agrees: {total}", "the server agrees after the keyboard saves")
        page.shot("graded")

        print("4. reload: persisted", flush=True)
        d.refresh()
        page.exam_loaded(EXAM)
        check(graded_table(page) == expected, "after a reload the three units are there with their scores")
        check(page.text("#total") == str(total), f"after a reload the total is {total}")
        for s in expected:
            check("graded" in page.css(f'#skeleton [data-site="{s}"]').get_attribute("class"), f"{s} is coloured")
        status, stored = server.api("GET", f"/api/exams/{EXAM}", token=reader)
        lesions = {l["site"]: l for l in stored["exam"]["lesions"]}
        for s, g in (CLICKED, KEYED_1, KEYED_2):
            check(all(lesions[s].get(k, 0) == v for k, v in g.items()), f"the server stored {s} as graded")
        check(lesions[CLICKED[0]].get("physis") == "transphyseal", "the server stored the physis relation")
        check(stored["score"]["rai_total"] == total, f"the server's stored total is {total}")
        page.shot("reloaded")

        print("5. bad input: the server's messages next to the field", flush=True)
        rev = stored["revision"]
        status, err = server.api("PUT", f"/api/exams/{EXAM}/clinical", {"revision": rev, "pga": 12}, token=reader)
        check(status == 400 and err.get("problems"), "the API refuses PGA 12")
        api_msg = err["problems"][0]["message"]
        pga = page.css('#clinical-form [name="pga"]')
        pga.clear()
        pga.send_keys("12")
        page.css("#save-clinical").click()
        page.wait(lambda: page.text('#clinical .field-error[data-error-for="pga"]'), "an error next to PGA")
        check(page.text('#clinical .field-error[data-error-for="pga"]') == api_msg, f"next to PGA: the server's message ({api_msg})")
        page.shot("bad-input")
        pga.clear()
        pga.send_keys("6.5")
        page.css("#save-clinical").click()
        page.wait(lambda: "saved" in (page.text("#clinical-status") or ""), "PGA 6.5 saved")
        check(page.text('#clinical .field-error[data-error-for="pga"]') in (None, ""), "the PGA error is gone")

        print("6. a conflicting change by someone else", flush=True)
        status, now = server.api("GET", f"/api/exams/{EXAM}", token=reader)
        status, _ = server.api("PUT", f"/api/exams/{EXAM}/sites/pubis:L",
                               {"revision": now["revision"], "signal": 1, "extent": 1}, token=reader)
        check(status == 200, "another client graded pubis:L")
        page.css('#skeleton [data-site="ribs:R"]').click()
        page.wait(lambda: page.text("#panel-site") == "ribs:R", "the ribs panel")
        page.keys("11")
        page.keys(Keys.ENTER)
        page.wait(lambda: page.css("#conflict").is_displayed(), "the conflict banner")
        check("someone else changed" in page.text("#conflict-text").lower(), "the banner says someone else changed the exam")
        page.shot("conflict")
        page.css("#conflict-reload").click()
        page.wait(lambda: "pubis:L" in graded_table(page), "the reload showing the other change")
        page.css('#skeleton [data-site="ribs:R"]').click()
        page.keys("11", Keys.ENTER)
        page.wait(lambda: (page.text("#site-status") or "").startswith("Saved"), "the regraded ribs saved after the reload")
        total2 = total + cromris_unit("flat", {"signal": 1, "extent": 1}) * 2
        check(page.text("#total") == str(total2), f"the total with pubis:L and ribs:R is {total2}")

        print("7. the cohort dashboard", flush=True)
        page.css('nav a[href="#/cohort"]').click()
        page.wait(lambda: page.all("#cohort-report"), "the cohort report frame")
        srcdoc = page.css("#cohort-report").get_attribute("srcdoc") or ""
        check("<svg" in srcdoc or "<table" in srcdoc, "the cohort report has content")
        page.shot("cohort")

        print("7b. the patient's timeline and the agreement view", flush=True)
        d.get(server.base + "/#/patient/P021")
        page.wait(lambda: page.text("#patient-id") == "P021", "the patient view")
        check(len(page.all("#timeline tbody tr")) == 1 and len(page.all("#charts svg.line-chart")) == 3,
              "the timeline lists the exam and draws RAI-CROMRIS, lesion count and PGA")
        # A follow-up exam of P017 (examples/exams/P017-1 scored 6, 2, 4 by scoring.md).
        follow = {"format": "crmo.exam/1", "patient": {"id": "P017", "sex": "F", "birth_date": "2010-05-02"},
                  "exam": {"id": "P017-2", "date": "2021-09-20", "timepoint": "6m", "reader": "R1"},
                  "clinical": {"pga": 3, "pain": 2},
                  "lesions": [{"site": "tibia.distal_metaphysis:L", "signal": 1, "extent": 2},
                              {"site": "femur.diaphysis:R", "signal": 1, "extent": 1}]}
        status, _ = server.api("POST", "/api/exams", follow, token=reader)
        check(status == 201, "a follow-up exam added through the API")
        d.get(server.base + "/#/compare/P017-1/P017-2")
        page.wait(lambda: page.all("#change-table tbody tr") and len(page.all("#cmp-b [data-site]")) == 124, "the side-by-side")
        changes = {tr.get_attribute("data-site"): tr.get_attribute("data-change") for tr in page.all("#change-table tbody tr")}
        check(changes == {"tibia.distal_metaphysis:L": "improved", "tibia.distal_epiphysis:L": "resolved",
                          "spine.t7:M": "resolved", "femur.diaphysis:R": "new"}, f"the changes per site {changes}")
        check("change-new" in page.css('#cmp-b [data-site="femur.diaphysis:R"]').get_attribute("class"), "the new site is marked")
        check("RAI-CROMRIS change -7" in page.text("#view p"), "RAI-CROMRIS change 12 -> 5 is -7")
        page.shot("compare")
        d.get(server.base + "/#/agreement")
        page.wait(lambda: page.text("#agreement-status") not in (None, "", "Computing…"), "the agreement view")

        print("7c. calibration on a reference exam", flush=True)
        status, ref_before = server.api("GET", "/api/exams/P033-1", token=reader)
        d.get(server.base + "/#/calibrate/P033-1")
        page.exam_loaded("P033-1")
        check(page.text("#ref-total") == "?", "the reference total is hidden until the end")
        page.open_site_by_finder("femur.distal_metaphysis:L")
        page.keys("22010", Keys.ENTER)  # as the reference: 2 + 2 + max(0, 1) + 0 = 5
        page.wait(lambda: (page.text("#site-status") or "").startswith("Agrees with the reference (unit score 5)"), "agreement on a site")
        page.open_site_by_finder("femur.distal_metaphysis:R")
        page.keys("21000", Keys.ENTER)  # reference 1 + 1 = 2, this 2 + 1 = 3
        page.wait(lambda: page.text("#site-status") == "Reference unit score 2, yours 3.", "disagreement on a site")
        page.css("#finish").click()
        page.wait(lambda: page.all("#calibration-kappa"), "the kappa after finishing")
        # Cohen's kappa of the signal grade over the 124 unit-sides (ungraded = 0).
        mine = {"femur.distal_metaphysis:L": 2, "femur.distal_metaphysis:R": 2}
        ref = {l["site"]: l["signal"] for l in ref_before["exam"]["lesions"]}
        sites = list(page.d.execute_script("return [...document.querySelectorAll('#skeleton [data-site]')].map(e => e.dataset.site)"))
        a, b = [mine.get(x, 0) for x in sites], [ref.get(x, 0) for x in sites]
        po = sum(x == y for x, y in zip(a, b)) / len(sites)
        pe = sum((a.count(c) / len(sites)) * (b.count(c) / len(sites)) for c in (0, 1, 2))
        kappa = (po - pe) / (1 - pe)
        check(f"Cohen's kappa {kappa:.2f}" in page.text("#calibration-kappa"), f"the page's kappa is {kappa:.2f}")
        # And against R: psych::cohen.kappa(cbind(a, b))$kappa (unweighted); 0.419204 here.
        if shutil.which("Rscript"):
            r = subprocess.run(["Rscript", "-e", "suppressMessages(library(psych)); "
                                f"a <- c({','.join(map(str, a))}); b <- c({','.join(map(str, b))}); "
                                "cat(sprintf('%.6f', suppressWarnings(cohen.kappa(cbind(a, b)))$kappa))"],
                               capture_output=True, text=True, timeout=120)
            check(r.returncode == 0 and abs(float(r.stdout) - kappa) < 1e-6,
                  f"R psych::cohen.kappa gives the same kappa ({r.stdout.strip()})")
        else:
            print("  note: Rscript is missing (r-base-core, r-cran-psych): the R cross-check did not run")
        check(page.text("#ref-total") == "19", "the reference total after finishing (examples/exams/README.md: 19)")
        status, ref_after = server.api("GET", "/api/exams/P033-1", token=reader)
        check(ref_after["revision"] == ref_before["revision"], "calibration grades were not sent to the server")
        page.shot("calibration")

        print("8. a researcher cannot edit", flush=True)
        page.css("#logout").click()
        page.login("sam")
        sam = server.token("sam")
        # Researchers see pseudonyms; both worklists are in import order.
        status, rows = server.api("GET", "/api/exams", token=sam)
        status, reader_rows = server.api("GET", "/api/exams", token=reader)
        at = [r["id"] for r in reader_rows].index(EXAM)
        mine = [rows[at]]
        check(mine[0]["id"] != EXAM and mine[0]["rai_cromris"] == total2 and mine[0]["graded_sites"] == 5,
              "the researcher's worklist has the graded exam under a pseudonym")
        page.css(f'#worklist tr[data-exam="{mine[0]["id"]}"]').click()
        page.exam_loaded(mine[0]["id"])
        check(page.css("#readonly-banner").is_displayed(), "the page says read only")
        check(page.text("#total") == str(total2), "the researcher sees the total")
        check(all(not b.is_enabled() for b in page.all("#grading-panel button.grade")), "every grade button is disabled")
        check(not page.all("#save-site") and not page.all("#save-clinical"), "no save buttons")
        check(all(not e.is_enabled() for e in page.all("#clinical-form input, #clinical-form select")), "the clinical form is disabled")
        before_keys = page.pressed("signal")
        page.keys("0", Keys.ENTER)
        time.sleep(0.3)
        check(page.pressed("signal") == before_keys, "digit keys change nothing")
        status, _ = server.api("PUT", f"/api/exams/{mine[0]['id']}/sites/ribs:L", {"revision": 1, "signal": 1}, token=sam)
        check(status == 403, "the API refuses the researcher's grading (403)")
        page.shot("researcher")

        severe = script_errors(d, (400, 401, 403, 404, 405, 409))
        check(not severe, f"no script errors in the browser console {severe}")
        return 0


if __name__ == "__main__":
    sys.exit(main(run, __doc__, "crmo-web-"))
