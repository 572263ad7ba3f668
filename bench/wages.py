"""`python -m bench.wages [sqlite|postgres]`: wage guidance on the benchmark's 1,000,000 gigs (not a timed test).

Measures what issue 12 promises: a request never scans gigs. It times
- rebuilding the market rates (wages.services.refresh_market_rates, the scheduler's hourly duty) over the gigs
  of the last 30 and 90 days, and checks PostgreSQL's percentile_cont against the Python path on the same rows;
- labelling a feed page of 20 gigs (one FairPayBook, kept per process: one query while the tables stand);
- GET /api/wages/ (the guide beside the market for every trade).

Uses the benchmark database of `python -m bench` (generated if missing; BENCH_PG_DATABASE moves it elsewhere).
Prints one table; nothing is written to docs/.
"""

from __future__ import annotations

import argparse
import sys
import time

from .stats import percentiles


def _timed(function, repeat: int) -> dict:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    cuts = percentiles(times)
    return {"runs": repeat, "p50_ms": round(cuts[49], 2), "p95_ms": round(cuts[94], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.wages", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("backend", nargs="?", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--skip-generate", action="store_true", help="measure whatever data is there")
    args = parser.parse_args()

    from . import backend, config

    config.DATA_DIR.mkdir(parents=True, exist_ok=True)
    if args.backend == "postgres":
        backend.ensure_pg_database()
    backend.setup_django(args.backend)

    import datetime as dt

    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from jobs.models import Gig, GigStatus
    from wages import services
    from wages.selectors import FairPayBook

    from .generate import ensure_data

    meta = ensure_data(regenerate=False, skip=args.skip_generate)
    print(f"data: {meta.get('rows', {})} ({'reused' if meta.get('reused') else 'generated'})", flush=True)
    services.load_demo_guide()
    now = timezone.now()
    results = {"gigs": Gig.objects.count(),
               "gigs_in_90_days": Gig.objects.filter(created_at__gte=now - dt.timedelta(days=90)).count()}

    started = time.perf_counter()
    rows = services.refresh_market_rates(now)
    results["refresh_market_rates_s"] = round(time.perf_counter() - started, 2)
    results["market_rate_rows"] = rows

    if connection.vendor == "postgresql":  # the database's percentiles against Python's on the same gigs
        since = now - dt.timedelta(days=30)
        in_db, in_python = services._rates_in_postgresql(since, now), services._rates_in_python(since, now)
        differ = [key for key in in_python
                  if key not in in_db or in_db[key][0] != in_python[key][0]
                  or any(abs(a - b) > services.Q3 for a, b in zip(in_db[key][1:], in_python[key][1:], strict=True))]
        results["percentiles_agree"] = not differ and len(in_db) == len(in_python)

    page = list(Gig.objects.filter(status=GigStatus.OPEN).select_related("category", "center")[:20])
    with CaptureQueriesContext(connection) as queries:
        book = FairPayBook.load()
        labels = [book.fair_pay(gig).label for gig in page]
    results["label_20_cards_queries"] = len(queries)
    results["labels_seen"] = sorted({str(label) for label in labels})
    def label_page():
        book = FairPayBook.load()
        return [book.fair_pay(g) for g in page]

    results["label_20_cards"] = _timed(label_page, 200)
    client = Client()
    assert client.get("/api/wages/").status_code == 200
    results["api_wages"] = _timed(lambda: client.get("/api/wages/"), 100)
    reset_queries()

    width = max(len(key) for key in results)
    print(f"\nwage guidance on {args.backend}:")
    for key, value in results.items():
        print(f"  {key:<{width}}  {value}")
    sys.exit(0 if results.get("percentiles_agree", True) else 1)


if __name__ == "__main__":
    main()
