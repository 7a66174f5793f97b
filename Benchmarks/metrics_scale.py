#!/usr/bin/env python3
"""How the metrics reports' cost grows with the gateway's traffic: the same reports timed over a
month of traffic at a small and a large number of transactions, in one run (issue 28).

For each size N the emulator migrates a fresh database through its public CLI and API (login,
POST /api/apis for five API versions, POST /api/apps for one app version); then N transactions,
spread over the last 30 days, are inserted with plain SQL into `gateway_transactions` while the
daemon is stopped (the 0021 triggers keep the per-minute totals, as they do for the gateway and
POST /_emulator/traffic); the daemon restarts on that file and these are timed:

  month       GET /api/apis/versions/{id}/metrics?Duration=30d&TimeInterval=1d&ShowSummary=true
  day         GET /api/apis/versions/{id}/metrics                  (rwctl apis metrics: the last day, hourly)
  fine        GET /api/apis/versions/{id}/metrics?Duration=1h&TimeInterval=30s   (shorter than a minute:
              counted from the transactions themselves, so it grows with the calls of that hour)
  app_month   GET /api/apps/versions/{id}/metrics?ApiVersionID=…&Duration=30d&TimeInterval=1d
  top_apis    GET /api/businesses/{BusinessID}/metrics?TimeInterval=15m&Duration=all&Environment=All&ReportType=business.top10.apis
              (atmotool list topapis)
  export_ops  GET /api/apis/versions/{id}/metrics/export?Duration=30d&TimeInterval=1d&ReportType=service.all.operations
  txlog_hour  GET /api/apis/versions/{id}/txlogs/export?Duration=1h  (one CSV row per call of the hour)

Prints the median milliseconds per report at each size and the ratio large/small; exits 1 when a
report other than fine and txlog_hour (which read the rows of their range) takes more than --max-ms
(default 50) at the large size and more than --max-ratio (default 3) times its small-size time (a
few milliseconds move with the machine's load: either bar is enough).
Usage: metrics_scale.py --binary PATH [--small 1000] [--large 1000000] [--samples 30]
Needs `requests`. Run from the repository (the daemon reads its defaults there).
"""
import argparse, os, random, shutil, sqlite3, statistics, subprocess, sys, tempfile, time, uuid

import requests

T = "acmepaymentscorp"
ADMIN = ("administrator@acmepaymentscorp.com", "password")
DAY_MS = 86_400_000
OPERATIONS = ["getPet", "addPet", "findPets", "deletePet", "updatePet"]
# Reports that read every transaction of their (short) range: they grow with the calls in it.
RANGE_BOUND = ("fine", "txlog_hour")


