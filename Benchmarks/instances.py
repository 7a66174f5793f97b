#!/usr/bin/env python3
"""Instances on demand (issue 30's targets): creation p99 <= 20 ms with the shipped fixtures, and
100 instances alive at once, with the resident memory each one costs.

Starts the release binary from the repository (so Config/fixtures load) on a fresh database in a
temporary directory, waits for the background template build (one instance created and deleted),
then creates --count instances one after the other, timing each POST /_emulator/instances; checks
every instance answers GET /_emulator/health and a login; reads the daemon's VmRSS before and after;
deletes them all (timed). Prints p50/p99/max creation ms, RSS per instance, and exits 1 unless the
p99 is at most --target-ms (20).

Usage: python3 Benchmarks/instances.py [--binary .build/release/akana-emulator] [--count 100]
Needs `requests`.
"""
import argparse, os, statistics, subprocess, sys, tempfile, time

import requests


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def threads(pid):
    return len(os.listdir(f"/proc/{pid}/task"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=".build/release/akana-emulator")
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--target-ms", type=float, default=20.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AKANA_EMULATOR_")}
        env["AKANA_EMULATOR_INSTANCES_MAX"] = str(max(args.count, 1))
        p = subprocess.Popen([os.path.abspath(args.binary), "serve", "--port", "0", "--log-level", "warning",
                              "--database", os.path.join(workdir, "db.sqlite")],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        base = p.stdout.readline().split()[-1]
        try:
            s = requests.Session()
            warm = s.post(base + "/_emulator/instances").json()
            s.delete(base + "/_emulator/instances/" + warm["id"]).raise_for_status()
            time.sleep(0.5)
            before, threads_before = rss_kib(p.pid), threads(p.pid)
            times, created = [], []
            for _ in range(args.count):
                t = time.perf_counter()
                r = s.post(base + "/_emulator/instances")
                times.append((time.perf_counter() - t) * 1000)
                r.raise_for_status()
                created.append(r.json())
            ok = 0
            for instance in created:
                c = requests.Session()
                health = c.get(instance["url"] + "/_emulator/health")
                login = c.post(instance["url"] + "/api/login",
                               json={"email": "administrator@acmepaymentscorp.com", "password": "password"})
                ok += health.status_code == 200 and login.status_code == 200
                c.close()
            after, threads_after = rss_kib(p.pid), threads(p.pid)
            t = time.perf_counter()
            for instance in created:
                s.delete(base + "/_emulator/instances/" + instance["id"]).raise_for_status()
            delete_ms = (time.perf_counter() - t) * 1000 / max(1, len(created))
        finally:
            p.terminate()
            p.wait(timeout=60)
    times.sort()
    p99 = times[max(0, int(len(times) * 0.99) - 1)]
    print(f"created {len(created)} instances: p50 {statistics.median(times):.1f} ms, p99 {p99:.1f} ms, max {times[-1]:.1f} ms")
    print(f"answering health and a login: {ok}/{len(created)}")
    print(f"daemon RSS {before} KiB -> {after} KiB: {(after - before) / max(1, len(created)):.0f} KiB per instance; "
          f"threads {threads_before} -> {threads_after}")
    print(f"delete: {delete_ms:.1f} ms each")
    met = p99 <= args.target_ms and ok == len(created)
    print("target met" if met else f"MISSED: p99 {p99:.1f} ms (target {args.target_ms}) or instances not answering")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
