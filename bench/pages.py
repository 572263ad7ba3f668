"""`python -m bench.pages` (also run by `make bench`): is the app fast on a cheap phone?

Two measurements, written together into docs/benchmarks.md ("Issue 10: pages on a cheap phone"):

1. First visits in Chromium on an emulated cheap phone (`bench.pages_browser`): bytes transferred
   compressed, largest contentful paint and cumulative layout shift for the worker home (list), a gig,
   the worker's my gigs and the employer's post form, several cold visits each, median and p95. By
   default against the Tongchuan demo served as `make run` serves it (its own SQLite file under
   bench/data, DEBUG=1, `python -m zero_gig.serve`, the scheduler off); `--url` measures a running
   server instead, with `--server-log` naming the file where it logs its texts (the console SMS backend).
2. Server time of the same pages on the 1,000,000-gig benchmark data in PostgreSQL (`bench.pages_server`,
   a child process on the database `bench.generate` fills, reused when it is there), many sequential
   requests over HTTP to uvicorn with DEBUG off, p50/p95/p99.

Missing a target is reported, not an error; the exit status is non-zero only when a step failed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path

from . import config, pages_report, report
from .server import ChildServer, free_port

DEMO_DB = config.DATA_DIR / "pages-demo.sqlite3"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("browser", "server"), help="one of the two measurements")
    parser.add_argument("--url", help="measure this running server instead of starting the demo")
    parser.add_argument("--server-log", type=Path, help="with --url: the file where that server logs its texts")
    parser.add_argument("--runs", type=int, default=7, help="cold visits per page and network (default 7)")
    parser.add_argument("--networks", default="slow4g,lighthouse",
                        help="network profiles, comma-separated: slow4g (the issue's), lighthouse (stricter)")
    parser.add_argument("--requests", type=int, default=400, help="timed requests per page for the server time")
    parser.add_argument("--skip-generate", action="store_true", help="measure whatever benchmark data is there")
    parser.add_argument("--no-docs", action="store_true", help="print the tables but leave docs/benchmarks.md alone")
    parser.add_argument("--render-only", action="store_true",
                        help="measure nothing: write the block again from bench/results/pages.json")
    return parser.parse_args()


class DemoServer(ChildServer):
    """The Tongchuan demo as `make run` serves it, on its own SQLite file and a free port; stopped on exit."""

    def __init__(self):
        self.port = free_port()
        self.log_path = config.RESULTS_DIR / "pages-demo-server.log"
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        self.env.update({"DEBUG": "1", "SQLITE_PATH": str(DEMO_DB), "LOG_LEVEL": "INFO",
                         "SMS_BACKEND": "accounts.sms.ConsoleBackend", "PYTHONUNBUFFERED": "1"})
        self.command = [sys.executable, "-m", "zero_gig.serve", "--host", config.HOST, "--port", str(self.port),
                        "--no-scheduler"]

    def __enter__(self) -> DemoServer:
        for suffix in ("", "-wal", "-shm", "-journal"):
            DEMO_DB.with_name(DEMO_DB.name + suffix).unlink(missing_ok=True)
        for command in (["migrate", "--noinput"], ["seed_demo"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=config.ROOT, env=self.env, check=True,
                           stdout=subprocess.DEVNULL)
        return super().__enter__()


def run_browser(args) -> dict:
    from . import pages_browser

    networks = [n for n in args.networks.split(",") if n]
    if args.url:
        if not args.server_log:
            raise SystemExit("--url needs --server-log: the login codes are read from the server's log")
        return {"target": args.url, **pages_browser.measure(args.url, args.server_log, args.runs, networks)}
    with DemoServer() as server:
        return {"target": "the Tongchuan demo, served as `make run` serves it (DEBUG=1, SQLite, scheduler off)",
                **pages_browser.measure(server.base_url, server.log_path, args.runs, networks)}


def run_server(args) -> dict:
    out = config.RESULTS_DIR / "pages-server.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.pages_server", "--out", str(out), "--requests", str(args.requests)]
    if args.skip_generate:
        command.append("--skip-generate")
    child = subprocess.run(command, cwd=config.ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"}, timeout=90 * 60)
    if not out.exists():
        raise RuntimeError(f"bench.pages_server exited with {child.returncode} and wrote no results")
    results = json.loads(out.read_text())
    if child.returncode and not results.get("errors"):
        results.setdefault("errors", {})["run"] = f"the child exited with {child.returncode}"
    return results


def main() -> None:
    args = parse_args()
    config.DATA_DIR.mkdir(parents=True, exist_ok=True)
    config.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    machine = report.machine()
    saved = config.RESULTS_DIR / "pages.json"
    if args.render_only:
        results = json.loads(saved.read_text())
        machine = results.get("machine", machine)
        block = pages_report.render(machine, results, results.get("seconds", 0), results.get("flags", ""))
        report.write_block(block, pages_report.SECTION, pages_report.START, pages_report.END)
        print(block)
        return
    results: dict = {"errors": {}}
    steps = [("browser", run_browser), ("server", run_server)]
    for name, function in steps:
        if args.only and args.only != name:
            continue
        print(f"\n== pages: {name} ==", flush=True)
        try:
            results[name] = function(args)
            results[name]["measured_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        except Exception:
            results["errors"][name] = traceback.format_exc(limit=6)
            print(results["errors"][name], file=sys.stderr, flush=True)
    results["errors"].update({f"server: {k}": v for k, v in (results.get("server") or {}).get("errors", {}).items()})
    if args.only and saved.exists():  # the other measurement as the last full run left it
        other = "server" if args.only == "browser" else "browser"
        results.setdefault(other, json.loads(saved.read_text()).get(other))
    flags = " ".join(sys.argv[1:])
    machine["load_after"] = [round(x, 2) for x in os.getloadavg()]
    results.update(machine=machine, seconds=time.monotonic() - started, flags=flags)
    saved.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    report.publish(pages_report.render(machine, results, results["seconds"], flags),
                   [f"{step}: {error.strip().splitlines()[-1]}" for step, error in results["errors"].items()],
                   None if args.no_docs else lambda block: report.write_block(block, pages_report.SECTION,
                                                                              pages_report.START, pages_report.END))


if __name__ == "__main__":
    main()
