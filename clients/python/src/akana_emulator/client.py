"""A logged-in session against the Akana portal API as the emulator (and the platform) serve it:
POST /api/login, the session cookies kept by requests, and the CSRF header
X-Csrf-Token_<tenant> copied from the Csrf-Token_<tenant> cookie on every call, as the platform's
own portal does."""

import requests

DEFAULT_TENANT = "acmepaymentscorp"
SITE_ADMIN = ("administrator@acmepaymentscorp.com", "password")


class AkanaError(Exception):
    """An Akana fault: the status and the faultstring the platform answered."""

    def __init__(self, response):
        self.response = response
        self.status = response.status_code
        try:
            self.fault = response.json().get("faultstring", response.text)
        except ValueError:
            self.fault = response.text
        super().__init__(f"{response.request.method} {response.request.path_url} -> {self.status}: {self.fault}")


class AkanaClient:
    """requests, plus the platform's login and CSRF conventions.

    `get`/`post`/`put`/`delete` take a path (`/api/apps/...`) and requests' keyword arguments and
    return the `requests.Response`; `json=` bodies are sent as application/json and
    `Accept: application/json` is the default. `check=True` raises AkanaError on a 4xx/5xx.
    """

    def __init__(self, base_url, tenant=DEFAULT_TENANT, admin_token=None, timeout=30):
        self.base_url = base_url.rstrip("/")
        self.tenant = tenant
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        self.admin_token = admin_token
        self.user_id = None

    # Sessions

    def login(self, email=SITE_ADMIN[0], password=SITE_ADMIN[1]):
        """POST /api/login; keeps the cookies and returns self."""
        response = self.session.post(self.url("/api/login"), json={"email": email, "password": password},
                                     timeout=self.timeout)
        if response.status_code >= 400:
            raise AkanaError(response)
        self.user_id = response.json().get("userFDN")
        return self

    def logout(self):
        return self.request("GET", "/api/login/logout")

    @property
    def csrf_token(self):
        return self.session.cookies.get(f"Csrf-Token_{self.tenant}")

    # Requests

    def url(self, path):
        return self.base_url + path

    def request(self, method, path, check=False, **kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        token = self.csrf_token
        if token and method.upper() not in ("GET", "HEAD", "OPTIONS"):
            headers.setdefault(f"X-Csrf-Token_{self.tenant}", token)
        if path.startswith("/_emulator/") and self.admin_token:
            headers.setdefault("Authorization", f"Bearer {self.admin_token}")
        kwargs.setdefault("timeout", self.timeout)
        response = self.session.request(method, self.url(path), headers=headers, **kwargs)
        if check and response.status_code >= 400:
            raise AkanaError(response)
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    # Captured notifications

    def outbox(self, to=None, kind=None, since=None, limit=None):
        """GET /_emulator/outbox: the messages the platform would have sent (invitations, contract
        decisions, new accounts, password changes), newest first; `to` is a UserID or an email."""
        params = {name: value for name, value in (("to", to), ("kind", kind), ("since", since), ("limit", limit))
                  if value is not None}
        response = self.get("/_emulator/outbox", params=params, headers={"Accept": "application/json"}, check=True)
        return response.json()["Message"]

    # Conveniences for the most common setup step

    def create_app(self, name, **fields):
        """POST /api/apps (an app and its first version); returns the AppID."""
        body = {"Name": name, **fields}
        response = self.post("/api/apps", json=body, headers={"Accept": "text/plain"}, check=True)
        return response.text.strip()
