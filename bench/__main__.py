"""`python -m bench` (`make bench`, BENCH_ARGS for flags): the marketplace API benchmark, SQLite then PostgreSQL.

Each database is measured by its own child process (`bench.backend`); this parent collects their
JSON, prints the results table and writes it into docs/benchmarks.md. It exits non-zero when a
step failed or a correctness check did (exactly `headcount` accepts, no wrong nearby result);
missing a speed target is reported, not an error.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time

import psycopg

from . import config, report


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("sqlite", "postgres"), help="measure one database only")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the data even if it matches")
    parser.add_argument("--skip-generate", action="store_true", help="measure whatever data is there")
    parser.add_argument("--quick", action="store_true", help="fewer points and 5 s throughput runs")
    parser.add_argument("--proposed", action="store_true",
                        help="serve SQLite in WAL mode, as proposed in docs/benchmarks.md, and measure the HTTP "
                             "steps only (SQLite only unless --only says otherwise)")
    parser.add_argument("--no-docs", action="store_true", help="print the table but leave docs/benchmarks.md alone")
    parser.add_argument("--timeout", type=float, default=20 * 60, help="seconds allowed per database (default 1200)")
    return parser.parse_args()


def postgres_reachable() -> str | None:
    try:
        with psycopg.connect(config.PG_ADMIN_URL, connect_timeout=5):
            return None
    except psycopg.Error as error:
        return f"PostgreSQL at 127.0.0.1:5432 is not reachable: {error}"


def run_backend(backend: str, flags: list[str], timeout: float) -> dict:
    """Run one child and read its results; on timeout it gets SIGTERM (it then stops its server) before SIGKILL."""
    out = config.RESULTS_DIR / f"{backend}{'-proposed' if '--proposed' in flags else ''}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.backend", backend, "--out", str(out), *flags]
    print(f"\n== {report.NAMES[backend]} ==", flush=True)
    child = subprocess.Popen(command, cwd=config.ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    failure = None
    try:
        child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        failure = f"stopped after the {timeout:.0f} s time limit"
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    except KeyboardInterrupt:
        # Ctrl-C reached the child too; let it stop its server before giving up.
        child.wait(timeout=60)
        raise
    results = json.loads(out.read_text()) if out.exists() else {"backend": backend, "errors": {}}
    if failure:
        results.setdefault("errors", {})["time limit"] = failure
    elif child.returncode and not results.get("errors"):
        results.setdefault("errors", {})["run"] = f"the child exited with {child.returncode}"
    return results


def hard_failures(results: dict) -> list[str]:
    """Broken promises of the app (not slow figures): wrong nearby results, more or fewer accepts than slots."""
    found = []
    for backend, r in results.items():
        for variant in ("one_trade", "all_trades"):
            check = (r.get("nearby") or {}).get(variant, {}).get("correctness") or {}
            if check.get("mismatch"):
                found.append(f"{backend}: nearby_gigs and the full scan disagree ({variant})")
        contention = r.get("contention")
        if contention and not contention["exactly_headcount"]:
            found.append(f"{backend}: accepts were not exactly the headcount: {contention['statuses']}")
        if contention and not contention.get("others_409"):
            found.append(f"{backend}: not every refused accept was a 409: {contention['statuses']}")
        found += [f"{backend}: {step} failed" for step in r.get("errors") or {}]
    return found


def main() -> None:
    args = parse_args()
    config.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    flags = [flag for flag, on in (("--regenerate", args.regenerate), ("--skip-generate", args.skip_generate),
                                   ("--quick", args.quick), ("--proposed", args.proposed)) if on]
    started = time.monotonic()
    machine = report.machine()
    results = {}
    backends = [args.only] if args.only else ["sqlite"] if args.proposed else ["sqlite", "postgres"]
    for backend in backends:
        unreachable = postgres_reachable() if backend == "postgres" else None
        if unreachable:
            results[backend] = {"backend": backend, "errors": {"connect": unreachable}}
            continue
        results[backend] = run_backend(backend, flags, args.timeout)
    shown_flags = " ".join(flags + ([f"--only {args.only}"] if args.only else []))
    block = report.render(machine, results, time.monotonic() - started, shown_flags, proposed=args.proposed)
    report.publish(block, hard_failures(results),
                   None if args.no_docs else lambda text: report.write_docs(text, proposed=args.proposed))


if __name__ == "__main__":
    main()
