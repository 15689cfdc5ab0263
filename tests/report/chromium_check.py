"""Checks the cohort report in headless Chromium; see chromium_test.sh."""
import json
import os
import shutil
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

report, atlas_file, artifacts = sys.argv[1:4]

with open(atlas_file) as f:
    atlas = json.load(f)
expected = set()
for unit in atlas["units"]:
    sides = ["L", "R"] if unit["sides"] == "LR" else ["M"]
    for s in sides:
        expected.add(unit["id"] + ":" + s)
assert len(expected) == atlas.get("site_count", len(expected)), "atlas site count"

opts = webdriver.ChromeOptions()
opts.binary_location = "/usr/bin/chromium"
profile = tempfile.mkdtemp(prefix="crmo-chromium-profile.")
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--window-size=1280,2400", "--user-data-dir=" + profile, "--no-first-run"):
    opts.add_argument(a)
opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
failures = []
try:
    driver.get("file://" + os.path.abspath(report))
    # No console errors (a self-contained report loads nothing else, runs no script).
    errors = [e for e in driver.get_log("browser") if e.get("level") in ("SEVERE", "ERROR")]
    if errors:
        failures.append("console errors: %s" % errors)
    sites = driver.execute_script(
        "return Array.from(document.querySelectorAll('svg.skeleton [data-site]'))"
        ".map(e => [e.getAttribute('data-site'), e.getBBox().width, e.getBBox().height]);")
    drawn = {s for s, w, h in sites}
    if len(sites) != len(drawn):
        failures.append("a unit-side has two shapes")
    if drawn != expected:
        failures.append("skeleton: missing %s, unknown %s" % (sorted(expected - drawn)[:10], sorted(drawn - expected)[:10]))
    flat = [s for s, w, h in sites if not (w > 0 and h > 0)]
    if flat:
        failures.append("shapes without area: %s" % flat[:10])
    coloured = driver.execute_script(
        "return Array.from(document.querySelectorAll('svg.skeleton [data-site]'))"
        ".filter(e => getComputedStyle(e).fill !== 'rgb(242, 242, 242)').length;")
    if coloured == 0:
        failures.append("no unit of the heat map is coloured")
    counts = driver.execute_script(
        "return {bars: document.querySelectorAll('svg.chart rect.bar').length,"
        " scatters: document.querySelectorAll('svg.scatter').length,"
        " sections: Array.from(document.querySelectorAll('section[id]')).map(s => s.id),"
        " width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight};")
    if counts["bars"] < 6:
        failures.append("bar charts have %d bars" % counts["bars"])
    if counts["scatters"] < 10:
        failures.append("only %d scatter plots" % counts["scatters"])
    for s in ("description", "distribution", "correlations", "mri-vs-clinic", "groups"):
        if s not in counts["sections"]:
            failures.append("section %s missing" % s)
    os.makedirs(artifacts, exist_ok=True)
    driver.set_window_size(1280, min(int(counts["height"]) + 40, 16000))
    shot = os.path.join(artifacts, "cohort-report.png")
    driver.save_screenshot(shot)
    with open(os.path.join(artifacts, "cohort-report.dom.html"), "w") as f:
        f.write(driver.page_source)
    if os.path.getsize(shot) < 20000:
        failures.append("screenshot suspiciously small")
    print("chromium: %d unit-side shapes (atlas %d), %d bars, %d scatter plots, sections %s; screenshot %s"
          % (len(drawn), len(expected), counts["bars"], counts["scatters"], counts["sections"], shot))
finally:
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)
if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
