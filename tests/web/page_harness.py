"""The harness every browser test of the page shares: a real `crmo serve` on a free
loopback port (stopped by its PID whatever happens), headless Chromium through Debian's
chromium-driver and python3-selenium, and the test's command line.

A test defines run(crmo, source, artifacts, tmp), opens `with Run(server) as r:` and
`r.open_page(tmp, artifacts)`, and ends with `sys.exit(main(run, __doc__, "prefix-"))`.
Exit: 0 passed, 1 failed, 77 skipped (chromium, chromium-driver or selenium missing).
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_json import api_call  # noqa: E402
from harness_checks import Failure, check  # noqa: E402,F401  (re-exported to the page tests)

SKIP = 77
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

try:
    from selenium import webdriver
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    print("SKIP: python3-selenium is not installed (scripts/debian-test-packages.txt)")
    sys.exit(SKIP)



# Passwords of the users a test creates; each test adds its own.
PASSWORDS = {}


# ---- the server ----
class Server:
    def __init__(self, crmo, tmp, log_path):
        self.crmo, self.tmp = crmo, tmp
        self.db = os.path.join(tmp, "crmo.db")
        self.log = open(log_path, "w")
        self.proc = None
        self.base = None

    def run(self, *args, stdin=None):
        r = subprocess.run([self.crmo, *args], input=stdin, capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise Failure(f"crmo {' '.join(args)} exited {r.returncode}: {r.stderr.strip()}")
        return r.stdout

    def start(self, *extra):
        port_file = os.path.join(self.tmp, "port")
        if os.path.exists(port_file):
            os.remove(port_file)
        self.proc = subprocess.Popen([self.crmo, "serve", "--db", self.db, "--port", "0", "--port-file", port_file, *extra],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise Failure(f"crmo serve exited at start with status {self.proc.returncode} (see server.log)")
            if os.path.exists(port_file):
                port = open(port_file).read().strip()
                if port:
                    self.base = f"http://127.0.0.1:{port}"
                    return
            time.sleep(0.1)
        raise Failure("crmo serve did not write its port file within 30 s")

    def halt(self):
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def restart(self, *extra):
        self.halt()
        self.start(*extra)

    def stop(self):
        self.halt()
        self.log.close()

    # A direct API client, to check what the page stored and to change data behind it.
    def api(self, method, path, body=None, token=None):
        return api_call(self.base, method, path, body, token)

    def token(self, name):
        status, body = self.api("POST", "/api/login", {"name": name, "password": PASSWORDS[name]})
        if status != 200:
            raise Failure(f"API login of {name}: {status} {body}")
        return body["token"]


# ---- the browser ----
class Page:
    def __init__(self, tmp, artifacts):
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                  "--window-size=1500,1100", "--no-first-run", f"--user-data-dir={os.path.join(tmp, 'chromium')}"):
            opts.add_argument(a)
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        log = os.path.join(artifacts, "chromedriver.log")
        try:
            service = Service(executable_path=CHROMEDRIVER, log_path=log)  # selenium 4.8 (Debian 12)
        except TypeError:
            service = Service(executable_path=CHROMEDRIVER, log_output=log)
        self.d = webdriver.Chrome(service=service, options=opts)
        self.artifacts = artifacts
        self.shots = 0

    def quit(self):
        self.d.quit()

    def shot(self, name):
        self.shots += 1
        path = os.path.join(self.artifacts, f"{self.shots:02d}-{name}.png")
        self.d.save_screenshot(path)
        print("  screenshot:", path, flush=True)

    def wait(self, fn, what, timeout=15):
        try:
            return WebDriverWait(self.d, timeout, poll_frequency=0.1,
                                 ignored_exceptions=(StaleElementReferenceException,)).until(lambda d: fn())
        except TimeoutException:
            self.shot("timeout")
            raise Failure("timed out waiting for: " + what)

    def css(self, sel):
        return self.d.find_element(By.CSS_SELECTOR, sel)

    def all(self, sel):
        return self.d.find_elements(By.CSS_SELECTOR, sel)

    def text(self, sel):
        els = self.all(sel)
        return els[0].text.strip() if els else None

    def keys(self, *keys):
        ActionChains(self.d).send_keys(*keys).perform()

    def login(self, name):
        self.wait(lambda: self.css("#login-name").is_displayed(), "the login form")
        self.css("#login-name").clear()
        self.css("#login-name").send_keys(name)
        self.css("#login-password").send_keys(PASSWORDS[name])
        # The page must leave the form alone while someone types (no re-render, no focus moved).
        typed = (self.css("#login-name").get_attribute("value"), self.css("#login-password").get_attribute("value"))
        if typed != (name, PASSWORDS[name]):
            self.shot("login-form-changed")
            raise Failure(f"the login form changed while typing: name field holds {typed[0]!r}")
        self.css("#login-submit").click()
        self.wait(lambda: (self.text("#who") or "").startswith(name + " ") and self.all("#worklist tbody tr[data-exam]"),
                  "the worklist after login")

    def open_site_by_finder(self, site):
        self.keys("g")
        self.wait(lambda: self.d.switch_to.active_element.get_attribute("id") == "site-finder", "g focusing the site finder")
        self.keys(site, Keys.ENTER)
        self.wait(lambda: self.text("#panel-site") == site, f"the panel of {site}")

    def pressed(self, item):
        b = [e for e in self.all(f'#grading-panel button.grade[data-item="{item}"]') if e.get_attribute("aria-pressed") == "true"]
        return json.loads(b[0].get_attribute("data-value")) if b else None

    def exam_loaded(self, exam_id):
        self.wait(lambda: self.text("#exam-id") == exam_id and self.all("#skeleton [data-site]") and self.text("#panel-site"),
                  f"exam {exam_id} with its skeleton")


def script_errors(driver, expected=(400, 401, 403, 404, 405, 409)):
    """SEVERE console entries, but for resources that answered a status the test provoked."""
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"
            and not ("Failed to load resource" in e["message"] and any(f"status of {c}" in e["message"] for c in expected))]


class Run:
    """The server and page of one test: both stopped at the end, a failure screenshotted."""

    def __init__(self, server):
        self.server, self.page = server, None

    def open_page(self, tmp, artifacts):
        self.page = Page(tmp, artifacts)
        return self.page

    def __enter__(self):
        return self

    def __exit__(self, kind, error, trace):
        if isinstance(error, Failure) and self.page:
            try:
                self.page.shot("failure")
            except Exception:
                pass
        if self.page:
            self.page.quit()
        self.server.stop()
        return False


def main(run, doc, tmp_prefix):
    if len(sys.argv) != 4:
        print(doc)
        return 2
    crmo, source, artifacts = sys.argv[1:]
    for prog in (CHROMIUM, CHROMEDRIVER):
        if not os.access(prog, os.X_OK):
            print(f"SKIP: {prog} is missing (Debian packages chromium, chromium-driver)")
            return SKIP
    shutil.rmtree(artifacts, ignore_errors=True)
    os.makedirs(artifacts)
    tmp = tempfile.mkdtemp(prefix=tmp_prefix)
    try:
        rc = run(crmo, source, artifacts, tmp)
    except Failure as f:
        print("FAILED:", f, flush=True)
        rc = 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("PASSED" if rc == 0 else "see the screenshots and server.log in " + artifacts)
    return rc
