"""Start and always stop the ASGI server under test: uvicorn, 2 worker processes, on 127.0.0.1 only."""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from . import config

PR_SET_PDEATHSIG = 1
# The last line of a traceback in the server log: "psycopg.OperationalError: connection failed: ...".
EXCEPTION_LINE = re.compile(r"^(?:[A-Za-z_][\w.]*\.)?[A-Z]\w*(?:Error|Exception|Exit): .*$", re.M)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((config.HOST, 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM if the benchmark process dies, so it never outlives a crash."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def server_env(database_env: dict[str, str]) -> dict[str, str]:
    """DEBUG off, as in production: a throwaway secret key, plain HTTP on 127.0.0.1, Redis between processes."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    env.update(database_env)
    env.update({
        "DJANGO_SETTINGS_MODULE": "bench.settings", "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": config.HOST, "SECURE_SSL_REDIRECT": "0", "REDIS_URL": config.REDIS_URL,
        "CHANNEL_PREFIX": "zero_gig_bench", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(config.ROOT),
        "SMS_BACKEND": "accounts.sms.ConsoleBackend",  # no gateway here; required with DEBUG off (accounts.E001)
    })
    return env


def start_child(command: list[str], env: dict[str, str], log) -> subprocess.Popen:
    """A child in a process group of its own (so that all it starts can be stopped with it)."""
    return subprocess.Popen(command, cwd=config.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True, preexec_fn=_die_with_parent)


def stop_child(process: subprocess.Popen | None) -> None:
    """SIGTERM to the child's own process group, SIGKILL if it lingers; returns once the whole group is gone."""
    if process is None:
        return
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    # Workers may still be exiting after the supervisor: give them a moment, then make sure the group is gone.
    deadline = time.monotonic() + 5
    with contextlib.suppress(ProcessLookupError):
        while time.monotonic() < deadline:
            os.killpg(process.pid, 0)  # raises once no process of the group is left
            time.sleep(0.2)
        os.killpg(process.pid, signal.SIGKILL)


def wait_until_answers(process: subprocess.Popen, url: str, log_path, timeout: float = 60.0, times: int = 1,
                       crashed=None) -> None:
    """Until a GET of `url` has answered 200 `times` times; fails as soon as the child exits or `crashed()` returns
    the errors it logged, and after `timeout` s."""
    deadline = time.monotonic() + timeout
    answered = 0
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}; see {log_path}")
        errors = crashed() if crashed else None
        if errors:
            raise RuntimeError(f"the server failed to start: {next(iter(errors))}; see {log_path}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=5) as reply:
            if reply.status == 200:
                answered += 1
                if answered >= times:
                    return
                continue
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s; see {log_path}")


class ChildServer:
    """A server in a child process, on `with`: started, waited for until it answers, and stopped on the way out,
    error or not. A subclass sets `command`, `env`, `port` and `log_path` (None: no log), and may wait otherwise."""

    process: subprocess.Popen | None = None
    log_path = None

    @property
    def base_url(self) -> str:
        return f"http://{config.HOST}:{self.port}"

    def __enter__(self):
        self._log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL  # noqa: SIM115 (closed in stop)
        self.process = start_child(self.command, self.env, self._log)
        try:
            self.started()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def started(self) -> None:
        wait_until_answers(self.process, self.base_url + "/healthz", self.log_path)

    def stop(self) -> None:
        """The child with its whole process group, then its log."""
        process, self.process = self.process, None
        stop_child(process)
        log, self._log = getattr(self, "_log", None), None
        if log not in (None, subprocess.DEVNULL):
            log.close()


class Server(ChildServer):
    """`with Server(env) as server:` serves on server.port and is stopped on the way out, error or not.

    The same command as `python -m zero_gig.serve --workers 2` (uvicorn, lifespan off), except that the
    per-request access log is off: writing it would be measured too. With `scheduler=True` the background
    duties run beside it as in production (`manage.py run_scheduler`, one process, logging to the same file).
    `keep_alive`: seconds an idle connection is kept (uvicorn's default is 5), for clients that stand for phones
    talking to the reverse proxy in front of the server, which keeps theirs longer.
    """

    def __init__(self, database_env: dict[str, str], workers: int = 2, log_path=None, scheduler: bool = False,
                 keep_alive: int | None = None):
        self.port = free_port()
        self.workers = workers
        self.env = server_env(database_env)
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.scheduler: subprocess.Popen | None = None
        self._log_offset = 0
        self.command = [sys.executable, "-m", "uvicorn", "zero_gig.asgi:application", "--host", config.HOST,
                        "--port", str(self.port), "--workers", str(workers), "--lifespan", "off",
                        "--ws-max-size", str(64 * 1024), "--timeout-graceful-shutdown", "5",
                        "--no-access-log", "--log-level", "warning"]
        if keep_alive:
            self.command += ["--timeout-keep-alive", str(keep_alive)]
        self.scheduler_command = [sys.executable, "-m", "django", "run_scheduler"] if scheduler else None

    def started(self) -> None:
        """Until every worker answers (with 2 processes the first answers may all come from one), then the
        scheduler; a worker that dies at import is seen in the log (uvicorn would restart it for ever)."""
        wait_until_answers(self.process, self.base_url + "/bench/plain", self.log_path, timeout=90, times=10,
                           crashed=self.new_errors)
        if self.scheduler_command:
            self.scheduler = start_child(self.scheduler_command, self.env, self._log)

    def new_errors(self) -> dict[str, int]:
        """Exceptions the server logged since the last call, by message (numbers masked), most frequent first."""
        if not self.log_path or not os.path.exists(self.log_path):
            return {}
        with open(self.log_path, "rb") as log:
            log.seek(self._log_offset)
            text = log.read().decode("utf-8", "replace")
            self._log_offset = log.tell()
        counts: dict[str, int] = {}
        for line in EXCEPTION_LINE.findall(text):
            if line.startswith("django.db.utils."):
                continue  # the same error again, as Django re-raises it
            key = re.sub(r"\d+", "N", line)[:200]
            counts[key] = counts.get(key, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: -item[1]))

    def stop(self) -> None:
        """The scheduler, then the server (uvicorn and its workers), each with its whole process group."""
        scheduler, self.scheduler = self.scheduler, None
        stop_child(scheduler)
        super().stop()
