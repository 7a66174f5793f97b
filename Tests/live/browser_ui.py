#!/usr/bin/env python3
"""The state browser in a real browser: headless Chromium renders the pages of a live daemon with the
shipped fixtures, and the rendered DOM must show the seeded app, its version, a workflow history entry,
on the traffic page a transaction stated through POST /_emulator/traffic for an API made through the API,
on the overview the per-tenant counts and the failed request first, and on a request page its masked
headers. Every page rendered must fit a 1,280 px wide window: no horizontal scrolling
(document.documentElement.scrollWidth <= 1280, measured by Chromium itself).

Usage: browser_ui.py PATH/TO/akana-emulator [--screenshot PNG]
Run from the repository root (the daemon loads Config/fixtures from its working directory).
"""
import argparse, http.cookiejar, http.server, json, os, re, shutil, subprocess, sys, tempfile, threading, urllib.error, urllib.request
from html.parser import HTMLParser

APP_ID = "ae7f7f68-eb0d-4ca7-a89a-4530c2d01793.acmepaymentscorp"   # Config/fixtures/seed-samples.json
VERSION_ID = "2kqqoq5DwNm6MOSrvpnRxC3V.acmepaymentscorp"
DISCUSSION = "discussion11018.acmepaymentscorp"
WIDTH = 1280
# Appended to each page the measuring proxy serves (the daemon's pages have no scripts): Chromium writes
# the page's scroll width into the DOM it dumps.
PROBE = (b"<script>document.documentElement.setAttribute('data-scroll-width',"
         b"String(document.documentElement.scrollWidth))</script>")


class Cells(HTMLParser):
    """The text of every table cell, by table (in order), the page's h1, and the scroll width the probe wrote."""
    def __init__(self):
        super().__init__()
        self.tables, self.in_cell, self.h1, self.in_h1, self.scroll_width = [], False, "", False, None

    def handle_starttag(self, tag, attrs):
        if tag == "html": self.scroll_width = dict(attrs).get("data-scroll-width")
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