def start(binary, db):
    p = subprocess.Popen([binary, "serve", "--host", "127.0.0.1", "--port", "0", "--database", db],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    if "listening on" not in line:
        raise RuntimeError("no listening line: %r" % line)
    return p, line.split()[-1]


def stop(p):
    p.terminate()
    p.wait(timeout=60)


def login(base):
    s = requests.Session()
    r = s.post(base + "/api/login", json={"email": ADMIN[0], "password": ADMIN[1]},
               headers={"Accept": "application/json"})
    r.raise_for_status()
    s.headers[f"X-Csrf-Token_{T}"] = s.cookies[f"Csrf-Token_{T}"]
    s.headers["Accept"] = "application/json"
    return s


def setup(s, base):
    """Five API versions and one app version, through the API; returns ([(api, version)], (app, app version))."""
    apis = []
    for i in range(5):
        body = {"APIVersionInfo": {"Name": f"Scale API {i}", "Visibility": "Public"},
                "AddAPIImplementationRequest": [
                    {"ImplementationCode": "Sandbox", "CreateMechanism": "PROXY",
                     "ProxyImplementationRequest": {"TargetEndpointURL": ["http://127.0.0.1:9/sbox"]}},
                    {"ImplementationCode": "Live", "CreateMechanism": "PROXY",
                     "ProxyImplementationRequest": {"TargetEndpointURL": ["http://127.0.0.1:9/live"]}}]}
        r = s.post(base + "/api/apis", json=body)
        r.raise_for_status()
        apis.append((r.json()["APIID"], r.json()["LatestVersionID"]))
    r = s.post(base + "/api/apps", json={"Name": "Scale app", "ApplicationVersion": {"Name": "1.0", "Visibility": "Public"}})
    r.raise_for_status()
    app = (r.json()["AppID"], r.json()["DefaultVersionID"])
    return apis, app


def fill(db, n, apis, app, now_ms):
    """n transactions over the 30 days before now_ms: 80 % to the first API version (from the app),
    the rest spread over the others; 10 % Sandbox, 3 % faults."""
    rnd = random.Random(28)
    con = sqlite3.connect(db)
    cur = con.cursor()
    sql = ("INSERT INTO gateway_transactions (tenant, transaction_id, time, time_ms, api_id, api_version_id, "
           "implementation_code, environment, operation, method, path, app_id, app_version_id, contract_id, status, "
           "fault, fault_message, duration_ms, request_size, response_size, client_address, source) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    batch, done = 50_000, 0
    while done < n:
        rows = []
        for _ in range(min(batch, n - done)):
            t = now_ms - rnd.randrange(30 * DAY_MS)
            api_id, version = apis[0] if rnd.random() < 0.8 else apis[rnd.randrange(1, len(apis))]
            sandbox = rnd.random() < 0.1
            fault = rnd.random() < 0.03
            mine = version == apis[0][1]
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t // 1000)) + ".%03dZ" % (t % 1000)
            rows.append((T, str(uuid.UUID(int=rnd.getrandbits(128), version=4)), stamp, t, api_id, version,
                         "Sandbox" if sandbox else "Live", "Sandbox" if sandbox else "Production",
                         rnd.choice(OPERATIONS), "GET", "/pets", app[0] if mine else "", app[1] if mine else "", "",
                         500 if fault else 200, 1 if fault else 0, "", rnd.uniform(5, 500), 120, 480, "10.0.0.1", "stated"))
        cur.executemany(sql, rows)
        con.commit()
        done += len(rows)
    con.close()


def timed(fn, samples):
    out = []
    for _ in range(samples):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return statistics.median(out)


def measure(binary, n, samples, workdir):
    db = os.path.join(workdir, f"metrics-{n}.sqlite")
    p, base = start(binary, db)
    try:
        apis, app = setup(login(base), base)
    finally:
        stop(p)
    t = time.perf_counter()
    fill(db, n, apis, app, int(time.time() * 1000))
    print(f"seeded {n} transactions in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    p, base = start(binary, db)
    try:
        s = login(base)
        v, a = apis[0][1], app[1]

        def get(path):
            def run():
                r = s.get(base + path)
                r.raise_for_status()
            return run

        reports = {
            "month": f"/api/apis/versions/{v}/metrics?Duration=30d&TimeInterval=1d&ShowSummary=true",
            "day": f"/api/apis/versions/{v}/metrics",
            "fine": f"/api/apis/versions/{v}/metrics?Duration=1h&TimeInterval=30s",
            "app_month": f"/api/apps/versions/{a}/metrics?ApiVersionID={v}&Duration=30d&TimeInterval=1d",
            "top_apis": f"/api/businesses/tenantbusiness.{T}/metrics?TimeInterval=15m&Duration=all&Environment=All"
                        "&ReportType=business.top10.apis",
            "export_ops": f"/api/apis/versions/{v}/metrics/export?Duration=30d&TimeInterval=1d&ReportType=service.all.operations",
            "txlog_hour": f"/api/apis/versions/{v}/txlogs/export?Duration=1h",
        }
        month = s.get(base + reports["month"]).json()
        total = next(m["Value"] for m in month["Summary"]["Metric"] if m["Name"] == "totalCount")
        print(f"N={n}: the month's report counts {total} calls to the first API version", file=sys.stderr)
        return {name: timed(get(path), samples) for name, path in reports.items()}
    finally:
        stop(p)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--small", type=int, default=1000)
    ap.add_argument("--large", type=int, default=1_000_000)
    ap.add_argument("--samples", type=int, default=30)
    ap.add_argument("--max-ratio", type=float, default=3.0)
    ap.add_argument("--max-ms", type=float, default=50.0)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="akana-metrics-scale-")
    try:
        small = measure(a.binary, a.small, a.samples, work)
        large = measure(a.binary, a.large, a.samples, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    failed = []
    for k in small:
        r = large[k] / small[k] if small[k] else float("inf")
        if k not in RANGE_BOUND and large[k] > a.max_ms and r > a.max_ratio:
            failed.append(k)
        print(f"{k:11s} {a.small:>8d}: {small[k]:9.2f} ms   {a.large:>8d}: {large[k]:9.2f} ms   ratio {r:7.2f}")
    print(f"over both bars ({a.max_ms} ms at {a.large}, ratio {a.max_ratio}): {', '.join(failed) or 'none'} "
          f"({' and '.join(RANGE_BOUND)} read the rows of their range and are not held to them)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
