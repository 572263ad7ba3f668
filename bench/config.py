"""Sizes, places and paths of the benchmark, in one place so the generator and the queries agree."""

from __future__ import annotations

import functools
import logging
import os
import ssl
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / "data"
RESULTS_DIR = ROOT / "bench" / "results"
DOCS_FILE = ROOT / "docs" / "benchmarks.md"

SQLITE_PATH = DATA_DIR / "bench.sqlite3"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# BENCH_PG_DATABASE / BENCH_REDIS_URL move a run to a database of its own (two runs on one machine).
PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "zero_gig_bench")
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"
# Its own Redis database and channel prefix, away from the one CI and `make test` use (/5).
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
HOST = "127.0.0.1"
# httpx logs each request at INFO, which the project's logging (the root logger at INFO) would print.
logging.getLogger("httpx").setLevel(logging.WARNING)


@functools.cache
def tls() -> ssl.SSLContext:
    """One TLS context for every httpx client: unused on plain HTTP to 127.0.0.1, but httpx builds one for each client
    it makes (~40 ms, the event loop blocked) unless it is given one."""
    return ssl.create_default_context()

SEED = 20241125
# Bump when the generated data changes shape, so old databases are rebuilt instead of reused.
DATA_VERSION = 4
# Open gigs start up to this many days after generation; a database older than the reuse limit is rebuilt
# so that most of its open gigs are still in the future.
OPEN_HORIZON_DAYS = 30
REUSE_MAX_AGE_DAYS = 7


@dataclass(frozen=True)
class Sizes:
    gigs: int = 1_000_000
    open_gigs: int = 50_000
    workers: int = 100_000
    employers: int = 300


SIZES = Sizes()


@dataclass(frozen=True)
class Hotspot:
    name: str
    lat: float
    lng: float
    sigma_km: float  # gaussian spread of gigs and workers around it
    weight: int  # share of the city's gigs and workers


# Tongchuan's districts; most of the city lives in 王益/印台/耀州 and the new district.
HOTSPOTS = (
    Hotspot("王益区", 35.0690, 109.0756, 3.0, 30),
    Hotspot("印台区", 35.1145, 109.1000, 3.0, 20),
    Hotspot("耀州区", 34.9089, 108.9805, 3.5, 20),
    Hotspot("新区", 34.8930, 108.9790, 3.0, 20),
    Hotspot("宜君县", 35.3986, 109.1169, 3.0, 10),
)

# (name, level, region code, lat, lng): the city center sits in 王益区 beside the district one, as in the demo.
CENTERS = (
    ("铜川市零工服务中心（基准测试）", "city", "610202", 35.0765, 109.0830),
    ("王益区零工服务中心（基准测试）", "district", "610202", 35.0690, 109.0756),
    ("印台区零工服务中心（基准测试）", "district", "610203", 35.1145, 109.1000),
    ("耀州区零工服务中心（基准测试）", "district", "610204", 34.9089, 108.9805),
    ("宜君县零工服务中心（基准测试）", "county", "610222", 35.3986, 109.1169),
)

# Phone number ranges, so generated people never collide with each other or with the demo.
WORKER_PHONE = "15{:09d}"
EMPLOYER_PHONE = "18{:09d}"
CONTENTION_PHONE = "166{:08d}"
GIG_CODE = "B{:07d}"
CONTENTION_GIG_PREFIX = "BENCHACC"

RADIUS_KM = 5.0
LIMIT = 20
BLOCK = 10  # the nearby step alternates (a) and (c) in blocks of this many points (bench/nearby.py, _paired)


@dataclass(frozen=True)
class RunOptions:
    """What one backend run measures; --quick shrinks every count and duration."""

    points: int = 300  # query points for the nearby latency
    full_scan_points: int = 300  # of those, also run through the trade-filtered full scan
    all_trades_points: int = 60  # points for the all-trades variant (its full scan reads every open gig)
    correctness_points: int = 100
    http_points: int = 200
    contention_requests: int = 200
    contention_headcount: int = 5
    duration_s: float = 15.0  # each throughput measurement
    connections: int = 32
    low_connections: int = 4  # 2 per worker: the feed's capacity without queueing
    threads: int = 2

    @classmethod
    def quick(cls) -> RunOptions:
        return cls(points=80, full_scan_points=80, all_trades_points=20, correctness_points=40, http_points=80,
                   duration_s=5.0)