def measuring_proxy(base):
    """A loopback server that answers GET /x with the daemon's /x plus PROBE (same origin, so the probe may
    read the layout); the daemon's own pages stay script-free. Returns the proxy's base URL."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            try:
                with urllib.request.urlopen(base + self.path, timeout=60) as upstream:
                    status, body, kind = upstream.status, upstream.read(), upstream.headers.get("Content-Type", "")
            except urllib.error.HTTPError as error:
                status, body, kind = error.code, error.read(), error.headers.get("Content-Type", "")
            if kind.startswith("text/html"): body = body.replace(b"</body>", PROBE + b"</body>")
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        def log_message(self, *args): pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


RENDERED = []


def render(browser, url, profile, proxy=None, base=None):
    # --no-sandbox: CI runs as root. The DOM after rendering, as the browser built it, in a WIDTH px window.
    # Through the measuring proxy (when given) the page must not scroll sideways.
    target = proxy + url[len(base):] if proxy else url
    out = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}", "--hide-scrollbars",
                          f"--window-size={WIDTH},900", "--virtual-time-budget=2000", "--dump-dom", target],
                         capture_output=True, text=True, timeout=120)
    if out.returncode != 0 or "<html" not in out.stdout:
        sys.exit(f"chromium could not render {url}: {out.stderr[-2000:]}")
    parser = Cells()
    parser.feed(out.stdout)
    if proxy:
        assert parser.scroll_width is not None, f"the width probe did not run on {url}"
        assert int(parser.scroll_width) <= WIDTH, f"{url} scrolls sideways in a {WIDTH} px window: scrollWidth {parser.scroll_width}"
        RENDERED.append((url[len(base):], int(parser.scroll_width)))
    return parser


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--screenshot")
    args = ap.parse_args()
    browser = chromium()
    workdir = tempfile.mkdtemp(prefix="akana-ui-")
    # The journal keeps headers and bodies here, so the request page shows them (masked).
    env = dict(os.environ, AKANA_EMULATOR_JOURNAL_CAPTURE_EXCHANGE="true")
    proc = subprocess.Popen([os.path.abspath(args.binary), "serve", "--port", "0", "--database", os.path.join(workdir, "ui.sqlite")],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        base = re.search(r"listening on (http://\S+)", proc.stdout.readline()).group(1)
        profile = os.path.join(workdir, "profile")
        proxy = measuring_proxy(base)
        def page(path):
            return render(browser, base + path, profile, proxy, base)

        apps = page("/_emulator/ui/apps")
        names = [row[0] for table in apps.tables for row in table[1:]]
        assert "Crosfhocal" in names, f"seeded app missing from the apps page: {names}"

        app = page(f"/_emulator/ui/apps/{APP_ID}")
        assert "Crosfhocal" in app.h1, app.h1
        versions = [row for table in app.tables for row in table[1:]]
        assert any(VERSION_ID in row and "1.0" in row for row in versions), f"seeded version missing: {versions}"

        workflow = page(f"/_emulator/ui/workflow/{DISCUSSION}")
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
        checkpoint = post("/_emulator/checkpoints", {})["id"]
        post("/api/login", {"email": "administrator@acmepaymentscorp.com", "password": "password"})
        csrf = next(c.value for c in jar if c.name == "Csrf-Token_acmepaymentscorp")
        api = post("/api/apis", {"APIVersionInfo": {"Name": "Browser API", "Visibility": "Public"}},
                   {"X-Csrf-Token_acmepaymentscorp": csrf})
        post("/_emulator/traffic", [{"APIVersionID": api["LatestVersionID"], "TransactionID": "browser-tx-1", "Time": "-1m",
                                     "Operation": "getPet"}])
        traffic = page("/_emulator/ui/traffic")
        assert traffic.h1 == "Gateway traffic", traffic.h1
        counts, latest = traffic.tables[0], traffic.tables[1]
        assert any(row[:1] == ["Browser API"] and "1" in row for row in counts[1:]), f"no count for Browser API: {counts}"
        assert any("browser-tx-1" in row and "getPet" in row for row in latest[1:]), f"stated transaction missing: {latest}"

        # A failed request (404), then the overview: per-tenant counts, and the failure listed first.
        try:
            opener.open(urllib.request.Request(base + "/api/apps/no-such-app.acmepaymentscorp", headers={"Accept": "application/json"}),
                        timeout=60)
            sys.exit("the unknown app was found")
        except urllib.error.HTTPError as error:
            assert error.code == 404, error.code
        overview = page("/_emulator/ui")
        assert overview.h1 == "Overview", overview.h1
        per_tenant = next(table for table in overview.tables if table and table[0][:1] == ["tenant"] and "apps" in table[0])
        row = dict(zip(per_tenant[0], next(r for r in per_tenant[1:] if r[0] == "acmepaymentscorp")))
        assert int(row["apps"]) >= 1 and int(row["APIs"]) >= 1 and int(row["gateway transactions"]) >= 1, f"counts: {row}"
        latest_requests = next(table for table in overview.tables if table and table[0][1:3] == ["method", "path"])
        assert latest_requests[1][3] == "404" and "/api/apps/no-such-app" in latest_requests[1][2], \
            f"the failed request is not first: {latest_requests[:3]}"

        # The request page of the API's creation: its CSRF header masked.
        entry = next(e for e in json.load(urllib.request.urlopen(urllib.request.Request(
            base + "/_emulator/requests?method=POST&path=/api/apis", headers={"Accept": "application/json"}), timeout=60))["Request"])
        request_page = page(f"/_emulator/ui/requests/{entry['requestID']}")
        assert request_page.h1 == "POST /api/apis", request_page.h1
        headers = {row[0].lower(): row[1] for table in request_page.tables if table and table[0] == ["name", "value"]
                   for row in table[1:]}
        assert headers.get("x-csrf-token_acmepaymentscorp") == "(redacted)", f"CSRF header not masked: {headers}"
        assert csrf not in json.dumps(request_page.tables), "the CSRF value is shown"

        # Every other page, for the width check.
        for path in ["/_emulator/ui/users", "/_emulator/ui/apis", "/_emulator/ui/groups", "/_emulator/ui/licenses", "/_emulator/ui/content", "/_emulator/ui/models",
                     "/_emulator/ui/workflow", "/_emulator/ui/snapshots", f"/_emulator/ui/checkpoints/{checkpoint}/diff",
                     "/_emulator/ui/requests"]:
            rendered = page(path)
            assert rendered.h1, f"{path} rendered no heading"

        if args.screenshot:
            subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}", "--hide-scrollbars",
                            f"--window-size={WIDTH},900", f"--screenshot={os.path.abspath(args.screenshot)}", f"{base}/_emulator/ui"],
                           capture_output=True, timeout=120, check=True)
        print(f"state browser: {len(RENDERED)} pages rendered by {os.path.basename(browser)}, none wider than {WIDTH} px "
              f"(widest {max(width for _, width in RENDERED)}); apps, workflow history, traffic, overview counts and failures first, "
              "masked request page checked")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
