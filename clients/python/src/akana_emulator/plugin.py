"""pytest fixtures for akana-emulator (registered through the `pytest11` entry point).

- `akana` (session): the emulator. `AKANA_EMULATOR_URL` names a running one; otherwise the binary
  from `AKANA_EMULATOR_BINARY` or `akana-emulator` on PATH is started on a fresh temporary database
  and a free loopback port for the session, and stopped after it. `AKANA_EMULATOR_ADMIN_TOKEN` is
  sent to /_emulator/ routes when set.
- `akana_checkpoint` (function): a checkpoint taken before the test and rolled back (then deleted)
  after it, so each test starts from the same state; `.diff()` tells what the test changed.
- `akana_client` (function): an AkanaClient logged in as the seeded Site Admin, sending the CSRF header.
- `akana_instance` (function): a fresh isolated instance of the emulator (POST /_emulator/instances),
  deleted after the test: an `Emulator` with its own URL, data, checkpoints and clock.

Isolation (`akana_isolation` ini option or `--akana-isolation`): where `akana_checkpoint` and
`akana_client` work. `daemon` (default): on the session's emulator itself — one test process per
daemon. `worker`: on one instance per test process, created at its first use — so pytest-xdist
workers sharing one daemon never see each other's changes, checkpoints or clock. `test`: on a fresh
instance per test (no checkpoint needed, slower).
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
    group.addoption("--akana-isolation", default=None, choices=ISOLATIONS,
                    help="where akana_checkpoint and akana_client work: daemon, worker (an instance per test "
                         "process) or test (an instance per test); default: the akana_isolation ini option, else daemon")
    parser.addini("akana_isolation", "daemon, worker or test (see --akana-isolation)", default="daemon")


ISOLATIONS = ("daemon", "worker", "test")


def _isolation(config):
    value = config.getoption("--akana-isolation") or config.getini("akana_isolation") or "daemon"
    if value not in ISOLATIONS:
        raise pytest.UsageError(f"akana_isolation must be one of {', '.join(ISOLATIONS)}, not {value!r}")
    return value


def _configured_url(config):
    return config.getoption("--akana-url") or os.environ.get("AKANA_EMULATOR_URL")


def _start(config):
    binary = config.getoption("--akana-binary") or os.environ.get("AKANA_EMULATOR_BINARY") or shutil.which("akana-emulator")
    if not binary:
        raise pytest.UsageError("akana-emulator: set AKANA_EMULATOR_URL to a running emulator, or "
                                "AKANA_EMULATOR_BINARY (or PATH) to the binary to start")
    return Emulator.start(binary, admin_token=os.environ.get("AKANA_EMULATOR_ADMIN_TOKEN") or None)


def _xdist_workers(config):
    return getattr(config.option, "numprocesses", None) or 0


def pytest_configure(config):
    # Under pytest-xdist the controller starts the one daemon every worker shares (a worker's
    # session fixture would otherwise start a daemon per worker) and hands its URL to the workers.
    if hasattr(config, "workerinput") or not _xdist_workers(config) or _configured_url(config):
        return
    config._akana_daemon = _start(config)


def pytest_unconfigure(config):
    daemon = getattr(config, "_akana_daemon", None)
    if daemon is not None:
        daemon.stop()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    daemon = getattr(node.config, "_akana_daemon", None)
    if daemon is not None:
        node.workerinput["akana_url"] = daemon.url


@pytest.fixture(scope="session")
def akana(request):
    token = os.environ.get("AKANA_EMULATOR_ADMIN_TOKEN") or None
    workerinput = getattr(request.config, "workerinput", {})
    url = _configured_url(request.config) or workerinput.get("akana_url")
    if url:
        yield Emulator(url, admin_token=token)
        return
    emulator = _start(request.config)
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture(scope="session")
def akana_worker_instance(akana):
    """One instance for this test process (an xdist worker, or the whole run)."""
    instance = akana.create_instance()
    try:
        yield instance
    finally:
        instance.delete()


@pytest.fixture
def akana_instance(akana):
    instance = akana.create_instance()
    try:
        yield instance
    finally:
        instance.delete()


@pytest.fixture
def akana_target(request, akana):
    """The emulator akana_checkpoint and akana_client work on, as akana_isolation says."""
    isolation = _isolation(request.config)
    if isolation == "worker":
        return request.getfixturevalue("akana_worker_instance")
    if isolation == "test":
        return request.getfixturevalue("akana_instance")
    return akana


@pytest.fixture
def akana_checkpoint(akana_target):
    checkpoint = akana_target.checkpoint()
    try:
        yield checkpoint
    finally:
        checkpoint.rollback()
        checkpoint.delete()


@pytest.fixture
def akana_client(akana_target, akana_checkpoint):
    client = akana_target.client()
    yield client
