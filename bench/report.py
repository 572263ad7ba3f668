"""The machine, and the results table of both databases, as Markdown for docs/benchmarks.md and the terminal.

Only the block between the markers in docs/benchmarks.md is rewritten, so the hand-written reading
of the figures around it survives a rerun.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import psutil

from . import config, throughput

SECTION = "## Issue 3: marketplace API"


def markers(proposed: bool = False) -> tuple[str, str]:
    """The generated blocks: one for the app as configured, one for `--proposed`."""
    key = "issue3-proposed" if proposed else "issue3"
    return (f"<!-- bench:{key}:start (written by `python -m bench`; edits between the markers are overwritten) -->",
            f"<!-- bench:{key}:end -->")


NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def _command(*args: str) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def lscpu() -> dict[str, str]:
    """lscpu's fields by name ("Model name", "Thread(s) per core", …); none where there is no lscpu."""
    return dict(re.findall(r"^([^:\n]+):\s*(.+)$", _command("lscpu"), re.M))


def package_versions(names, missing: str = "?") -> dict[str, str]:
    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = missing
    return found


def machine() -> dict:
    """What the figures were measured on; the load average says how busy the shared machine was."""
    cpu = lscpu()
    try:
        system = platform.freedesktop_os_release()["PRETTY_NAME"]
    except (OSError, KeyError):
        system = platform.system()
    wrk = _command("wrk", "-v").splitlines()[:1] if shutil.which("wrk") else []
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu.get("Model name", platform.processor() or "?"),
        "cpus": os.cpu_count(),
        "threads_per_core": cpu.get("Thread(s) per core", "?"),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": f"{system}, kernel {platform.release()}",
        "python": platform.python_version(),
        "packages": package_versions(("Django", "djangorestframework", "uvicorn", "psycopg", "h3", "geopy")),
        "wrk": wrk[0].split(" Copyright")[0] if wrk else "not installed (no throughput figures)",
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }


# --- Formatting ------------------------------------------------------------------------------------

def _ms(summary: dict | None, keys=("p50", "p95", "p99")) -> str:
    if not summary or not summary.get("n", 1):
        return "—"
    return " / ".join(_num(summary.get(k)) for k in keys)


