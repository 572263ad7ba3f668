"""`python -m bench.figures`: are the figures pages fast on the 1,000,000-gig data? (issue 11: p95 ≤ 200 ms)

On a PostgreSQL database of its own (BENCH_PG_DATABASE, default zero_gig_bench_figures; bench.generate fills
it, or reuses an earlier load of the same size) this

1. rebuilds the pre-aggregated figures from nothing (`figures.services.rebuild`, what `rebuild_figures` runs)
   and times it, then times an incremental refresh of one changed day (the scheduler's duty);
2. makes a center's staff member and a city administrator with logged-in sessions;
3. times many sequential GETs of the figures page (a center by day over a year — the largest page —, by week,
   month and quarter; the city by month), the API, and a two-year CSV of days, over HTTP against uvicorn with
   2 workers and DEBUG off (bench.server.Server), p50/p95/p99, after counting each page's SQL queries in
   process.

`--gigs N` generates a smaller city (open gigs and workers scaled alike) when the full load would take too
long on a shared machine; the report says which size was measured and the load average. Results go to
bench/results/figures.json; docs/benchmarks.md is written by hand from them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
import traceback
from pathlib import Path

os.environ.setdefault("BENCH_PG_DATABASE", "zero_gig_bench_figures")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")

from . import config  # noqa: E402 — after choosing the database, which config reads on import
from .backend import Run, database_env, setup_production_django, versions  # noqa: E402
from .pages_server import in_process, time_pages  # noqa: E402
from .stats import summary_ms  # noqa: E402

TARGET_P95_MS = 200


def scale(gigs: int) -> None:
    full = config.Sizes()
    if gigs != full.gigs:
        ratio = gigs / full.gigs
        config.SIZES = config.Sizes(gigs=gigs, open_gigs=max(1, int(full.open_gigs * ratio)),
                                    workers=max(100, int(full.workers * ratio)), employers=full.employers)


def build() -> dict:
    from django.utils import timezone

    from figures import services
    from figures.models import Figure

    started = time.perf_counter()
    written = services.rebuild()
    rebuild_s = time.perf_counter() - started
    refresh = []
    for days_back in (0, 1, 40, 200):
        services.mark_dirty([timezone.localdate() - dt.timedelta(days=days_back)])
        started = time.perf_counter()
        services.refresh()
        refresh.append(time.perf_counter() - started)
    return {"rebuild_s": round(rebuild_s, 1), "rows": written, "figure_rows": Figure.objects.count(),
            "refresh_one_day_ms": summary_ms(refresh)}


def people() -> dict:
    from django.test import Client
    from django.utils import timezone

    from accounts.models import Role, User
    from centers.models import CenterStaff, ServiceCenter

    center = ServiceCenter.objects.order_by("pk").first()
    staff, _ = User.objects.get_or_create(phone="16900000001", defaults={"name": "基准员工", "role": Role.CENTER_STAFF})
    CenterStaff.objects.get_or_create(center=center, user=staff)
    admin, _ = User.objects.get_or_create(phone="16900000002", defaults={"name": "基准管理员",
                                                                         "role": Role.CITY_ADMIN})
    sessions = {}
    for role, user in (("staff", staff), ("admin", admin)):
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies["sessionid"].value
    today = timezone.localdate()
    year, two_years = today - dt.timedelta(days=364), today - dt.timedelta(days=729)
    c = center.pk
    pages = [
        ("page: center by day, a year", f"/staff/figures/?center={c}&period=day&from={year}&to={today}", "staff"),
        ("page: center by week, 2 years", f"/staff/figures/?center={c}&period=week&from={two_years}&to={today}",
         "staff"),
        ("page: center by month, 2 years", f"/staff/figures/?center={c}&period=month&from={two_years}&to={today}",
         "staff"),
        ("page: center by quarter, 2 years",
         f"/staff/figures/?center={c}&period=quarter&from={two_years}&to={today}", "staff"),
        ("page: city by month (admin)", "/staff/figures/?center=city&period=month", "admin"),
        ("api: center by day, a year", f"/api/staff/figures/?center={c}&period=day&from={year}&to={today}", "staff"),
        ("api: city by quarter", f"/api/staff/figures/?period=quarter&from={two_years}&to={today}", "staff"),
        ("csv: every center by day, 2 years",
         f"/staff/figures/export.csv?center=all&period=day&from={two_years}&to={today}", "admin"),
    ]
    return {"sessions": sessions, "pages": pages, "center": center.name}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.figures", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gigs", type=int, default=config.SIZES.gigs, help="size of the generated city")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--out", type=Path, default=config.RESULTS_DIR / "figures.json")
    parser.add_argument("--skip-generate", action="store_true")
    args = parser.parse_args()
    scale(args.gigs)
    config.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    setup_production_django()
    from django.conf import settings

    from . import generate
    from .server import Server

    run = Run("postgres", args.out)
    run.data.update(versions=versions(), database=config.PG_DATABASE, sizes=config.SIZES.__dict__,
                    load_average_before=os.getloadavg(), cpus=os.cpu_count())
    data = run.step("generate", lambda: generate.ensure_data(regenerate=False, skip=args.skip_generate))
    built = run.step("figures", build) if data else None
    who = run.step("people", people) if built else None
    if who is None:
        run.save()
        sys.exit(1)
    run.data["people"] = {"center": who["center"]}  # not the sessions
    run.data["paths"] = {name: path for name, path, _role in who["pages"]}
    run.step("in_process", in_process, [p for p in who["pages"] if not p[0].startswith("csv")], who["sessions"], 20)
    log_path = config.RESULTS_DIR / "figures-server.log"
    try:
        server = Server(database_env("postgres"), workers=2, log_path=log_path)
        server.env["SECRET_KEY"] = settings.SECRET_KEY  # the sessions made here are signed with it
        with server:
            server.new_errors()
            timing = run.step("timing", time_pages, config.HOST, server.port, who["pages"], who["sessions"],
                              args.requests, lambda name: max(20, args.requests // 10) if name.startswith("csv")
                              else args.requests)
            run.data["server_errors"] = server.new_errors()
        run.data["target"] = {name: (t["p95"] <= TARGET_P95_MS) for name, t in (timing or {}).items()
                              if not name.startswith("csv")}
    except Exception:
        run.data["errors"]["server"] = traceback.format_exc(limit=8)
        print(run.data["errors"]["server"], file=sys.stderr, flush=True)
    run.data["load_average_after"] = os.getloadavg()
    run.save()
    print(json.dumps({k: run.data.get(k) for k in ("sizes", "figures", "target", "load_average_before",
                                                   "load_average_after")}, ensure_ascii=False, default=str),
          flush=True)
    sys.exit(1 if run.data["errors"] else 0)


if __name__ == "__main__":
    main()
