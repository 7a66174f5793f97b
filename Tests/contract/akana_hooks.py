"""Schemathesis hooks for the emulator's contract run (Tests/contract/run-schemathesis.sh).

Every generated request is sent logged in: the session cookie AtmoAuthToken_acmepaymentscorp plus,
as every write needs, the header X-Csrf-Token_acmepaymentscorp with the value of the
Csrf-Token_acmepaymentscorp cookie, both from POST /api/login as the seeded Site Admin.

Some operations end or invalidate that session (logout, endsession, a reset, a snapshot restore, a
clock jump that expires it): those get a session of their own, or the shared one is dropped after
them and the next request logs in again, so the rest of the run stays logged in.
"""
import os
import threading

import requests
import schemathesis

BASE_URL = os.environ["AKANA_CONTRACT_URL"].rstrip("/")
TENANT = "acmepaymentscorp"
AUTH_COOKIE = f"AtmoAuthToken_{TENANT}"
CSRF_COOKIE = f"Csrf-Token_{TENANT}"
CSRF_HEADER = f"X-Csrf-Token_{TENANT}"
CREDENTIALS = {"email": "administrator@acmepaymentscorp.com", "password": "password"}

# Operations that end the session they are sent with: each gets a fresh one.
SESSION_ENDING = {("POST", "/api/login/logout"), ("GET", "/api/login/endsession")}
# Operations after which the shared session may be gone (sessions reset or restored, clock moved).
SESSION_INVALIDATING = {
    ("POST", "/_emulator/reset"),
    ("POST", "/_emulator/tenants/{fedmemberid}/reset"),
    ("POST", "/_emulator/snapshots/{name}/restore"),
    ("POST", "/_emulator/clock"),
    ("POST", "/_emulator/checkpoints/{id}/rollback"),
    # The CSRF switches decide whether a new login gets a CSRF cookie and which requests need it.
    ("PUT", "/api/businesses/{BusinessID}/securitysettings"),
    ("PUT", "/api/businesses/{BusinessID}/loginpolicy"),
}
# A generated login policy (a 1-minute session, a lock after one failure) does what it is for and
# would log the rest of the run out: after one is saved, the policy goes back to the configured one
# (0 = the configured value; MaxSequentialFailureAttemptsAllowed 0 = no lock, as the run configures).
LOGIN_POLICY = ("PUT", "/api/businesses/{BusinessID}/loginpolicy")
CONFIGURED_LOGIN_POLICY = {
    "MaxSequentialFailureAttemptsAllowed": 0, "AttemptsPeriod": 0, "SuspensionMinutes": 0,
    "InactiveSessionTimeout": 0, "ActiveSessionTimeout": 0,
}

_lock = threading.Lock()
_shared = None  # (auth cookie, csrf token)


def log_in():
    """A new session: (auth cookie value, CSRF token or None), exactly as the Set-Cookie headers gave them."""
    for _ in range(5):
        response = requests.post(f"{BASE_URL}/api/login", json=CREDENTIALS, headers={"Accept": "application/json"}, timeout=60)
        if response.status_code == 503:  # the password-hash lane is full: wait as Retry-After says
            threading.Event().wait(float(response.headers.get("Retry-After", "1")))
            continue
        response.raise_for_status()
        # No CSRF cookie when the tenant's CSRF switches are both off (a generated fixture document can set them).
        return response.cookies[AUTH_COOKIE], response.cookies.get(CSRF_COOKIE)
    raise RuntimeError("could not log in: the password-hash lane stayed full")


def shared_session():
    global _shared
    with _lock:
        if _shared is None:
            _shared = log_in()
        return _shared


def drop_shared_session():
    global _shared
    with _lock:
        _shared = None


@schemathesis.auth()
class AkanaSession:
    """Schemathesis caches `get`; the session itself is managed above, so `get` only says "logged in"."""

    def get(self, case, context):
        return True

    def set(self, case, data, context):
        key = (case.method.upper(), case.operation.path)
        cookie, csrf = log_in() if key in SESSION_ENDING else shared_session()
        case.cookies = {**(case.cookies or {}), AUTH_COOKIE: cookie}
        if csrf is not None:
            case.cookies[CSRF_COOKIE] = csrf
            case.headers = {**(case.headers or {}), CSRF_HEADER: csrf}


@schemathesis.hook
def after_call(context, case, response):
    key = (case.method.upper(), case.operation.path)
    if key not in SESSION_INVALIDATING or response.status_code >= 300:
        return
    if key == ("POST", "/_emulator/clock"):
        # Back to real time, so the sessions of the rest of the run are not born expired.
        requests.post(f"{BASE_URL}/_emulator/clock", json={"realtime": True}, timeout=30).raise_for_status()
    if key == LOGIN_POLICY:
        cookie, csrf = shared_session()
        cookies = {AUTH_COOKIE: cookie, **({CSRF_COOKIE: csrf} if csrf else {})}
        headers = {CSRF_HEADER: csrf} if csrf else {}
        requests.put(
            f"{BASE_URL}/api/businesses/tenantbusiness.{TENANT}/loginpolicy", json=CONFIGURED_LOGIN_POLICY,
            cookies=cookies, headers=headers, timeout=30).raise_for_status()
    drop_shared_session()


@schemathesis.deserializer("text/plain")
def plain_text(ctx, response):
    """text/plain answers (ids, workflow states, secrets, faults) are strings."""
    return response.content.decode("utf-8", errors="replace")


# Operations that answer text/plain to */* but the object to application/json: the stateful phase
# follows links out of their JSON form (AppID, DefaultVersionID, RuntimeID).
JSON_FOR_LINKS = {("POST", "/api/apps"), ("POST", "/api/apps/{AppID}/versions")}


@schemathesis.hook
def before_call(context, case, kwargs):
    key = (case.method.upper(), case.operation.path)
    if key in JSON_FOR_LINKS and not any(name.lower() == "accept" for name in (case.headers or {})):
        case.headers = {**(case.headers or {}), "Accept": "application/json"}