def _num(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}" if value >= 100 else f"{value:.2f}" if value >= 1 else f"{value:.3f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _x(value) -> str:
    return "—" if value is None else f"{value:.1f}×" if value >= 1 else f"{value:.2f}×"


def _get(data: dict, *path):
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _verdict(check: dict | None) -> str:
    if not check:
        return "—"
    return (f"{check['identical']}/{check['checked']} identical, {check['same_set']} same set in another order, "
            f"{check['tolerance']} differ only at the cut-off, **{check['mismatch']} wrong**")


def _pass(ok: bool | None) -> str:
    return "" if ok is None else " ✅" if ok else " ❌"


def rows(results: dict) -> list[tuple[str, dict, str]]:
    """(label, {backend: cell}, target) for the table; a backend without a figure shows —."""
    table = []

    def add(label: str, cell, target: str = "") -> None:
        table.append((label, {b: cell(r) for b, r in results.items()}, target))

    def one(r, *path):
        return _get(r, "nearby", "one_trade", *path)

    def allt(r, *path):
        return _get(r, "nearby", "all_trades", *path)

    def p95_ok(r):
        p95 = one(r, "indexed_ms", "p95")
        return _pass(None if p95 is None else p95 <= 20)

    def speed_ok(r):
        x = one(r, "speedup_p50")
        return _pass(None if x is None else x >= 20)

    add("**(a)** `nearby_gigs()` service call, one trade: p50 / p95 / p99 ms",
        lambda r: _ms(one(r, "indexed_ms")) + p95_ok(r), "p95 ≤ 20 ms")
    add("(a) right after a full scan (first call of each block of 10; the others follow (a) calls): p50 / p95 ms",
        lambda r: _ms(one(r, "indexed_after_scan_ms"), ("p50", "p95")))
    add("**(c)** full-scan haversine `full_scan_nearby_ids()`, same query: p50 / p95 / p99 ms",
        lambda r: _ms(one(r, "full_scan_ms")))
    add("speed-up (c) ÷ (a), p50 (p95)",
        lambda r: f"{_x(one(r, 'speedup_p50'))} ({_x(one(r, 'speedup_p95'))})" + speed_ok(r)
        if one(r, "speedup_p50") is not None else "—", "≥ 20×")
    add("rows read per query, median: H3 shortlist of the discs searched / full scan / really within 5 km "
        "(discs searched)",
        lambda r: " / ".join(_num(one(r, "rows", k)) for k in ("h3_shortlist_rows", "full_scan_rows", "within_radius"))
        + f" ({_num(one(r, 'rows', 'discs_searched'))})"
        if one(r, "rows") else "—")
    add("(a) = (c)? sample of query points", lambda r: _verdict(one(r, "correctness")), "0 wrong")
    add("all trades (no trade filter; the full scan reads every open gig): (a) / (c) p50 ms, speed-up",
        lambda r: f"{_num(allt(r, 'indexed_ms', 'p50'))} / {_num(allt(r, 'full_scan_ms', 'p50'))}, "
                  f"{_x(allt(r, 'speedup_p50'))}" if allt(r) else "—")
    add("all trades: rows read, median: H3 shortlist of the discs searched / full scan / within 5 km (discs)",
        lambda r: " / ".join(_num(allt(r, "rows", k)) for k in ("h3_shortlist_rows", "full_scan_rows", "within_radius"))
        + f" ({_num(allt(r, 'rows', 'discs_searched'))})"
        if allt(r, "rows") else "—")
    add("all trades: (a) = (c)?", lambda r: _verdict(allt(r, "correctness")), "0 wrong")
    for variant, label in (("gist_geog", "GiST (geog)"), ("gist_trade_geog", "GiST (category_id, geog), btree_gist")):
        add(f"PostGIS reference, {label}: p50 / p95 / p99 ms, (a) p50 ÷ PostGIS p50",
            lambda r, v=variant: (f"{_ms(_get(r, 'postgis', 'variants', v, 'latency_ms'))}, "
                                  f"{_x(_get(r, 'postgis', 'variants', v, 'vs_indexed_p50'))}")
            if _get(r, "postgis", "variants", v) else "—")
    add("**(b)** HTTP GET /api/gigs/nearby/, one client, keep-alive: p50 / p95 / p99 ms",
        lambda r: _ms(_get(r, "http", "latency_ms")))

    def accepts(r):
        c = r.get("contention")
        if not c:
            return "—"
        s = c["statuses"]
        other = sum(v for k, v in s.items() if k not in ("200", "409"))
        other_codes = ", ".join(f"{v}× {k}" for k, v in s.items() if k not in ("200", "409"))
        return (f"{s.get('200', 0)}{_pass(c['exactly_headcount'])} / {s.get('409', 0)} / {other}"
                f"{_pass(c.get('others_409'))} (gig: {c['gig_accepted_count']} slots taken, "
                f"{c['accepted_assignments']} accepted assignments{'; ' + other_codes if other else ''})")

    add("**200 concurrent accepts** of one 5-slot gig: 200 accepted / 409 / other", accepts, "exactly 5 / 195 / 0")
    add("accept latency, all 200: p50 / p99 ms; wall time",
        lambda r: f"{_ms(_get(r, 'contention', 'latency_ms'), ('p50', 'p99'))}; "
                  f"{_num(_get(r, 'contention', 'wall_s'))} s" if r.get("contention") else "—")
    def errors(result: dict) -> str:
        failed = sum((result.get("errors") or {}).values())
        if not failed:
            return ", 0 failed"
        return (f", **{failed:,} failed** ({failed / max(result['requests'], 1):.0%}; "
                f"{_num(result['rps'])} req/s counting the failures)")

    for name, label in (("plain", "constant JSON view (no DB), 32 connections: the ceiling"),
                        ("nearby_low", "nearby feed, 4 connections"), ("nearby", "nearby feed, 32 connections")):
        add(f"**throughput**, {label}: successful req/s (p50 / p99 ms), failed requests (non-2xx or socket)",
            lambda r, n=name: (f"{_num(_get(r, 'throughput', n, 'ok_rps'))} "
                               f"({_ms(_get(r, 'throughput', n, 'latency_ms'), ('p50', 'p99'))})"
                               + errors(_get(r, "throughput", n)))
            if _get(r, "throughput", n) else "—")
    add("nearby feed (the better of the two) as a share of the ceiling",
        lambda r: f"{_get(r, 'throughput', 'nearby_share_of_plain') * 100:.1f} %"
        if _get(r, "throughput", "nearby_share_of_plain") is not None else "—")
    return table


def machine_table(machine_info: dict, results: dict) -> list[str]:
    """CPU, memory, OS and the versions of everything measured; the databases' from the children's results."""
    pg = next((r.get("versions", {}).get("postgresql") for r in results.values()
               if r.get("versions", {}).get("postgresql")), "—")
    postgis = next((_get(r, "postgis", "postgis_version") for r in results.values()
                    if _get(r, "postgis", "postgis_version")), "—")
    sqlite = next((r.get("versions", {}).get("sqlite") for r in results.values() if r.get("versions")), "—")
    packages = ", ".join(f"{k} {v}" for k, v in machine_info["packages"].items())
    return [
        "", "**Machine**", "", "| | |", "|---|---|",
        f"| CPU | {machine_info['cpu']}, {machine_info['cpus']} logical CPUs "
        f"({machine_info['threads_per_core']} thread(s) per core) |",
        f"| RAM | {machine_info['ram_gb']} GB |",
        f"| OS | {machine_info['os']} |",
        f"| Python | {machine_info['python']} ({packages}) |",
        f"| SQLite | {sqlite} |",
        f"| PostgreSQL | {pg} (PostGIS {postgis}), default configuration |",
        f"| load generator | {machine_info['wrk']}, on the same machine as the server |",
    ]


def render(machine_info: dict, results: dict, seconds: float, flags: str, proposed: bool = False) -> str:
    backends = list(results)
    start, end = markers(proposed)
    out = [start, ""]
    if proposed:
        out += ["**With the proposed SQLite setting** (`bench/settings.py`, BENCH_PROPOSED=1): journal_mode=WAL "
                "and synchronous=NORMAL on every connection, everything else as configured. Only the HTTP steps "
                "are measured.", ""]
    command = f"python -m bench {flags}".strip()
    out.append(f"Run of {machine_info['date']} (`{command}`, {seconds / 60:.1f} min in all). "
               f"Load average before the run: {', '.join(map(str, machine_info['load_before']))}; "
               "**the machine is shared and noisy**, so read the figures as ranges, not as exact values.")
    if not proposed:  # the proposed run is an addendum: same machine, same data
        out += machine_table(machine_info, results)
    out += ["", "**Data and set-up**", ""]
    for backend, r in results.items():
        g = r.get("generate") or {}
        found = g.get("found", {})
        how = (f"generated in {g.get('seconds', '?')} s" if not g.get("reused")
               else f"reused (generated {g.get('generated_at', '?')} in {g.get('seconds', '?')} s)")
        out.append(f"- {NAMES[backend]}: {_num(found.get('gigs'))} gigs ({_num(found.get('open_gigs'))} open), "
                   f"{_num(found.get('workers'))} workers, {_num(found.get('employers'))} employers; {how}. "
                   f"Steps: " + ", ".join(f"{k} {v} s" for k, v in r.get("seconds", {}).items()) + ".")
    options = next((r.get("options") for r in results.values() if r.get("options")), {})
    server = next((_get(r, "server", "command") for r in results.values() if _get(r, "server")), "")
    out.append(f"- Query points: {options.get('points')} near the hotspots, a random trade each, radius "
               f"{config.RADIUS_KM:g} km, nearest {config.LIMIT}; (a) and (c) alternate in blocks of "
               f"{config.BLOCK} points (the same points); "
               f"all-trades variant on the first {options.get('all_trades_points')} points.")
    out.append(f"- Server: `python {server}` (as `python -m zero_gig.serve --workers 2`, access log off), "
               "DEBUG off, Redis channel layer and cache, no scheduler. Throughput: wrk for "
               f"{options.get('duration_s')} s per measurement after 5 sequential warm-up requests, the nearby "
               f"requests rotating over the query points; wrk's timeout {throughput.TIMEOUT_S} s.")
    out += ["", "**Results**", "", "| | " + " | ".join(NAMES[b] for b in backends) + " | target |",
            "|---|" + "---|" * len(backends) + "---|"]
    for label, cells, target in rows(results):
        if all(cell == "—" for cell in cells.values()):
            continue  # not measured in this run (e.g. --proposed)
        out.append(f"| {label} | " + " | ".join(cells[b] for b in backends) + f" | {target} |")
    logged = [(b, step, message, count) for b, r in results.items()
              for step, found in (r.get("server_errors") or {}).items() for message, count in found.items()]
    if logged:
        out += ["", "**Exceptions in the server log** (step: count × last line of the traceback)", ""]
        out += [f"- {NAMES[b]}, {step}: {count} × `{message}`" for b, step, message, count in logged]
    errors = {b: r.get("errors") for b, r in results.items() if r.get("errors")}
    if errors:
        out += ["", "**Errors in this run**", ""]
        for backend, found in errors.items():
            for step, text in found.items():
                last = text.strip().splitlines()[-1] if text.strip() else "?"
                out.append(f"- {NAMES[backend]}, {step}: `{last[:300]}`")
    out += ["", end]
    return "\n".join(out)


def write_block(block: str, section: str, start: str, end: str, path: Path = config.DOCS_FILE) -> None:
    """Put a generated block into docs/benchmarks.md: over the old one between its markers (the file is read
    again first: other benchmarks write to it too), else at the top of its section, else in a new section at the
    end. Only the block changes, so the hand-written reading of the figures around it survives a rerun."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    elif section in text:
        head, tail = text.split(section, 1)
        text = head + section + "\n\n" + block + "\n" + tail
    else:
        text = text.rstrip() + f"\n\n{section}\n\n{block}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def publish(block: str, failures: list[str], write=None) -> None:
    """Print the block, write it with `write(block)` unless that is None (--no-docs), say what failed and exit,
    non-zero if anything did."""
    print("\n" + block)
    if write:
        write(block)
        print(f"\nwritten to {config.DOCS_FILE.relative_to(config.ROOT)}")
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    sys.exit(1 if failures else 0)


def write_docs(block: str, path: Path = config.DOCS_FILE, proposed: bool = False) -> None:
    """The Issue 3 block; the `--proposed` one goes right after the main block the first time."""
    start, end = markers(proposed)
    main_end = markers(False)[1]
    text = path.read_text() if path.exists() else ""
    if proposed and start not in text and main_end in text:
        before, after = text.split(main_end, 1)
        path.write_text(before + main_end + "\n\n" + block + after)
        return
    write_block(block, SECTION, start, end, path)
