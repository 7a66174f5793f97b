"""pytest fixtures for akana-emulator (registered through the `pytest11` entry point).

- `akana` (session): the emulator. `AKANA_EMULATOR_URL` names a running one; otherwise the binary
  from `AKANA_EMULATOR_BINARY` or `akana-emulator` on PATH is started on a fresh temporary database
  and a free loopback port for the session, and stopped after it. `AKANA_EMULATOR_ADMIN_TOKEN` is
  sent to /_emulator/ routes when set.
- `akana_checkpoint` (function): a checkpoint taken before the test and rolled back (then deleted)
  after it, so each test starts from the same state; `.diff()` tells what the test changed.
- `akana_client` (function): an AkanaClient logged in as the seeded Site Admin, sending the CSRF header.
"""

import os
import shutil

import pytest

from .emulator import Emulator


def pytest_addoption(parser):
    group = parser.getgroup("akana-emulator")
    group.addoption("--akana-binary", default=None, help="akana-emulator binary to start (default: "
                    "$AKANA_EMULATOR_BINARY, then akana-emulator on PATH)")
    group.addoption("--akana-url", default=None, help="use a running emulator at this URL (default: $AKANA_EMULATOR_URL)")


@pytest.fixture(scope="session")
def akana(request):
    token = os.environ.get("AKANA_EMULATOR_ADMIN_TOKEN") or None
    url = request.config.getoption("--akana-url") or os.environ.get("AKANA_EMULATOR_URL")
    if url:
        yield Emulator(url, admin_token=token)
        return
    binary = (request.config.getoption("--akana-binary") or os.environ.get("AKANA_EMULATOR_BINARY")
              or shutil.which("akana-emulator"))
    if not binary:
        raise pytest.UsageError("akana-emulator: set AKANA_EMULATOR_URL to a running emulator, or "
                                "AKANA_EMULATOR_BINARY (or PATH) to the binary to start")
    emulator = Emulator.start(binary, admin_token=token)
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def akana_checkpoint(akana):
    checkpoint = akana.checkpoint()
    try:
        yield checkpoint
    finally:
        checkpoint.rollback()
        checkpoint.delete()


@pytest.fixture
def akana_client(akana, akana_checkpoint):
    client = akana.client()
    yield client
