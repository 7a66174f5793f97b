#!/usr/bin/env python3
"""HTTP benchmark of the akana-emulator release binary, with wrk on loopback.

Starts the binary on a free port with a fresh database in a temporary directory (built-in defaults:
no config file, no fixtures), logs in as the seeded Site Admin, creates --apps apps through the
public API, then runs three workloads, one after the other:

  get      GET  /api/apps/versions/{id} with the session cookie: session checked, row read, JSON written
  action   POST /api/apps/versions/{id}/action {"ActionName":"@RegeneratedSecret"}: cookie and CSRF
           header checked, one committed write per request
  flood    the get workload again while --flooders threads post logins of unknown users with wrong
           passwords as fast as they are answered (after 20 failures the address is locked, 429)

and prints, per workload, requests/s, p50 and p99 latency and the responses that were not 2xx, then
the daemon's peak resident memory (VmHWM from /proc/<pid>/status). Standard library only; needs wrk
(apt-get install wrk). Numbers move from run to run on a shared machine: compare runs made together.

Usage (after `swift build -c release`, from the repository root):
  python3 Benchmarks/bench.py [--binary .build/release/akana-emulator] [--apps 100] [--duration 10]
                              [--connections 16] [--flooders 4] [--json bench.json]
"""
import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TENANT = "acmepaymentscorp"
EMAIL = "administrator@acmepaymentscorp.com"
PASSWORD = "password"

GET_LUA = r"""
local ids = {}
init = function(args)
  for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/apps/versions/" .. ids[(i * 7919) % #ids + 1],
    {["Cookie"] = os.getenv("BENCH_COOKIE"), ["Accept"] = "application/json"})
end
"""

ACTION_LUA = r"""
local ids = {}
init = function(args)
  for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
end
local i = 0
request = function()
  i = i + 1
  return wrk.format("POST", "/api/apps/versions/" .. ids[(i * 7919) % #ids + 1] .. "/action",
    {["Cookie"] = os.getenv("BENCH_COOKIE"), [os.getenv("BENCH_CSRF_HEADER")] = os.getenv("BENCH_CSRF"),
     ["Content-Type"] = "application/json", ["Accept"] = "text/plain"},
    '{"ActionName":"@RegeneratedSecret"}')
end
"""


