"""The app's settings plus one extra URL (the plain JSON view), for the servers the benchmark starts.

BENCH_PROPOSED=1 (`python -m bench --proposed`) applies the database setting proposed in
docs/benchmarks.md to the servers only, to measure it before the app adopts it: SQLite in WAL
mode. `make bench` never sets it, so it measures the app as configured.
"""

import os

from zero_gig.settings import *  # noqa: F403
from zero_gig.settings import DATABASES

ROOT_URLCONF = "bench.urls"

if os.environ.get("BENCH_PROPOSED") == "1" and DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL: readers no longer wait for a writer's commit, and a commit is one fsync of the log.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL")
