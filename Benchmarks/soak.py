#!/usr/bin/env python3
"""Soak test of the akana-emulator release binary: long runs must stay flat, in memory and on disk.

Starts the binary on a free port with a fresh database in a temporary directory (built-in defaults,
plus undo.maxEntries = --undo-max-entries), logs in as the seeded Site Admin, creates --apps apps,
takes a "baseline" snapshot that is kept for the whole run (its mark keeps the undo log recording,
so the log reaches its cap), then for --minutes minutes runs, all at once:

  mix          wrk, --connections connections: nine GET /api/apps/versions/{id}, then one
               POST /api/apps/versions/{id}/action {"ActionName":"@RegeneratedSecret"}, over and over
               (one wrk run per minute, so each minute has its own p99 and non-2xx count)
  logins       a login of the Site Admin every --login-seconds (a new session each time)
  searches     GET /api/search?q=type:app every --search-seconds with the admin's cookie
  checkpoints  what a test fixture does: POST /_emulator/checkpoints, --checkpoint-seconds of the
               traffic above, POST .../rollback, DELETE the checkpoint, then --gap-seconds before the
               next one (the gap's writes stay in the undo log under the baseline snapshot's mark)
  snapshots    every minute a snapshot "minute-N"; the one from --keep-snapshots minutes before is
               deleted; every --restore-minutes minutes the previous minute's snapshot is restored
               (by rolling back while its mark is kept, by copying its file once it was released)

Every minute it prints: the daemon's RSS (VmRSS of /proc/PID/status), the database's bytes (file +
-wal), the snapshots' bytes, the undo log's rows, the answers that were not 2xx (wrk's and the side
workloads'; a rollback answered 409 because its checkpoint was released past the cap is provoked by
the workload and counted apart), wrk's p99 and requests/s for that minute, and the p99 of the
checkpoint operations. At the end a summary checks:

  rss          RSS at the end within 10% of RSS after 5 minutes (or the middle minute of a shorter run)
  disk         database + snapshot bytes flat once the undo log reached its cap: the last minute's
               within 15% of the first minute's after the cap was reached; the undo log never holds
               more than the cap plus 5%
  errors       0 non-2xx answers and 0 socket errors, except the provoked 409s
  p99          steady: no minute's p99 (after the first) above 3x the median minute's

and exits 1 when one fails. Standard library only; needs wrk (apt-get install wrk). The machine is
shared: other processes move the numbers, latency most.

Usage (after `swift build -c release`, from the repository root):
  python3 Benchmarks/soak.py [--minutes 30] [--undo-max-entries 200000] [--connections 16] [--apps 500]
                             [--binary .build/release/akana-emulator] [--json soak.json] [--keep]
"""
import argparse
import http.client
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TENANT = "acmepaymentscorp"
EMAIL = "administrator@acmepaymentscorp.com"
PASSWORD = "password"

MIXED_LUA = r"""
local ids = {}
init = function(args)
  for line in io.lines(os.getenv("IDS")) do ids[#ids + 1] = line end
end
local i = 0
request = function()
  i = i + 1
  local id = ids[(i * 7919) % #ids + 1]
  if i % 10 == 0 then
    return wrk.format("POST", "/api/apps/versions/" .. id .. "/action",
      {["Cookie"] = os.getenv("COOKIE"), [os.getenv("CSRF_HEADER")] = os.getenv("CSRF"),
       ["Content-Type"] = "application/json", ["Accept"] = "text/plain"},
      '{"ActionName":"@RegeneratedSecret"}')
  end
  return wrk.format("GET", "/api/apps/versions/" .. id,
    {["Cookie"] = os.getenv("COOKIE"), ["Accept"] = "application/json"})
end
"""


class Client:
    """One keep-alive HTTP/1.1 connection; cookies kept by name."""

    def __init__(self, base):
        host, port = base.split("//")[1].split(":")
        self.host, self.port = host, int(port)
        self.cookies = {}
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        for attempt in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                for name, value in response.getheaders():
                    if name.lower() == "set-cookie":
                        pair = value.split(";", 1)[0]
                        if "=" in pair:
                            k, v = pair.split("=", 1)
                            self.cookies[k.strip()] = v.strip()
                return response.status, data
            except (http.client.HTTPException, OSError):
                self.conn = None
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def csrf(self):
        return {f"X-Csrf-Token_{TENANT}": self.cookies.get(f"Csrf-Token_{TENANT}", "")}