class Daemon:
    """The emulator on a free port, in a temporary directory that is removed afterwards."""

    def __init__(self, binary):
        self.directory = tempfile.mkdtemp(prefix="akana-bench-")
        self.process = subprocess.Popen(
            [binary, "serve", "--host", "127.0.0.1", "--port", "0", "--database", os.path.join(self.directory, "bench.sqlite"),
             "--log-level", "warning"],
            cwd=self.directory, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        match = re.match(r"listening on http://([^:]+):(\d+)", line)
        if not match:
            self.stop()
            sys.exit(f"bench: the daemon did not start (printed {line!r})")
        self.host, self.port = match.group(1), int(match.group(2))
        self.url = f"http://{self.host}:{self.port}"

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            data = json.dumps(body).encode() if body is not None else None
            all_headers = {"Content-Type": "application/json"} if data is not None else {}
            all_headers.update(headers or {})
            connection.request(method, path, body=data, headers=all_headers)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def peak_memory_kb(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return None

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


def log_in(daemon):
    status, headers, body = daemon.request("POST", "/api/login", {"email": EMAIL, "password": PASSWORD}, {"Accept": "application/json"})
    if status != 200:
        sys.exit(f"bench: login answered {status}: {body[:200]!r}")
    cookies = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _, cookie = pair.partition("=")
            cookies[key] = cookie
    return cookies[f"AtmoAuthToken_{TENANT}"], cookies[f"Csrf-Token_{TENANT}"]


def create_versions(daemon, cookie, csrf, count):
    headers = {"Cookie": f"AtmoAuthToken_{TENANT}={cookie}", f"X-Csrf-Token_{TENANT}": csrf}
    ids = []
    for index in range(count):
        status, _, body = daemon.request("POST", "/api/apps", {"Name": f"bench-{index}"}, {**headers, "Accept": "application/json"})
        if status != 200:
            sys.exit(f"bench: POST /api/apps answered {status}: {body[:200]!r}")
        ids.append(json.loads(body)["DefaultVersionID"])
    return ids


def run_wrk(daemon, lua, env, duration, connections):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        output = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", script.name, daemon.url],
            capture_output=True, text=True, env={**os.environ, **env}, timeout=duration + 60).stdout
    finally:
        os.unlink(script.name)

    def latency_ms(percentile):
        match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if not match:
            return None
        return float(match.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[match.group(2)]

    requests_per_second = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    total = re.search(r"^\s+(\d+) requests in", output, re.M)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: (.*)$", output, re.M)
    if not requests_per_second:
        sys.exit(f"bench: could not read wrk's output:\n{output}")
    return {
        "requests_per_second": float(requests_per_second.group(1)),
        "requests": int(total.group(1)) if total else None,
        "p50_ms": latency_ms(50),
        "p99_ms": latency_ms(99),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(1).strip() if errors else None,
    }


def flood(daemon, stop, counts):
    """Logins of unknown users with wrong passwords, one after the other, until `stop` is set."""
    index = 0
    while not stop.is_set():
        index += 1
        try:
            status, _, _ = daemon.request("POST", "/api/login", {"email": f"nobody{threading.get_ident()}-{index}@example.com",
                                                                 "password": "wrong"}, {"Accept": "application/json"})
        except OSError:
            status = "error"
        with counts["lock"]:
            counts[status] = counts.get(status, 0) + 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "akana-emulator"))
    parser.add_argument("--apps", type=int, default=100, help="apps (and so app versions) to create (default 100)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per workload (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--flooders", type=int, default=4, help="threads posting wrong-password logins during the flood (default 4)")
    parser.add_argument("--json", help="also write the results to this file")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench: wrk is not installed (apt-get install wrk)")
    if not os.access(options.binary, os.X_OK):
        sys.exit(f"bench: {options.binary} is not there: run `swift build -c release` first, or pass --binary")

    daemon = Daemon(options.binary)
    try:
        cookie, csrf = log_in(daemon)
        ids = create_versions(daemon, cookie, csrf, options.apps)
        with tempfile.NamedTemporaryFile("w", suffix=".ids", delete=False) as id_file:
            id_file.write("\n".join(ids) + "\n")
        env = {"BENCH_IDS": id_file.name, "BENCH_COOKIE": f"AtmoAuthToken_{TENANT}={cookie}",
               "BENCH_CSRF_HEADER": f"X-Csrf-Token_{TENANT}", "BENCH_CSRF": csrf}
        results = {}
        results["get"] = run_wrk(daemon, GET_LUA, env, options.duration, options.connections)
        results["action"] = run_wrk(daemon, ACTION_LUA, env, options.duration, options.connections)

        stop = threading.Event()
        counts = {"lock": threading.Lock()}
        flooders = [threading.Thread(target=flood, args=(daemon, stop, counts), daemon=True) for _ in range(options.flooders)]
        for thread in flooders:
            thread.start()
        results["flood"] = run_wrk(daemon, GET_LUA, env, options.duration, options.connections)
        stop.set()
        for thread in flooders:
            thread.join(timeout=70)
        del counts["lock"]
        results["flood"]["logins"] = {str(status): count for status, count in sorted(counts.items(), key=lambda item: str(item[0]))}
        results["peak_memory_kb"] = daemon.peak_memory_kb()
        os.unlink(id_file.name)
    finally:
        daemon.stop()

    print(f"akana-emulator {options.binary}: {options.apps} app versions, {options.duration} s per workload, "
          f"{options.connections} connections, {os.cpu_count()} cores")
    print(f"{'workload':<10} {'requests/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for name in ["get", "action", "flood"]:
        result = results[name]
        print(f"{name:<10} {result['requests_per_second']:>11.0f} {result['p50_ms'] or 0:>8.2f} {result['p99_ms'] or 0:>8.2f} {result['non_2xx']:>8}")
    logins = ", ".join(f"{count} × {status}" for status, count in results["flood"]["logins"].items())
    print(f"flood logins answered meanwhile: {logins or 'none'}")
    print(f"flood get vs get: {results['flood']['requests_per_second'] / results['get']['requests_per_second']:.2f}")
    print(f"peak memory (VmHWM): {results['peak_memory_kb'] / 1024:.1f} MB")
    if options.json:
        with open(options.json, "w") as output:
            json.dump(results, output, indent=2)
            output.write("\n")


if __name__ == "__main__":
    main()
