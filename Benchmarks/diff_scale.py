#!/usr/bin/env python3
"""What a checkpoint diff costs as the data grows (issue 30's target: a test's few changes diffed in
at most 5 ms at 100k rows). For each size N: a fresh database migrated by the binary, N synthetic
apps with a version each added with plain SQL while the daemon is stopped (as ../shared scale.py
does), the daemon restarted on it; then, like a test, a checkpoint, a few changes through the API
(two apps created, a version renamed, an app deleted), and GET /_emulator/checkpoints/{id}/diff
timed --samples times on one keep-alive connection. Prints the median and p99 milliseconds at each
size and the ratio large/small; exit 1 when the large median exceeds --target-ms (5) or the ratio
exceeds --max-ratio (3). (p99 is printed too: on a shared 2-core machine it follows the load.)

Usage: python3 Benchmarks/diff_scale.py [--binary .build/release/akana-emulator] [--small 1000] [--large 100000]
Needs `requests`.
"""
import argparse, os, sqlite3, statistics, subprocess, sys, tempfile, time, uuid

import requests

T = "acmepaymentscorp"
ADMIN = ("administrator@acmepaymentscorp.com", "password")


def start(binary, db):
    p = subprocess.Popen([binary, "serve", "--host", "127.0.0.1", "--port", "0", "--database", db],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    if "listening on" not in line:
        raise RuntimeError("no listening line: %r" % line)
    return p, line.split()[-1]


def stop(p):
    p.terminate()
    p.wait(timeout=30)


def login(base):
    s = requests.Session()
    s.post(base + "/api/login", json={"email": ADMIN[0], "password": ADMIN[1]},
           headers={"Accept": "application/json"}).raise_for_status()
    s.headers[f"X-Csrf-Token_{T}"] = s.cookies[f"Csrf-Token_{T}"]
    return s


def create_app(s, base, name):
    r = s.post(base + "/api/apps", headers={"Accept": "text/plain"}, json={"Name": name})
    r.raise_for_status()
    app_id = r.text.strip()
    return app_id, s.get(base + "/api/apps/" + app_id, headers={"Accept": "application/json"}).json()["DefaultVersionID"]


def fill(db, n):
    con = sqlite3.connect(db)
    cur = con.cursor()
    uid = cur.execute("SELECT id FROM users WHERE email = ?", (ADMIN[0],)).fetchone()[0]
    now = "2026-01-01T00:00:00Z"
    done = 0
    while done < n:
        k = min(20000, n - done)
        apps, versions, members = [], [], []
        for i in range(k):
            a = f"{uuid.uuid4()}.{T}"
            local = uuid.uuid4().hex[:20] + uuid.uuid4().hex[:20]
            apps.append((a, T, f"synthetic {done + i}", now, now))
            versions.append((f"{local}.{T}", a, T, "1.0", "Public", "Sandbox", "Sandbox", "com.soa.app.state.initial",
                             f"{T}-{local}", uuid.uuid4().hex, now, now))
            members.append((a, uid))
        cur.executemany("INSERT INTO apps (id, tenant, name, created, updated) VALUES (?,?,?,?,?)", apps)
        cur.executemany("INSERT INTO app_versions (id, app_id, tenant, name, visibility, initial_environment, "
                        "current_environment, state, identity, shared_secret, created, updated) "
                        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", versions)
        cur.executemany("INSERT INTO app_team_members (app_id, user_id, role) VALUES (?, ?, 'Admin')", members)
        con.commit()
        done += k
    con.close()


def measure(binary, n, samples, workdir):
    db = os.path.join(workdir, f"diff-{n}.sqlite")
    p, base = start(binary, db)
    s = login(base)
    kept, doomed = create_app(s, base, "kept"), create_app(s, base, "doomed")
    stop(p)
    fill(db, n)
    p, base = start(binary, db)
    try:
        s = login(base)
        cp = s.post(base + "/_emulator/checkpoints").json()["id"]
        create_app(s, base, "created 1")
        create_app(s, base, "created 2")
        s.put(f"{base}/api/apps/versions/{kept[1]}", json={"Name": "2.0"}, headers={"Accept": "*/*"}).raise_for_status()
        s.delete(f"{base}/api/apps/{doomed[0]}", headers={"Accept": "*/*"}).raise_for_status()
        url = f"{base}/_emulator/checkpoints/{cp}/diff"
        first = s.get(url, headers={"Accept": "application/json"})
        first.raise_for_status()
        body = first.json()
        counts = (len(body["created"]), len(body["changed"]), len(body["deleted"]))
        times = []
        for _ in range(samples):
            t = time.perf_counter()
            s.get(url, headers={"Accept": "application/json"}).raise_for_status()
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        return statistics.median(times), times[int(len(times) * 0.99) - 1], counts
    finally:
        stop(p)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=".build/release/akana-emulator")
    ap.add_argument("--small", type=int, default=1000)
    ap.add_argument("--large", type=int, default=100000)
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--target-ms", type=float, default=5.0)
    ap.add_argument("--max-ratio", type=float, default=3.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        small = measure(args.binary, args.small, args.samples, workdir)
        large = measure(args.binary, args.large, args.samples, workdir)
    ratio = large[0] / small[0]
    print(f"{'rows':>8} {'p50 ms':>8} {'p99 ms':>8}  created/changed/deleted rows")
    for n, (p50, p99, counts) in ((args.small, small), (args.large, large)):
        print(f"{n:>8} {p50:>8.2f} {p99:>8.2f}  {counts}")
    print(f"ratio large/small (p50): {ratio:.2f}")
    ok = large[0] <= args.target_ms and ratio <= args.max_ratio
    print("target met" if ok else f"MISSED: p50 {large[0]:.2f} ms (target {args.target_ms}) or ratio {ratio:.2f} (max {args.max_ratio})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