def start_emulator(binary, workdir, env):
    db = os.path.join(workdir, "soak.sqlite")
    proc = subprocess.Popen([binary, "serve", "--host", "127.0.0.1", "--port", "0", "--database", db],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, **env}, cwd=workdir)
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                sys.exit(f"emulator exited with {proc.returncode} before listening")
            continue
        m = re.search(r"listening on (http://\S+)", line)
        if m:
            return proc, m.group(1).rstrip("/"), db
    proc.kill()
    sys.exit("emulator did not print 'listening on http://HOST:PORT' within 60 s")


def seed(base, n):
    c = Client(base)
    status, _ = c.request("POST", "/api/login", {"email": EMAIL, "password": PASSWORD}, {"Accept": "application/json"})
    assert status == 200, f"login answered {status}"
    ids = []
    for i in range(n):
        body = {"Name": f"soak-app-{i}", "Summary": "soak", "Description": "Soak app",
                "ApplicationVersion": {"Name": "1.0", "Description": "Initial version", "Tag": ["soak"],
                                       "Visibility": "Public", "WebsiteAddress": "http://www.acmepaymentscorp.com/soak"}}
        status, data = c.request("POST", "/api/apps", body, {"Accept": "text/plain", **c.csrf()})
        assert status == 200, f"POST /api/apps answered {status}: {data[:200]!r}"
        status, data = c.request("GET", f"/api/apps/{data.decode().strip()}", headers={"Accept": "application/json"})
        assert status == 200
        ids.append(json.loads(data)["DefaultVersionID"])
    cookie = "; ".join(f"{k}={v}" for k, v in c.cookies.items())
    return ids, cookie, c.cookies.get(f"Csrf-Token_{TENANT}", "")


