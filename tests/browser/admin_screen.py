#!/usr/bin/env python3
"""Browser test of the admin screen Admin -> Salesforce in a real OTRS 6.

Not part of `make test` (it needs a running OTRS with the package installed,
its daemon running, and a fake Salesforce org the package's settings point at).
Headless Chromium, driven by Selenium through Debian's chromedriver:

    apt-get install chromium chromium-driver
    python3 -m venv venv && venv/bin/pip install selenium
    venv/bin/python tests/browser/admin_screen.py \\
        --url http://127.0.0.1:8080/otrs --user root@localhost --password SECRET \\
        --fake-data-url https://127.0.0.1:PORT/_fake/data --fake-ca-file /path/ca.pem \\
        --screenshots doc/images

With --fake-data-url the test first adds an Account named <script>alert(1)</script> <time>
to the fake org (through the fake's data API); without it, such an Account must be
there already. Steps: log in; the Admin overview has the Salesforce tile; the
screen shows the sign-in settings without secrets; "Test connection" names the
org; a preview of the companies runs as a daemon task and shows its plan, the
hostile name as text (no script runs); "Run now" applies the sync; the run is
listed with trigger "screen" and its page shows the counts and the download.
A screenshot of each section goes to --screenshots. Exit code 0 only if every
check passed; each check prints one line.
"""

import argparse
import json
import os
import ssl
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

HOSTILE = "<script>alert(1)</script>"


class Checks:
    """Counts the checks; each prints one line."""

    def __init__(self):
        self.failed = 0
        self.passed = 0

    def check(self, ok, what):
        print(("ok     " if ok else "FAILED ") + what, flush=True)
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        return ok


def add_hostile_account(data_url, ca_file):
    """A new Account whose name starts with HOSTILE (a time stamp after it, so that each run
    adds one the preview shows as created, whatever earlier runs left in OTRS)."""
    context = ssl.create_default_context(cafile=ca_file) if ca_file else ssl.create_default_context()
    name = f"{HOSTILE} {int(time.time())}"
    body = json.dumps({"create": [{"type": "Account", "Name": name}]}).encode()
    request = urllib.request.Request(data_url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, context=context, timeout=30) as answer:
        return answer.status == 200


def start_browser(chromium, chromedriver):
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1400,1100"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)


def no_alert(driver):
    try:
        driver.switch_to.alert
        return False
    except NoAlertPresentException:
        return True


def shot(driver, directory, name, element_id=None, show=None):
    """A screenshot of the page, or of one section (element) of it, or of the window with
    the element show in its middle (an element screenshot is cut at the window's height)."""
    if not directory:
        return
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, name)
    if show is not None:
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", show)
        driver.save_screenshot(path)
    elif element_id:
        element = driver.find_element(By.ID, element_id)
        driver.execute_script("arguments[0].scrollIntoView(true);", element)
        element.screenshot(path)
    else:
        driver.save_screenshot(path)
    print(f"       screenshot {path}")


def start_request(driver, button_id, seconds):
    """Starts a preview or a sync of the companies from the overview and waits until the
    request page shows its result (the page polls and reloads itself). True when it did."""
    Select(driver.find_element(By.ID, "SalesForceKind")).select_by_value("companies")
    driver.find_element(By.ID, button_id).click()
    try:
        WebDriverWait(driver, seconds, poll_frequency=1).until(
            lambda d: d.find_elements(By.ID, "SalesForceRequestResult")
            or d.find_elements(By.CSS_SELECTOR, "#SalesForceRequest .MessageBox.Error"))
    except TimeoutException:
        return False
    return True


