#!/usr/bin/python3
"""Browser test of several readers (issue 7 items 4 and 6) in headless Chromium.

A real `crmo serve` on a free loopback port with a temporary SQLite database (the
Server and Page of page_harness.py): readers ann and ben each grade their
own reading of the same exam through the page; ben adjudicates the two readings on the
consensus page (the disagreements per site, a choice for each, saved); then the server
is restarted with --blinded and reader cleo sees neither ann's nor ben's reading, nor the
patient's timeline, nor the clinical measures, and still grades her own. Expected unit
scores come from spec/scoring.md's rule (cromris_unit), not from crmo. What the page
stored is checked through the API. The server is stopped by its PID whatever happens.

usage: readers_page_test.py CRMO_BINARY SOURCE_DIR ARTIFACTS_DIR
exit: 0 passed, 1 failed, 77 skipped (chromium, chromium-driver or selenium missing)
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from page_harness import PASSWORDS, Run, Server, check, main, script_errors  # noqa: E402  (exits 77 without selenium)
from scoring_page_test import cromris_unit  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

EXAM = "P021-1"  # examples/exams: a normal exam (main reading by R1, no lesions)
PASSWORDS.update({"ann": "ann-reader-pass-1", "ben": "ben-reader-pass-2", "cleo": "cleo-reader-pass-3",
                       "ada": "ada-admin-pass-4"})
# Long units: the panel's items in order, typed as digits.
ANN = {"femur.distal_metaphysis:L": {"signal": 2, "extent": 1, "soft_tissue": 0, "periosteal": 1, "expansion": 0}}
BEN = {"femur.distal_metaphysis:L": {"signal": 1, "extent": 1, "soft_tissue": 0, "periosteal": 0, "expansion": 0},
       "tibia.diaphysis:R": {"signal": 1, "extent": 2, "soft_tissue": 1, "periosteal": 0, "expansion": 0}}
ORDER = ["signal", "extent", "soft_tissue", "periosteal", "expansion"]



def grade(page, site, grades):
    page.open_site_by_finder(site)
    page.keys("".join(str(grades[i]) for i in ORDER))
    page.keys(Keys.ENTER)
    page.wait(lambda: (page.text("#site-status") or "").startswith("Saved " + site), f"{site} saved")


def logout(page):
    page.css("#logout").click()
    page.wait(lambda: page.css("#login-name").is_displayed(), "the login form after logging out")


def run(crmo, source, artifacts, tmp):
    server = Server(crmo, tmp, os.path.join(artifacts, "server.log"))
    with Run(server) as run_:
        print("set-up: three readers, an admin, the example exams", flush=True)
        for name in ("ann", "ben", "cleo"):
            server.run("user", "add", name, "--role", "reader", "--db", server.db, stdin=PASSWORDS[name] + "\n")
        server.run("user", "add", "ada", "--role", "admin", "--db", server.db, stdin=PASSWORDS["ada"] + "\n")
        server.run("import", os.path.join(source, "examples", "exams"), "--db", server.db)
        server.start()
        admin = server.token("ada")
        page = run_.open_page(tmp, artifacts)
        d = page.d
        d.get(server.base + "/")

        for reader, grading in (("ann", ANN), ("ben", BEN)):
            print(f"1. {reader} grades their own reading of {EXAM}", flush=True)
            page.login(reader)
            page.css(f'#worklist tr[data-exam="{EXAM}"]').click()
            page.exam_loaded(EXAM)
            check(page.text("#reading-mode") == f"Your own reading ({reader})", "the page says it is the reader's own reading")
            check(page.text("#total") == "0", f"{reader}'s reading starts empty (total 0)")
            if reader == "ben":
                check("ann" in (page.text("#other-readings") or ""), "ben sees that ann read the exam")
                check(not page.all("#skeleton .graded"), "ann's gradings are not drawn on ben's reading")
            for site, g in grading.items():
                grade(page, site, g)
            total = sum(cromris_unit("long", g) for g in grading.values())
            check(page.text("#total") == str(total), f"{reader}'s total is {total}")
            check(page.text("#server-total") == f"server agrees: {total}", "the server agrees")
            status, stored = server.api("GET", f"/api/exams/{EXAM}/readings/{reader}", token=admin)
            check(status == 200 and {l["site"] for l in stored["exam"]["lesions"]} == set(grading), f"{reader}'s reading is stored apart")
            status, main = server.api("GET", f"/api/exams/{EXAM}", token=admin)
            check(main["exam"]["lesions"] == [] and main["score"]["rai_total"] == 0, "the exam's main reading is untouched")
            page.shot(f"reading-{reader}")
            if reader == "ann":
                logout(page)

        print("2. ben adjudicates ann's and his reading", flush=True)
        page.css("#adjudicate-link").click()
        page.wait(lambda: page.all("#reading-a") and page.all("#consensus-result"), "the consensus page")
        Select(page.css("#reading-a")).select_by_value("ann")
        Select(page.css("#reading-b")).select_by_value("ben")
        page.css("#compare-readings").click()
        want = {"femur.distal_metaphysis:L": (cromris_unit("long", ANN["femur.distal_metaphysis:L"]),
                                              cromris_unit("long", BEN["femur.distal_metaphysis:L"])),
                "tibia.diaphysis:R": (0, cromris_unit("long", BEN["tibia.diaphysis:R"]))}

        def rows():
            return {tr.get_attribute("data-site"): (int(tr.find_element(By.CSS_SELECTOR, ".a-score").text),
                                                    int(tr.find_element(By.CSS_SELECTOR, ".b-score").text))
                    for tr in page.all("#disagreements tbody tr[data-site]")}
        page.wait(lambda: rows() == want, f"the disagreements {want}")
        check(page.css("#save-consensus").get_attribute("disabled") is not None, "nothing can be saved while undecided")
        page.shot("disagreements")
        page.css('#disagreements tr[data-site="femur.distal_metaphysis:L"] button[data-choice="a"]').click()
        page.wait(lambda: "1 still to decide" in (page.text("#consensus-status") or ""), "one decision taken")
        page.css('#disagreements tr[data-site="tibia.diaphysis:R"] button[data-choice="normal"]').click()
        page.wait(lambda: "0 still to decide" in (page.text("#consensus-status") or ""), "both decisions taken")
        expected_total = cromris_unit("long", ANN["femur.distal_metaphysis:L"])
        check(page.text("#consensus-total") == str(expected_total), f"the consensus total is {expected_total}")
        page.css("#save-consensus").click()
        page.wait(lambda: (page.text("#consensus-status") or "").startswith("Saved the consensus reading"), "the consensus saved")
        status, cons = server.api("GET", f"/api/exams/{EXAM}/readings/consensus", token=admin)
        check(status == 200 and cons["kind"] == "consensus" and cons["sources"] == ["ann", "ben"], "a consensus of ann and ben is stored")
        lesions = {l["site"]: l for l in cons["exam"]["lesions"]}
        check(set(lesions) == {"femur.distal_metaphysis:L"} and all(lesions["femur.distal_metaphysis:L"].get(k, 0) == v
                                                                 for k, v in ANN["femur.distal_metaphysis:L"].items()),
              "the consensus holds ann's femur grading and no tibia")
        page.shot("consensus")

        print("2b. calibration: ben on the reference exam (its consensus is known now)", flush=True)
        d.get(server.base + "/#/calibrate")
        page.wait(lambda: page.all(f'#calibration-list tr[data-exam="{EXAM}"]'), "the exam listed for calibration")
        page.css(f'#calibration-list tr[data-exam="{EXAM}"]').click()
        page.exam_loaded(EXAM)
        check("consensus" in page.text("#reference-name"), "the reference is the consensus reading")
        # ben's own reading is what he calibrates: both of his sites are compared already.
        ref_femur = cromris_unit("long", ANN["femur.distal_metaphysis:L"])
        agree = {tr.get_attribute("data-site"): tr.get_attribute("data-agree") for tr in page.all("#calibration-table tbody tr")}
        check(agree == {"femur.distal_metaphysis:L": "false", "tibia.diaphysis:R": "false"}, f"his two sites differ from the consensus {agree}")
        check(page.text("#ref-total") == "?", "the reference total is hidden until he finishes")
        page.open_site_by_finder("spine.t7:M")
        page.keys(Keys.ENTER)  # normal, saved as signal 0: reveals the consensus there (normal)
        page.wait(lambda: page.text("#site-status") == "Agrees with the reference (unit score 0).", "a normal site agreeing")
        check(page.text("#calibration-summary").startswith("3 sites compared: unit score agrees on 1"), page.text("#calibration-summary"))
        status, cal = server.api("GET", f"/api/calibration/{EXAM}", token=server.token("ben"))
        check(status == 200 and {x["site"] for x in cal["sites"]} == {"femur.distal_metaphysis:L", "tibia.diaphysis:R", "spine.t7:M"},
              "the server revealed exactly the three sites ben saved")
        page.css("#finish").click()
        page.wait(lambda: page.all("#calibration-kappa"), "the kappa after finishing")
        check(page.text("#ref-total") == str(ref_femur), f"the reference total after finishing is {ref_femur}")
        # Cohen's kappa of the signal grade over every unit-side (unrecorded = 0), by hand.
        sites = list(d.execute_script("return [...document.querySelectorAll('#skeleton [data-site]')].map(e => e.dataset.site)"))
        mine = {"femur.distal_metaphysis:L": 1, "tibia.diaphysis:R": 1}
        ref = {"femur.distal_metaphysis:L": ANN["femur.distal_metaphysis:L"]["signal"]}
        a, b = [mine.get(x, 0) for x in sites], [ref.get(x, 0) for x in sites]
        po = sum(x == y for x, y in zip(a, b)) / len(sites)
        pe = sum((a.count(c) / len(sites)) * (b.count(c) / len(sites)) for c in (0, 1, 2))
        kappa = (po - pe) / (1 - pe)
        check(f"Cohen's kappa {kappa:.2f}" in page.text("#calibration-kappa"), f"the page's kappa is {kappa:.2f}")
        page.shot("calibration")
        logout(page)

        print("3. blinded: cleo sees only her own reading", flush=True)
        server.restart("--blinded")
        d.get(server.base + "/")
        page.login("cleo")
        check(all(not a.is_displayed() for a in page.all('nav a[href="#/cohort"], nav a[href="#/agreement"], nav a[href="#/calibrate"]')),
              "no cohort, agreement or calibration in the menu")
        check(not page.all('#worklist a[href^="#/patient/"]'), "no links to patient timelines")
        rai = {tr.get_attribute("data-exam"): tr.find_elements(By.CSS_SELECTOR, "td")[6].text for tr in page.all("#worklist tbody tr[data-exam]")}
        check(set(rai.values()) == {"0"}, f"the worklist shows her own totals only (all 0): {rai}")
        body = page.css("body").text
        check(not re.search(r"\b(ann|ben|R1)\b", body), "no other reader is named on the worklist")
        page.css(f'#worklist tr[data-exam="{EXAM}"]').click()
        page.exam_loaded(EXAM)
        check("blinded" in page.text("#reading-mode"), "the exam says blinded")
        check(not page.all("#other-readings") and not page.all("#adjudicate-link"), "no other readings, no adjudication")
        check(not page.all("#skeleton .graded") and page.text("#total") == "0", "nothing of ann's, ben's or the consensus is drawn")
        check(not page.all(".exam-meta a") and page.all("#blinded-note") and not page.all("#clinical-form"),
              "no patient link and no clinical form")
        body = page.css("body").text
        check(not re.search(r"\b(ann|ben|R1|consensus)\b", body), "no other reader is named on the exam")
        g = {"signal": 1, "extent": 1, "soft_tissue": 0, "periosteal": 0, "expansion": 1}
        grade(page, "femur.diaphysis:L", g)
        check(page.text("#total") == str(cromris_unit("long", g)), "her own grading counts")
        page.shot("blinded")
        d.get(server.base + f"/#/patient/{EXAM.split('-')[0]}")
        page.wait(lambda: page.all("#view-error"), "the timeline refused")
        check("blinded" in page.text("#view-error"), f"the timeline is refused in blinded mode: {page.text('#view-error')}")
        status, _ = server.api("GET", f"/api/exams/{EXAM}/readings/ann", token=server.token("cleo"))
        check(status == 403, "the API refuses ann's reading to cleo (403)")

        severe = script_errors(d, (400, 401, 403, 404, 409))
        check(not severe, f"no script errors in the browser console {severe}")
        return 0


if __name__ == "__main__":
    sys.exit(main(run, __doc__, "crmo-readers-"))