def parse_wrk(out):
    def lat(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return None
        v, u = float(m.group(1)), m.group(2)
        return v / 1000 if u == "us" else v * 1000 if u == "s" else v
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    return {"rps": float(rps.group(1)) if rps else 0.0, "p99_ms": lat(99), "requests": int(total.group(1)) if total else 0,
            "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": sum(int(x) for x in errors.groups()) if errors else 0}


class Side:
    """What the side workloads saw, per minute: answers by status, provoked ones, latencies."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.unexpected = []      # (what, status)
            self.provoked = 0         # 409: rollback to a checkpoint released past the cap
            self.ok = 0
            self.checkpoint_ms = []   # checkpoint, rollback and delete, each
            self.restores = []        # methods

    def take(self):
        with self.lock:
            snapshot = (list(self.unexpected), self.provoked, self.ok, list(self.checkpoint_ms), list(self.restores))
        self.reset()
        return snapshot

    def record(self, what, status, ms=None, provoked=False):
        with self.lock:
            if 200 <= status < 300:
                self.ok += 1
                if ms is not None:
                    self.checkpoint_ms.append(ms)
            elif provoked:
                self.provoked += 1
            else:
                self.unexpected.append((what, status))


def timed(client, method, path, body=None, headers=None):
    t = time.monotonic()
    status, data = client.request(method, path, body, headers)
    return status, data, (time.monotonic() - t) * 1000


def logins_and_searches(base, side, stop, login_seconds, search_seconds):
    admin = Client(base)
    status, _ = admin.request("POST", "/api/login", {"email": EMAIL, "password": PASSWORD}, {"Accept": "application/json"})
    side.record("login", status)
    next_login = time.monotonic() + login_seconds
    while not stop.is_set():
        if time.monotonic() >= next_login:
            fresh = Client(base)
            status, _ = fresh.request("POST", "/api/login", {"email": EMAIL, "password": PASSWORD}, {"Accept": "application/json"})
            side.record("login", status)
            next_login = time.monotonic() + login_seconds
        status, _ = admin.request("GET", "/api/search?q=type:app&sortBy=com.soa.sort.order.alphabetical&count=20&start=0",
                                  headers={"Accept": "application/json"})
        if status == 401:  # a snapshot restore brought back a state without this session: log in again
            admin.cookies.clear()
            status, _ = admin.request("POST", "/api/login", {"email": EMAIL, "password": PASSWORD}, {"Accept": "application/json"})
            side.record("login (after a restore)", status)
        else:
            side.record("search", status)
        stop.wait(search_seconds)


def checkpoints(base, side, stop, hold, gap):
    c = Client(base)
    while not stop.is_set():
        status, data, ms = timed(c, "POST", "/_emulator/checkpoints", headers={"Accept": "application/json"})
        side.record("checkpoint", status, ms)
        if status != 201:
            stop.wait(gap)
            continue
        cid = json.loads(data)["id"]
        stop.wait(hold)
        status, data, ms = timed(c, "POST", f"/_emulator/checkpoints/{cid}/rollback", headers={"Accept": "application/json"})
        # 409: released because the undo log went past its cap (the workload's own doing); 404: a
        # snapshot restore (by copy) replaced the database meanwhile and with it the checkpoint.
        released = status == 409 and b"undo.maxEntries" in data
        side.record("rollback", status, ms, provoked=released or status == 404)
        status, _, ms = timed(c, "DELETE", f"/_emulator/checkpoints/{cid}")
        side.record("delete checkpoint", status, ms, provoked=status == 404)
        stop.wait(gap)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def snapshot_bytes(db):
    directory = db + ".snapshots"
    try:
        return sum(size(os.path.join(directory, name)) for name in os.listdir(directory))
    except OSError:
        return 0


def undo_rows(db):
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute("SELECT count(*) FROM undo_log").fetchone()[0]
    finally:
        conn.close()


class Sampler(threading.Thread):
    """The undo log's rows every 2 s: a minute's largest (the log fills up to the cap and drops when a
    mark is released, so one reading a minute can miss the top)."""

    def __init__(self, db, stop):
        super().__init__(daemon=True)
        self.db, self.stop, self.lock, self.largest = db, stop, threading.Lock(), 0

    def run(self):
        while not self.stop.wait(2.0):
            try:
                rows = undo_rows(self.db)
            except sqlite3.Error:
                continue
            with self.lock:
                self.largest = max(self.largest, rows)

    def take(self, now):
        with self.lock:
            largest, self.largest = max(self.largest, now), 0
        return largest


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build/release/akana-emulator"))
    ap.add_argument("--minutes", type=int, default=30)
    ap.add_argument("--undo-max-entries", type=int, default=200_000,
                    help="undo.maxEntries for the daemon; 0: leave it unset (a binary without the key)")
    ap.add_argument("--apps", type=int, default=500)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--checkpoint-seconds", type=float, default=2.0, help="traffic between a checkpoint and its rollback")
    ap.add_argument("--gap-seconds", type=float, default=1.0, help="traffic between a checkpoint's deletion and the next one")
    ap.add_argument("--login-seconds", type=float, default=1.0)
    ap.add_argument("--search-seconds", type=float, default=0.2)
    ap.add_argument("--keep-snapshots", type=int, default=2, help="minute snapshots kept (older ones are deleted)")
    ap.add_argument("--restore-minutes", type=int, default=5, help="restore the previous minute's snapshot every N minutes (0: never)")
    ap.add_argument("--json", help="write the per-minute rows and the summary here")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    if not os.path.exists(args.binary):
        sys.exit(f"{args.binary} not found: swift build -c release first")

    workdir = tempfile.mkdtemp(prefix="akana-soak-")
    env = {"AKANA_EMULATOR_UNDO_MAX_ENTRIES": str(args.undo_max_entries)} if args.undo_max_entries else {}
    # wrk's session is the seeding login's, and a session expires sessions.lifetimeMinutes (30)
    # after login: it must outlast the run (at minute 30 every request was a 401 otherwise). Not a
    # fresh login per minute: a checkpoint rollback or a snapshot restore undoes a login made after it.
    env["AKANA_EMULATOR_SESSIONS_LIFETIME_MINUTES"] = str(args.minutes + 15)
    proc, base, db = start_emulator(args.binary, workdir, env)
    rows, summary = [], {}
    stop = threading.Event()
    threads = []
    try:
        t = time.time()
        ids, cookie, csrf = seed(base, args.apps)
        print(f"seeded {args.apps} apps in {time.time() - t:.1f} s; undo.maxEntries = {args.undo_max_entries}; "
              f"{args.connections} connections; database {db}", flush=True)
        ids_file = os.path.join(workdir, "ids.txt")
        with open(ids_file, "w") as f:
            f.write("\n".join(ids) + "\n")
        script = os.path.join(workdir, "mixed.lua")
        with open(script, "w") as f:
            f.write(MIXED_LUA)
        wrk_env = {**os.environ, "IDS": ids_file, "COOKIE": cookie, "CSRF_HEADER": f"X-Csrf-Token_{TENANT}", "CSRF": csrf}
        admin = Client(base)
        status, _ = admin.request("POST", "/_emulator/snapshots", {"name": "baseline"}, {"Accept": "application/json"})
        assert status == 201, f"baseline snapshot answered {status}"

        side = Side()
        threads = [threading.Thread(target=logins_and_searches, args=(base, side, stop, args.login_seconds, args.search_seconds), daemon=True),
                   threading.Thread(target=checkpoints, args=(base, side, stop, args.checkpoint_seconds, args.gap_seconds), daemon=True)]
        sampler = Sampler(db, stop)
        threads.append(sampler)
        for thread in threads:
            thread.start()

        header = (f"{'min':>3} {'RSS MiB':>8} {'db+wal MiB':>10} {'snap MiB':>8} {'undo rows':>9} {'undo max':>8} {'non-2xx':>7} "
                  f"{'provoked':>8} {'p99 ms':>7} {'req/s':>7} {'cp p99 ms':>9} {'snapshot':>9} restore")
        print(header, flush=True)
        for minute in range(1, args.minutes + 1):
            wrk = subprocess.Popen(["wrk", "-t1", f"-c{args.connections}", "-d60s", "--latency", "-s", script, base],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=wrk_env)
            snapshot_status, snapshot_ms = None, None
            t = time.monotonic()
            status, data = admin.request("POST", "/_emulator/snapshots", {"name": f"minute-{minute}"}, {"Accept": "application/json"})
            snapshot_ms = (time.monotonic() - t) * 1000
            side.record("snapshot", status)
            snapshot_status = status
            old = minute - args.keep_snapshots
            if old >= 1:
                status, _ = admin.request("DELETE", f"/_emulator/snapshots/minute-{old}")
                side.record("delete snapshot", status)
            restore = ""
            if args.restore_minutes and minute > 1 and minute % args.restore_minutes == 0:
                status, data = admin.request("POST", f"/_emulator/snapshots/minute-{minute - 1}/restore", {}, {"Accept": "application/json"})
                side.record("restore", status)
                restore = json.loads(data).get("method", "?") if status == 200 else f"status {status}"
            out, _ = wrk.communicate(timeout=180)
            w = parse_wrk(out)
            unexpected, provoked, ok, cp_ms, _ = side.take()
            cp_ms.sort()
            row = {"minute": minute, "rss_mib": rss_kib(proc.pid) / 1024, "db_mib": (size(db) + size(db + "-wal")) / 2**20,
                   "snapshot_mib": snapshot_bytes(db) / 2**20, "undo_rows": undo_rows(db),
                   "non2xx": w["non2xx"] + len(unexpected), "socket_errors": w["socket_errors"], "provoked": provoked,
                   "unexpected": unexpected[:10], "p99_ms": w["p99_ms"], "rps": w["rps"], "requests": w["requests"] + ok + provoked + len(unexpected),
                   "checkpoint_p99_ms": cp_ms[int(len(cp_ms) * 0.99)] if cp_ms else None,
                   "snapshot_ms": snapshot_ms, "snapshot_status": snapshot_status, "restore": restore}
            row["undo_rows_max"] = sampler.take(row["undo_rows"])
            rows.append(row)
            print(f"{minute:>3} {row['rss_mib']:>8.1f} {row['db_mib']:>10.1f} {row['snapshot_mib']:>8.1f} {row['undo_rows']:>9} {row['undo_rows_max']:>8} "
                  f"{row['non2xx']:>7} {provoked:>8} {w['p99_ms'] or 0:>7.2f} {w['rps']:>7.0f} {row['checkpoint_p99_ms'] or 0:>9.1f} "
                  f"{snapshot_ms:>7.0f}ms {restore}", flush=True)
            if unexpected or w["socket_errors"]:
                print(f"    not 2xx: {unexpected[:10]}; wrk non-2xx {w['non2xx']}, socket errors {w['socket_errors']}", flush=True)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"kept {workdir}")

    # The summary.
    checks = {}
    if rows:
        reference = rows[min(5, max(1, len(rows) // 2)) - 1]
        end = rows[-1]
        growth = end["rss_mib"] / reference["rss_mib"] - 1
        checks["rss"] = (abs(growth) <= 0.10, f"RSS {reference['rss_mib']:.1f} MiB at minute {reference['minute']}, "
                                              f"{end['rss_mib']:.1f} MiB at the end ({growth:+.1%})")
        cap = args.undo_max_entries
        reached = next((r for r in rows if r["undo_rows_max"] >= 0.9 * cap), None) if cap else rows[min(2, len(rows)) - 1]
        largest = max(r["undo_rows_max"] for r in rows)
        if not cap:
            first, last = rows[min(2, len(rows)) - 1], rows[-1]
            grew = (last["db_mib"] + last["snapshot_mib"]) / (first["db_mib"] + first["snapshot_mib"]) - 1
            checks["disk"] = (grew <= 0.15, f"no cap set: database + snapshots {first['db_mib'] + first['snapshot_mib']:.1f} MiB at minute "
                                            f"{first['minute']}, {last['db_mib'] + last['snapshot_mib']:.1f} MiB at the end ({grew:+.0%}); "
                                            f"undo log at most {largest} rows")
        elif reached is None:
            checks["disk"] = (False, f"the undo log never reached its cap ({largest} rows at most, cap {cap}): run longer or lower --undo-max-entries")
        else:
            after = [r for r in rows if r["minute"] >= reached["minute"]]
            first = after[0]["db_mib"] + after[0]["snapshot_mib"]
            last = after[-1]["db_mib"] + after[-1]["snapshot_mib"]
            peak = max(r["db_mib"] + r["snapshot_mib"] for r in after)
            flat = last <= first * 1.15 and largest <= cap * 1.05
            checks["disk"] = (flat, f"cap {cap} reached by minute {reached['minute']}: database + snapshots {first:.1f} MiB then, "
                                    f"{last:.1f} MiB at the end (peak {peak:.1f}); undo log at most {largest} rows")
        errors = sum(r["non2xx"] + r["socket_errors"] for r in rows)
        provoked = sum(r["provoked"] for r in rows)
        checks["errors"] = (errors == 0, f"{errors} non-2xx or socket errors in {sum(r['requests'] for r in rows)} requests; "
                                         f"{provoked} provoked (rollbacks to checkpoints released past the cap, or replaced by a restore)")
        p99s = [r["p99_ms"] for r in rows[1:] if r["p99_ms"] is not None] or [r["p99_ms"] or 0 for r in rows]
        median = statistics.median(p99s)
        checks["p99"] = (max(p99s) <= 3 * median, f"p99 per minute {min(p99s):.2f}–{max(p99s):.2f} ms, median {median:.2f} ms")
    print("\nsummary")
    for name, (ok, text) in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'} {name:<7} {text}")
    summary = {name: {"pass": ok, "detail": text} for name, (ok, text) in checks.items()}
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": rows, "summary": summary, "arguments": vars(args)}, f, indent=2)
    sys.exit(0 if checks and all(ok for ok, _ in checks.values()) else 1)


if __name__ == "__main__":
    main()
