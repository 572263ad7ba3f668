"""`python -m zero_gig.serve`: serve HTTP and WebSockets with uvicorn, as `make run` does.

Also starts the scheduler (background duties) as a child process unless --no-scheduler;
in production run it as one separate process (`manage.py run_scheduler`).
"""

import argparse
import os
import signal
import subprocess
import sys

import uvicorn


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
        scheduler = subprocess.Popen([sys.executable, "-m", "django", "run_scheduler"])
    try:
        uvicorn.run("zero_gig.asgi:application", host=args.host, port=args.port, workers=args.workers,
                    lifespan="off", ws_max_size=64 * 1024, log_level="info",
                    timeout_graceful_shutdown=5, **proxy_options())
    finally:
        if scheduler is not None:
            scheduler.terminate()
            scheduler.wait(timeout=10)


if __name__ == "__main__":
    main()
