"""One database's run: `python -m bench.backend sqlite|postgres --out FILE.json` (started by `python -m bench`).

A process per database because Django reads DATABASE_URL / SQLITE_PATH once, at start-up. Every
step's figures are written to the JSON file as soon as they exist, so a failure late in the run
keeps what was measured before it; the server is stopped whatever happens.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import sys
import time
import traceback
from pathlib import Path

from . import config


def _interrupt(signum, frame):
    """SIGTERM from the parent (its time limit) unwinds like Ctrl-C, so the server is stopped on the way out."""
    raise KeyboardInterrupt


def database_env(backend: str) -> dict[str, str]:
    if backend == "sqlite":
        return {"SQLITE_PATH": str(config.SQLITE_PATH)}
    return {"DATABASE_URL": config.PG_URL}


def ensure_pg_database() -> None:
    """CREATE DATABASE zero_gig_bench if it is missing, before Django first connects to it."""
    import psycopg

    with psycopg.connect(config.PG_ADMIN_URL, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config.PG_DATABASE]).fetchone()
        if not exists:
            admin.execute(f"CREATE DATABASE {config.PG_DATABASE}")


def setup_django(backend: str) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("SQLITE_PATH", None)
    os.environ.update(database_env(backend))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("DEBUG", "1")  # this process only calls functions; its servers run with DEBUG off
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False  # no per-query logging in the timed calls


def setup_production_django() -> None:
    """Django in this process on the PostgreSQL benchmark database (created if missing) with the servers' production
    settings: DEBUG off (templates without debug information), a throwaway secret key, plain HTTP on 127.0.0.1."""
    import secrets

    ensure_pg_database()
    os.environ.update({"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": config.HOST,
                       "SECURE_SSL_REDIRECT": "0", "LOG_LEVEL": "WARNING",
                       "SMS_BACKEND": "accounts.sms.ConsoleBackend"})  # required with DEBUG off (accounts.E001)
    setup_django("postgres")


def versions() -> dict:
    from django.db import connection

    found = {"python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            found["postgresql"] = cursor.fetchone()[0]
    return found


def sqlite_journal_mode(wal: bool) -> str:
    """The journal mode is stored in the database file: put back the default of a fresh Django database
    (DELETE) unless the proposed settings (WAL) are being measured, so one run cannot leak into the next."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA journal_mode={'WAL' if wal else 'DELETE'}")
        return cursor.fetchone()[0]


class Run:
    """The results file, written after every step."""

    def __init__(self, backend: str, out: Path):
        self.out = out
        self.data: dict = {"backend": backend, "errors": {}, "seconds": {}}

    def step(self, name: str, function, *args):
        started = time.perf_counter()
        print(f"  [{self.data['backend']}] {name} …", flush=True)
        try:
            result = function(*args)
            self.data[name] = result
            return result
        except Exception:
            self.data["errors"][name] = traceback.format_exc(limit=8)
            print(self.data["errors"][name], file=sys.stderr, flush=True)
            return None
        finally:
            self.data["seconds"][name] = round(time.perf_counter() - started, 1)
            self.save()

    def save(self) -> None:
        self.out.write_text(json.dumps(self.data, ensure_ascii=False, indent=1, default=str))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("backend", choices=("sqlite", "postgres"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--proposed", action="store_true", help="servers with the proposed database settings")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _interrupt)
    options = config.RunOptions.quick() if args.quick else config.RunOptions()
    config.DATA_DIR.mkdir(parents=True, exist_ok=True)
    config.RESULTS_DIR.mkdir(parents=True, exist_ok=True)

    if args.backend == "postgres":
        ensure_pg_database()
    setup_django(args.backend)
    from . import contention, generate, nearby, postgis, throughput
    from .server import Server

    run = Run(args.backend, args.out)
    run.data["options"] = options.__dict__
    run.data["versions"] = versions()
    data = run.step("generate", lambda: generate.ensure_data(regenerate=args.regenerate, skip=args.skip_generate))
    if data is None:
        sys.exit(1)
    if args.backend == "sqlite":
        run.data["sqlite_journal_mode"] = sqlite_journal_mode(wal=args.proposed)
    points = nearby.query_points(options.points)
    server_env = database_env(args.backend)
    if args.proposed:  # only the servers' settings change: the in-process figures would be the same
        server_env["BENCH_PROPOSED"] = "1"
        run.data["proposed"] = True
    else:
        measured = run.step("nearby", nearby.run, options)
        if args.backend == "postgres":
            indexed_p50 = measured["one_trade"]["indexed_ms"]["p50"] if measured else None
            run.step("postgis", postgis.run, points, indexed_p50, options.correctness_points)

    log_path = config.RESULTS_DIR / f"server-{args.backend}{'-proposed' if args.proposed else ''}.log"
    try:
        with Server(server_env, workers=2, log_path=log_path) as server:
            run.data["server"] = {"command": " ".join(server.command[1:]), "log": str(log_path)}
            host, port = config.HOST, server.port
            server.new_errors()  # start-up noise is not a request's error
            run.data["server_errors"] = {}
            for name, function, *step_args in (
                ("http", nearby.http_latency, host, port, points[: options.http_points]),
                ("contention", contention.run, host, port, options),
                ("throughput", throughput.run, host, port, [p.path() for p in points], options),
            ):
                run.step(name, function, *step_args)
                run.data["server_errors"][name] = server.new_errors()
                run.save()
    except Exception:
        run.data["errors"]["server"] = traceback.format_exc(limit=8)
        print(run.data["errors"]["server"], file=sys.stderr, flush=True)
    if args.backend == "sqlite" and args.proposed:
        sqlite_journal_mode(wal=False)  # leave the file as the app would have it
    run.save()
    sys.exit(1 if run.data["errors"] else 0)


if __name__ == "__main__":
    main()