def main():
    parser = argparse.ArgumentParser(description="Browser test of Admin -> Salesforce in a real OTRS 6.")
    parser.add_argument("--url", required=True, help="OTRS base URL, e.g. http://127.0.0.1:8080/otrs")
    parser.add_argument("--user", required=True, help="an agent of the group admin")
    parser.add_argument("--password", required=True)
    parser.add_argument("--fake-data-url", help="the fake org's data URL (adds the hostile Account)")
    parser.add_argument("--fake-ca-file", help="the CA file of the fake org's TLS certificate")
    parser.add_argument("--screenshots", help="directory for the screenshots (none if not given)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    parser.add_argument("--timeout", type=int, default=180, help="seconds to wait for a daemon task")
    args = parser.parse_args()
    checks = Checks()
    try:
        run(checks, args)
    finally:
        print(f"RESULT: {checks.passed} passed, {checks.failed} failed")
    return 0 if checks.failed == 0 else 1


def run(checks, args):
    """Every step; stops at the first step that leaves nothing to check after it."""

    if args.fake_data_url:
        checks.check(add_hostile_account(args.fake_data_url, args.fake_ca_file),
                     "the fake org has a new Account named " + HOSTILE + " ...")

    base = args.url.rstrip("/") + "/index.pl"
    driver = start_browser(args.chromium, args.chromedriver)
    wait = WebDriverWait(driver, 30)
    try:
        # Log in (OTRS enables the button once its JavaScript is ready).
        driver.get(base)
        wait.until(EC.element_to_be_clickable((By.ID, "LoginButton")))
        driver.find_element(By.ID, "User").send_keys(args.user)
        driver.find_element(By.ID, "Password").send_keys(args.password)
        driver.find_element(By.ID, "LoginButton").click()
        wait.until(lambda d: "Action=Login" not in d.current_url and d.find_elements(By.ID, "NavigationContainer"))
        checks.check(True, "logged in as " + args.user)

        # The tile in the Admin overview leads to the screen.
        driver.get(base + "?Action=Admin")
        tiles = driver.find_elements(By.CSS_SELECTOR, "a[href*='Action=AdminSalesForce']")
        checks.check(len(tiles) > 0, "the Admin overview has the Salesforce tile")
        driver.get(base + "?Action=AdminSalesForce")
        wait.until(EC.presence_of_element_located((By.ID, "SalesForceConnectionSettings")))
        settings = driver.find_element(By.ID, "SalesForceConnectionSettings").text
        checks.check("SalesForceModule::AuthPassword" in settings and "set" in settings,
                     "the screen shows the sign-in settings, the password only as set")
        checks.check(args.password not in driver.page_source, "no password of the page's user in the page")
        shot(driver, args.screenshots, "admin-salesforce-overview.png")

        # Test connection.
        driver.find_element(By.ID, "SalesForceConnectionTest").click()
        wait.until(lambda d: d.find_elements(By.ID, "SalesForceConnectionOk")
                   or d.find_elements(By.ID, "SalesForceConnectionFailed"))
        ok = bool(driver.find_elements(By.ID, "SalesForceConnectionOk"))
        info = driver.find_element(By.ID, "SalesForceConnectionInfo").text if ok else ""
        checks.check(ok and "Organization" in info, "Test connection: connected, " + info.split("\n")[0])
        shot(driver, args.screenshots, "admin-salesforce-connection.png", "SalesForceConnection")

        # Preview of the companies: a daemon task, then the plan.
        if driver.find_elements(By.ID, "SalesForceDaemonDown"):
            checks.check(False, "the OTRS daemon runs (the screen says it does not)")
            return
        if not checks.check(start_request(driver, "SalesForcePreview", args.timeout),
                            f"the preview of the companies finished within {args.timeout} s"):
            return
        counts = driver.find_element(By.ID, "SalesForcePreviewCounts").text
        checks.check("create" in counts, "the preview shows its plan: " + counts.replace("\n", " "))
        shot(driver, args.screenshots, "admin-salesforce-preview.png")

        # The hostile Account is one of the creates: page through them until it shows.
        driver.find_element(By.CSS_SELECTOR, "#SalesForcePreviewCounts a[data-action='create']").click()
        found = None
        while True:
            wait.until(EC.presence_of_element_located((By.ID, "SalesForcePreviewTable")))
            names = driver.find_elements(By.CSS_SELECTOR, "#SalesForcePreviewTable .SalesForceName")
            found = next((e for e in names if e.text.startswith(HOSTILE)), None)
            following = driver.find_elements(By.ID, "SalesForcePreviewNext")
            if found is not None or not following:
                break
            following[0].click()
        checks.check(found is not None, "the hostile Account name is shown as text")
        checks.check(no_alert(driver), "... and no script ran (no alert)")
        shot(driver, args.screenshots, "admin-salesforce-preview-hostile.png", "SalesForcePreviewPlan",
             show=found.find_element(By.XPATH, "./ancestor::tr[1]") if found is not None else None)

        # Run now: the real sync, then its run.
        driver.get(base + "?Action=AdminSalesForce")
        if not checks.check(start_request(driver, "SalesForceRunNow", args.timeout),
                            f"the sync of the companies finished within {args.timeout} s"):
            return
        result = driver.find_element(By.ID, "SalesForceRequestResult").text
        checks.check(result.startswith("ok"), "Run now: " + result)
        driver.find_element(By.PARTIAL_LINK_TEXT, "Show the run").click()
        wait.until(EC.presence_of_element_located((By.ID, "SalesForceRunCounts")))
        run_counts = driver.find_element(By.ID, "SalesForceRunCounts").text
        checks.check("created" in run_counts, "the run page shows the counts: " + " ".join(run_counts.split()))
        checks.check(bool(driver.find_elements(By.ID, "SalesForceRunDownload")), "... and the report download")
        page = driver.page_source
        checks.check(HOSTILE not in page, "... with no unescaped hostile name")
        shot(driver, args.screenshots, "admin-salesforce-run.png")

        # The runs and the schedule on the overview.
        driver.get(base + "?Action=AdminSalesForce")
        runs = driver.find_element(By.ID, "SalesForceRunList").text
        checks.check("screen" in runs, "the runs list the runs from this screen")
        shot(driver, args.screenshots, "admin-salesforce-runs.png", "SalesForceRuns")
        schedule = driver.find_element(By.ID, "SalesForceSchedule").text
        # OTRS's style sheet shows table headers in capitals; .text gives what is shown.
        checks.check("schedule (utc)" in schedule.lower(),
                     "the schedule of the cron tasks: " + " ".join(schedule.split()))
        shot(driver, args.screenshots, "admin-salesforce-schedule.png", "SalesForceSchedule")
    finally:
        # Log out through the page's own link (it carries the challenge token OTOBO wants):
        # OTRS allows each agent a limited number of sessions.
        try:
            links = driver.find_elements(By.ID, "LogoutButton")
            if links:
                driver.get(links[0].get_attribute("href"))
        finally:
            driver.quit()


if __name__ == "__main__":
    sys.exit(main())
