"""ASGI servers under test for `python -m bench.realtime`: one uvicorn process per port, always stopped.

Separate processes (not `--workers 2`) so the benchmark decides which process each socket and each post
goes to, and reads each process's memory by its own pid.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .config import HOST, ROOT
from .server import free_port, start_child, stop_child


def raise_fd_limit(wanted: int) -> int:
    """Sockets are files: lift RLIMIT_NOFILE (children inherit it); root may also lift the hard limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    for limits in ((wanted, max(hard, wanted)), (min(wanted, hard), hard)):
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, limits)
            break
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def rss_kb(pid: int) -> int:
    """Resident memory of a process and its descendants (VmRSS from /proc), in KiB."""
    pids, total = [pid], 0
    with contextlib.suppress(OSError):
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                with contextlib.suppress(OSError):
                    stat = Path(f"/proc/{entry}/stat").read_text()
                    if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                        pids.append(int(entry))
    for one in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


class Uvicorn:
    """`with Uvicorn(env) as server:` one uvicorn process (what `python -m zero_gig.serve` runs per worker).

    With a 5 s graceful-shutdown limit: a channels_redis receive task can ignore cancellation (see the report),
    and uvicorn would otherwise wait for it forever."""

    def __init__(self, env: dict[str, str], log_path: Path | None = None):
        self.port = free_port()
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.command = [sys.executable, "-m", "uvicorn", "zero_gig.asgi:application", "--host", HOST,
                        "--port", str(self.port), "--lifespan", "off", "--ws-max-size", str(64 * 1024),
                        "--no-access-log", "--log-level", "warning", "--timeout-graceful-shutdown", "5"]

    def __enter__(self) -> Uvicorn:
        self._log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = start_child(self.command, self.env, self._log)
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

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
        with contextlib.suppress(OSError):
            return len(os.listdir(f"/proc/{self.process.pid}/fd"))
        return -1

    def _wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"uvicorn exited with {self.process.returncode}; see {self.log_path}")
            with contextlib.suppress(OSError, ValueError), \
                    urllib.request.urlopen(f"http://{HOST}:{self.port}/healthz", timeout=5) as reply:
                if json.load(reply)["status"] == "ok":
                    return
            time.sleep(0.3)
        raise RuntimeError(f"uvicorn on {self.port} was not healthy within {timeout:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        """SIGTERM to the server's process group, SIGKILL if it lingers."""
        process, self.process = self.process, None
        if process is None:
            return
        started = time.monotonic()
        stop_child(process)
        if time.monotonic() - started > 5:
            print(f"uvicorn on {self.port} took {time.monotonic() - started:.0f} s to stop", flush=True)
        if self._log is not subprocess.DEVNULL:
            self._log.close()


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
