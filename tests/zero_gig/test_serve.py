"""`make run` is one process (`python -m zero_gig.serve`) with the scheduler as its child: stopping it with SIGTERM,
as a service manager or `kill` does, stops both, and leaves no scheduler running on its own."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The test database, already migrated, for the server and its scheduler."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    """Still running (a zombie, dead but not yet reaped by its parent, is not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads child processes from Linux's /proc")
def test_sigterm_stops_the_server_and_its_scheduler():
    port = free_port()
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "zero_gig.settings"}
    server = subprocess.Popen([sys.executable, "-m", "zero_gig.serve", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    scheduler = None
    try:
        assert wait_for(lambda: bool(children(server.pid)) and listening(port), 60), server.stderr.read1()
        [scheduler] = children(server.pid)
        assert alive(scheduler)

        server.send_signal(signal.SIGTERM)

        server.wait(timeout=15)
        assert wait_for(lambda: not alive(scheduler), 5), "the scheduler outlived the server"
    finally:
        for pid in (server.pid, scheduler):
            if pid and alive(pid):
                os.kill(pid, signal.SIGKILL)
        server.stderr.close()


@pytest.mark.parametrize(("configured", "expected"), [
    (None, {"proxy_headers": False, "forwarded_allow_ips": None}),
    ("", {"proxy_headers": False, "forwarded_allow_ips": None}),
    ("10.0.0.2", {"proxy_headers": True, "forwarded_allow_ips": "10.0.0.2"}),
])
def test_client_addresses_from_proxy_headers_are_believed_only_from_configured_proxies(monkeypatch, configured,
                                                                                       expected):
    from zero_gig import serve

    if configured is None:
        monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    else:
        monkeypatch.setenv("FORWARDED_ALLOW_IPS", configured)
    assert serve.proxy_options() == expected


def test_a_local_process_cannot_claim_another_address_through_the_server(monkeypatch):
    """Served as `make run` serves (no FORWARDED_ALLOW_IPS), X-Forwarded-For from 127.0.0.1 changes nothing."""
    from uvicorn.config import Config
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    from zero_gig import serve

    def served_app():
        config = Config("zero_gig.asgi:application", **serve.proxy_options())
        config.load()
        return config.loaded_app

    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    assert not isinstance(served_app(), ProxyHeadersMiddleware)
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.2")  # behind a proxy: its headers, and only its, are read
    assert isinstance(served_app(), ProxyHeadersMiddleware)
