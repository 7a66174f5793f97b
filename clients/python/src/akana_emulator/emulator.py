"""The emulator daemon: started from a binary for a test session (a temporary database, a free
port) or an existing one named by URL, and its /_emulator/ machinery (checkpoints, diffs)."""

import os
import shutil
import subprocess
import tempfile
import threading

import requests

from .client import DEFAULT_TENANT, AkanaClient, AkanaError


class Checkpoint:
    """A checkpoint of the emulator's state: roll back to it, or ask what changed since."""

    def __init__(self, emulator, id):
        self.emulator = emulator
        self.id = id

    def diff(self):
        """GET /_emulator/checkpoints/{id}/diff: {"created": [...], "changed": [...], "deleted": [...]}."""
        return self.emulator.admin("GET", f"/_emulator/checkpoints/{self.id}/diff").json()

    def rollback(self):
        return self.emulator.admin("POST", f"/_emulator/checkpoints/{self.id}/rollback").json()

    def delete(self):
        self.emulator.admin("DELETE", f"/_emulator/checkpoints/{self.id}")


class Emulator:
    """A running emulator: `url`, `client()` for logged-in sessions, `checkpoint()`, `admin()`."""

    def __init__(self, url, process=None, workdir=None, admin_token=None, tenant=DEFAULT_TENANT):
        self.url = url.rstrip("/")
        self.process = process
        self.workdir = workdir
        self.admin_token = admin_token
        self.tenant = tenant

    @classmethod
    def start(cls, binary, args=(), admin_token=None, startup_timeout=60):
        """Runs `binary serve` on a fresh database in a temporary directory, on a free loopback port;
        returns once it printed `listening on http://…`."""
        workdir = tempfile.mkdtemp(prefix="akana-emulator-")
        command = [binary, "serve", "--host", "127.0.0.1", "--port", "0",
                   "--database", os.path.join(workdir, "emulator.sqlite"), *args]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE if os.environ.get("AKANA_DEBUG") else subprocess.DEVNULL, text=True,
                                   cwd=workdir)
        found = {}

        def read():
            for line in process.stdout:
                if line.startswith("listening on "):
                    found["url"] = line.split()[-1]
                    break

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(startup_timeout)
        if "url" not in found:
            process.kill()
            process.wait()
            shutil.rmtree(workdir, ignore_errors=True)
            raise RuntimeError(f"{binary} did not print 'listening on' within {startup_timeout} s "
                               f"(exit status {process.poll()})")
        # Keep draining stdout so the daemon never blocks on a full pipe.
        threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
        return cls(found["url"], process=process, workdir=workdir, admin_token=admin_token)

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def client(self, email=None, password=None, login=True):
        """A new AkanaClient; logged in as `email` (the seeded Site Admin by default) unless login=False."""
        client = AkanaClient(self.url, tenant=self.tenant, admin_token=self.admin_token)
        if login:
            if email is None:
                client.login()
            else:
                client.login(email, password or "password")
        return client

    def admin(self, method, path, **kwargs):
        """A call to a /_emulator/ route (with the admin token when one is set); raises AkanaError on 4xx/5xx."""
        headers = dict(kwargs.pop("headers", None) or {})
        headers.setdefault("Accept", "application/json")
        if self.admin_token:
            headers.setdefault("Authorization", f"Bearer {self.admin_token}")
        response = requests.request(method, self.url + path, headers=headers, timeout=60, **kwargs)
        if response.status_code >= 400:
            raise AkanaError(response)
        return response

    def checkpoint(self):
        return Checkpoint(self, self.admin("POST", "/_emulator/checkpoints").json()["id"])

    def create_instance(self):
        """POST /_emulator/instances: an isolated emulator inside this daemon (its own database and
        port, seeded as a fresh start), as an Emulator whose delete() removes it."""
        created = self.admin("POST", "/_emulator/instances").json()
        return Instance(self, created["id"], created["url"])

    def health(self):
        return self.admin("GET", "/_emulator/health").json()


class Instance(Emulator):
    """An instance of a daemon (`Emulator.create_instance`): everything an Emulator has, on its own URL."""

    def __init__(self, daemon, id, url):
        super().__init__(url, admin_token=None, tenant=daemon.tenant)
        self.daemon = daemon
        self.id = id

    def delete(self):
        try:
            self.daemon.admin("DELETE", f"/_emulator/instances/{self.id}")
        except AkanaError as error:
            if error.status != 404:  # already removed (idle) is fine
                raise
