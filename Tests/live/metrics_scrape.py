#!/usr/bin/env python3
"""A Prometheus scrape of a live daemon parses with prometheus_client's own parser.

Usage: metrics_scrape.py PATH/TO/akana-emulator
Starts the binary on port 0 with a temporary database, makes a few requests (a login, reads, an
unknown path, a failed login, an app creation), scrapes GET /_emulator/metrics, parses it with
prometheus_client.parser.text_string_to_metric_families and checks the families and values.
"""
import json, os, re, subprocess, sys, tempfile, urllib.request
from http.cookiejar import CookieJar

from prometheus_client.parser import text_string_to_metric_families


def main():
    binary = os.path.abspath(sys.argv[1])
    workdir = tempfile.mkdtemp(prefix="akana-metrics-")
    proc = subprocess.Popen([binary, "serve", "--port", "0", "--database", os.path.join(workdir, "m.sqlite")],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=workdir,
                            env={**os.environ, "AKANA_EMULATOR_GATEWAY_PORT": "0"})
    try:
        line = proc.stdout.readline()
        base = re.search(r"listening on (http://\S+)", line).group(1)
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

        def call(method, path, body=None, headers=None, ok=True):
            request = urllib.request.Request(base + path, method=method, data=body, headers=headers or {})
            try:
                with opener.open(request, timeout=30) as response:
                    return response.status, response.read()
            except urllib.error.HTTPError as error:
                return error.code, error.read()

        call("POST", "/api/login", json.dumps({"email": "administrator@acmepaymentscorp.com", "password": "password"}).encode(),
             {"Content-Type": "application/json"})
        csrf = next(c.value for c in jar if c.name == "Csrf-Token_acmepaymentscorp")
        for _ in range(3):
            assert call("GET", "/api/login/status")[0] == 200
        assert call("GET", "/api/nothing/here")[0] == 404
        call("POST", "/api/login", json.dumps({"email": "nobody@example.com", "password": "x"}).encode(), {"Content-Type": "application/json"})
        status, _ = call("POST", "/api/apps", json.dumps({"Name": "scraped"}).encode(),
                         {"Content-Type": "application/json", "Accept": "text/plain", "X-Csrf-Token_acmepaymentscorp": csrf})
        assert status == 200, status
        # A call through the gateway: an API's Sandbox access point, called without credentials (401).
        status, body = call("POST", "/api/apis", json.dumps({"APIVersionInfo": {"Name": "scraped"}, "AddAPIImplementationRequest": [
            {"ImplementationCode": "Sandbox", "CreateMechanism": "PROXY"}]}).encode(),
            {"Content-Type": "application/json", "Accept": "application/json", "X-Csrf-Token_acmepaymentscorp": csrf})
        assert status == 200, status
        version = json.loads(body)["LatestVersionID"]
        status, body = call("GET", f"/api/apis/versions/{version}/implementations/Sandbox", headers={"Accept": "application/json"})
        access_point = json.loads(body)["AccessPoints"][0]["Uri"]
        try:
            urllib.request.urlopen(access_point + "/pets", timeout=30)
            raise AssertionError("the gateway let a call without credentials through")
        except urllib.error.HTTPError as error:
            assert error.code == 401, error.code
        status, body = call("GET", "/_emulator/metrics")
        assert status == 200, status
        families = {family.name: family for family in text_string_to_metric_families(body.decode())}
        for name in ["akana_http_requests", "akana_http_request_duration_seconds", "akana_db_write_transactions", "akana_db_writes",
                     "akana_db_commit_seconds", "akana_handler_queue_depth", "akana_handler_running", "akana_http_open_connections",
                     "akana_sessions_live", "akana_login_failures", "akana_journal_dropped_entries", "akana_gateway_requests"]:
            assert name in families, f"{name} missing; have {sorted(families)}"

        def value(family, suffix="", **labels):
            for sample in families[family].samples:
                if sample.name == family + suffix and all(sample.labels.get(k) == v for k, v in labels.items()):
                    return sample.value
            return None

        assert value("akana_http_requests", "_total", route="/api/login/status", method="GET", status="200") == 3
        assert value("akana_http_requests", "_total", route="unmatched", status="404") == 1
        assert value("akana_login_failures", "_total", reason="credentials") == 1
        assert value("akana_sessions_live") == 1
        assert value("akana_http_open_connections") >= 1
        assert value("akana_db_writes", "_total") >= 3
        assert value("akana_http_request_duration_seconds", "_count", route="/api/login/status", method="GET") == 3
        assert value("akana_gateway_requests", "_total", api_version=version, status="401") == 1
        print(f"metrics scrape: {len(families)} families parsed by prometheus_client; checks passed")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
