"""ASGI servers under test for `python -m bench.realtime`: one uvicorn process per port, always stopped.

Separate processes (not `--workers 2`) so the benchmark decides which process each socket and each post
goes to, and reads each process's memory by its own pid.
"""

from __future__ import annotations

import contextlib
import os
import resource
import secrets
import sys
import time
from pathlib import Path

import psutil

from .config import HOST, ROOT
from .server import ChildServer, free_port


def raise_fd_limit(wanted: int) -> int:
    """Sockets are files: lift RLIMIT_NOFILE (children inherit it); root may also lift the hard limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    for limits in ((wanted, max(hard, wanted)), (min(wanted, hard), hard)):
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, limits)
            break
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def rss_kb(pid: int) -> int:
    """Resident memory of a process and its children, in KiB."""
    try:
        process = psutil.Process(pid)
        family = [process, *process.children()]
    except psutil.Error:
        return 0
    total = 0
    for one in family:
        with contextlib.suppress(psutil.Error):  # gone meanwhile
            total += one.memory_info().rss
    return total // 1024


class Uvicorn(ChildServer):
    """`with Uvicorn(env) as server:` one uvicorn process (what `python -m zero_gig.serve` runs per worker).

    With a 5 s graceful-shutdown limit: a channels_redis receive task can ignore cancellation (see the report),
    and uvicorn would otherwise wait for it forever."""

    def __init__(self, env: dict[str, str], log_path: Path | None = None):
        self.port = free_port()
        self.env = env
        self.log_path = log_path
        self.command = [sys.executable, "-m", "uvicorn", "zero_gig.asgi:application", "--host", HOST,
                        "--port", str(self.port), "--lifespan", "off", "--ws-max-size", str(64 * 1024),
                        "--no-access-log", "--log-level", "warning", "--timeout-graceful-shutdown", "5"]

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss_kb(self) -> int:
        return rss_kb(self.process.pid)

    def gc_pauses(self) -> list[int]:
        """Collections of 20 ms or more the server logged (bench.realtime_settings) since the last call, in ms."""
        if not self.log_path or not self.log_path.exists():
            return []
        with open(self.log_path, "rb") as log:
            log.seek(getattr(self, "_gc_offset", 0))
            text = log.read().decode(errors="replace")
            self._gc_offset = log.tell()
        return [int(line.rsplit("ms=", 1)[1]) for line in text.splitlines() if line.startswith("rt-gc ")]

    def open_fds(self) -> int:
        with contextlib.suppress(psutil.Error):
            return psutil.Process(self.process.pid).num_fds()
        return -1

    def stop(self) -> None:
        """SIGTERM to the server's process group, SIGKILL if it lingers."""
        started = time.monotonic()
        super().stop()
        if time.monotonic() - started > 5:
            print(f"uvicorn on {self.port} took {time.monotonic() - started:.0f} s to stop", flush=True)


def server_env(prefix: str, database_url: str, redis_url: str, debug: bool,
               settings: str = "bench.realtime_settings") -> dict[str, str]:
    """Production settings by default (DEBUG off keeps no per-query log in memory), plain HTTP on 127.0.0.1."""
    env = {k: v for k, v in os.environ.items() if k not in ("SQLITE_PATH", "GIG_RULES")}
    env.update({"DJANGO_SETTINGS_MODULE": settings, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
                "CHANNEL_PREFIX": prefix, "LOG_LEVEL": "WARNING", "ALLOWED_HOSTS": f"{HOST},localhost",
                "DEBUG": "1" if debug else "0", "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0",
                "PYTHONPATH": str(ROOT), "RT_GC_LOG": "1",
                # no gateway here; one must be named with DEBUG off (accounts.E001)
                "SMS_BACKEND": "accounts.sms.ConsoleBackend"})
    if not debug:
        env["SECRET_KEY"] = secrets.token_urlsafe(50)
    return env
