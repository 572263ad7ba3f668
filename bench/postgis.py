"""PostGIS reference (PostgreSQL only): the same query on a geography column with a GiST index.

The app does not use PostGIS; this shows what a spatial index in the database would give. The
geography points live in a side table of the benchmark database (bench_open_gig_geo), rebuilt
from the open gigs on every run, so the app's own tables are untouched.
"""

from __future__ import annotations

import time

from django.db import connection
from django.utils import timezone

from . import config
from .nearby import WARMUP, QueryPoint, _verdicts, indexed_ids
from .stats import ratio, summary_ms

TABLE = "bench_open_gig_geo"
POINT = "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography"
# category_id is bigint: an int parameter must be cast, or btree_gist cannot use it as an index condition.
QUERY = (f"SELECT id FROM {TABLE} WHERE category_id = %s::bigint AND starts_at > %s "
         f"AND ST_DWithin(geog, {POINT}, %s) ORDER BY geog <-> {POINT} LIMIT %s")
VARIANTS = {
    # A GiST index on the point alone: the trade is a filter on what the index returns.
    "gist_geog": f"CREATE INDEX {TABLE}_geog ON {TABLE} USING gist (geog)",
    # btree_gist lets the trade lead the same GiST index.
    "gist_trade_geog": f"CREATE INDEX {TABLE}_trade_geog ON {TABLE} USING gist (category_id, geog)",
}


def build(variant: str) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        cursor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(
            f"CREATE TABLE {TABLE} AS SELECT id, category_id, starts_at, "
            "ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)::geography AS geog "
            "FROM jobs_gig WHERE status = 'open'")
        cursor.execute(f"ALTER TABLE {TABLE} ADD PRIMARY KEY (id)")
        cursor.execute(VARIANTS[variant])
        cursor.execute(f"ANALYZE {TABLE}")
    return time.perf_counter() - started


def nearest(point: QueryPoint, now) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(QUERY, [point.trade_id, now, point.lng, point.lat, config.RADIUS_KM * 1000,
                               point.lng, point.lat, config.LIMIT])
        return [row[0] for row in cursor.fetchall()]


def run(points: list[QueryPoint], indexed_p50: float | None, correctness: int) -> dict:
    """Both index variants, with PostgreSQL's JIT off for this connection.

    The planner overestimates these KNN plans (cost ~10^5), so the default jit_above_cost compiles
    every query, adding ~5 ms to a sub-millisecond lookup; the reference shows the index, not that.
    """
    results = {}
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    for variant in VARIANTS:
        build_s = build(variant)
        now = timezone.now()
        for point in points[:WARMUP]:
            nearest(point, now)
        latencies, found = [], []
        for point in points:
            started = time.perf_counter()
            found.append(nearest(point, now))
            latencies.append(time.perf_counter() - started)
        sample = points[:correctness]
        expected = [indexed_ids(p.query()) for p in sample]
        summary = summary_ms(latencies)
        results[variant] = {
            "index": VARIANTS[variant], "build_s": round(build_s, 2), "latency_ms": summary,
            "vs_indexed_p50": ratio(indexed_p50, summary["p50"]) if indexed_p50 else None,
            "correctness_vs_service": _verdicts(sample, found[:correctness], expected, config.LIMIT),
        }
    with connection.cursor() as cursor:
        cursor.execute("RESET jit")
        cursor.execute("SELECT postgis_lib_version()")
        version = cursor.fetchone()[0]
    return {"postgis_version": version, "variants": results}
