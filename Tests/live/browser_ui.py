#!/usr/bin/env python3
"""The state browser in a real browser: headless Chromium renders the pages of a live daemon with the
shipped fixtures, and the rendered DOM must show the seeded app, its version, a workflow history entry, and
on the traffic page a transaction stated through POST /_emulator/traffic for an API made through the API.

Usage: browser_ui.py PATH/TO/akana-emulator [--screenshot PNG]
Run from the repository root (the daemon loads Config/fixtures from its working directory).
"""
import argparse, http.cookiejar, json, os, re, shutil, subprocess, sys, tempfile, urllib.request
from html.parser import HTMLParser

APP_ID = "ae7f7f68-eb0d-4ca7-a89a-4530c2d01793.acmepaymentscorp"   # Config/fixtures/seed-samples.json
VERSION_ID = "2kqqoq5DwNm6MOSrvpnRxC3V.acmepaymentscorp"
DISCUSSION = "discussion11018.acmepaymentscorp"


class Cells(HTMLParser):
    """The text of every table cell, by table (in order), and the page's h1."""
    def __init__(self):
        super().__init__()
        self.tables, self.in_cell, self.h1, self.in_h1 = [], False, "", False

    def handle_starttag(self, tag, attrs):
        if tag == "table": self.tables.append([])
        elif tag == "tr" and self.tables: self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables: self.in_cell = True; self.tables[-1][-1].append("")
        elif tag == "h1": self.in_h1 = True

    def handle_endtag(self, tag):
        if tag in ("td", "th"): self.in_cell = False
        elif tag == "h1": self.in_h1 = False

    def handle_data(self, data):
        if self.in_cell: self.tables[-1][-1][-1] += data
        if self.in_h1: self.h1 += data


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name): return shutil.which(name)
    sys.exit("chromium is not installed (apt-get install chromium)")


def render(browser, url, profile):
    # --no-sandbox: CI runs as root. The DOM after rendering, as the browser built it.
    out = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
                          "--virtual-time-budget=2000", "--dump-dom", url], capture_output=True, text=True, timeout=120)
    if out.returncode != 0 or "<html" not in out.stdout:
        sys.exit(f"chromium could not render {url}: {out.stderr[-2000:]}")
    parser = Cells()
    parser.feed(out.stdout)
    return parser


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--screenshot")
    args = ap.parse_args()
    browser = chromium()
    workdir = tempfile.mkdtemp(prefix="akana-ui-")
    proc = subprocess.Popen([os.path.abspath(args.binary), "serve", "--port", "0", "--database", os.path.join(workdir, "ui.sqlite")],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        base = re.search(r"listening on (http://\S+)", proc.stdout.readline()).group(1)
        profile = os.path.join(workdir, "profile")

        apps = render(browser, base + "/_emulator/ui/apps", profile)
        names = [row[0] for table in apps.tables for row in table[1:]]
        assert "Crosfhocal" in names, f"seeded app missing from the apps page: {names}"

        app = render(browser, f"{base}/_emulator/ui/apps/{APP_ID}", profile)
        assert "Crosfhocal" in app.h1, app.h1
        versions = [row for table in app.tables for row in table[1:]]
        assert any(VERSION_ID in row and "1.0" in row for row in versions), f"seeded version missing: {versions}"

        workflow = render(browser, f"{base}/_emulator/ui/workflow/{DISCUSSION}", profile)
        history = workflow.tables[-1]
        assert history[0][:4] == ["at", "action", "from", "to"], history[0]
        assert len(history) >= 2 and history[1][1], f"no workflow history entry: {history}"

        # The traffic page: an API made by the Site Admin, a transaction stated for it.
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        def post(path, body, headers={}):
            request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                             headers={"Content-Type": "application/json", "Accept": "application/json", **headers})
            return json.load(opener.open(request, timeout=60))
        post("/api/login", {"email": "administrator@acmepaymentscorp.com", "password": "password"})
        csrf = next(c.value for c in jar if c.name == "Csrf-Token_acmepaymentscorp")
        api = post("/api/apis", {"APIVersionInfo": {"Name": "Browser API", "Visibility": "Public"}},
                   {"X-Csrf-Token_acmepaymentscorp": csrf})
        post("/_emulator/traffic", [{"APIVersionID": api["LatestVersionID"], "TransactionID": "browser-tx-1", "Time": "-1m",
                                     "Operation": "getPet"}])
        traffic = render(browser, base + "/_emulator/ui/traffic", profile)
        assert traffic.h1 == "Gateway traffic", traffic.h1
        counts, latest = traffic.tables[0], traffic.tables[1]
        assert any(row[:1] == ["Browser API"] and "1" in row for row in counts[1:]), f"no count for Browser API: {counts}"
        assert any("browser-tx-1" in row and "getPet" in row for row in latest[1:]), f"stated transaction missing: {latest}"

        if args.screenshot:
            subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}", "--hide-scrollbars",
                            "--window-size=1100,620", f"--screenshot={os.path.abspath(args.screenshot)}", f"{base}/_emulator/ui/apps/{APP_ID}"],
                           capture_output=True, timeout=120, check=True)
        print(f"state browser: apps, app {APP_ID}, workflow history of {DISCUSSION} and traffic rendered by {os.path.basename(browser)}; "
              "checks passed")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
