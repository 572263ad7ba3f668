"""`python -m zero_gig.serve`: serve HTTP and WebSockets with uvicorn, as `make run` does.

Also starts the scheduler (background duties) as a child process unless --no-scheduler, and starts it again
if it dies (Supervised); in production run it as one separate process (`manage.py run_scheduler`) under the
service manager, with Restart=always.
"""

import argparse
import logging
import os
import signal
import subprocess
import sys
import threading
import time

import uvicorn

log = logging.getLogger("zero_gig.serve")


class Supervised:
    """A child process that is started again whenever it exits, until `stop()`.

    Restarts wait a back-off that doubles from `first_delay` up to `max_delay` (a child that dies at once, say
    with the database down, is not restarted in a tight loop) and starts from `first_delay` again once a child
    has lived `stable_after` seconds."""

    def __init__(self, command: list[str], *, first_delay: float = 1.0, max_delay: float = 60.0,
                 stable_after: float = 60.0):
        self.command, self.first_delay, self.max_delay, self.stable_after = command, first_delay, max_delay, \
            stable_after
        self.process: subprocess.Popen | None = None
        self.restarts = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._watcher = threading.Thread(target=self._watch, name="supervisor", daemon=True)

    def start(self) -> "Supervised":
        self._spawn()
        self._watcher.start()
        return self

    def _spawn(self) -> bool:
        with self._lock:
            if self._stopping.is_set():
                return False
            self.process = subprocess.Popen(self.command)
            return True

    def _watch(self) -> None:
        delay = self.first_delay
        while True:
            started = time.monotonic()
            code = self.process.wait()
            if self._stopping.is_set():
                return
            if time.monotonic() - started >= self.stable_after:
                delay = self.first_delay
            log.error("%s exited with %s; starting it again in %.0f s", self.command[-1], code, delay)
            if self._stopping.wait(delay) or not self._spawn():
                return
            self.restarts += 1
            delay = min(self.max_delay, delay * 2)

    def stop(self, timeout: float = 10) -> None:
        with self._lock:
            self._stopping.set()
            process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._watcher.is_alive():
            self._watcher.join(timeout)


def _exit(signum, frame):
    raise SystemExit(128 + signum)


def proxy_options() -> dict:
    """Trust X-Forwarded-For only from the proxies named in FORWARDED_ALLOW_IPS.

    uvicorn's own default trusts 127.0.0.1, so any process on the machine could claim any client address and
    step around the per-address limits; without the variable no proxy header is read at all."""
    trusted = os.environ.get("FORWARDED_ALLOW_IPS", "").strip()
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": trusted or None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1,
                        help="ASGI processes (use REDIS_URL when more than 1)")
    parser.add_argument("--no-scheduler", action="store_true", help="do not start the background duties")
    args = parser.parse_args()
    # uvicorn stops on SIGTERM, then raises the signal again with the handler that was there before it: this one,
    # so that the scheduler below is stopped too instead of the process dying at once and leaving it behind.
    signal.signal(signal.SIGTERM, _exit)
    scheduler = None
    if not args.no_scheduler:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zero_gig.settings")
        scheduler = Supervised([sys.executable, "-m", "django", "run_scheduler"]).start()
    try:
        uvicorn.run("zero_gig.asgi:application", host=args.host, port=args.port, workers=args.workers,
                    lifespan="off", ws_max_size=64 * 1024, log_level="info",
                    timeout_graceful_shutdown=5, **proxy_options())
    finally:
        if scheduler is not None:
            scheduler.stop(timeout=10)


if __name__ == "__main__":
    main()
