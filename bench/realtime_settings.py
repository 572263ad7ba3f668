"""Server settings for `python -m bench.realtime`: the app's own settings plus a channel-layer workaround.

redis-py 8 reads with a 5 s socket timeout by default (redis/_defaults.py), and channels_redis blocks exactly 5 s
in BZPOPMIN (RedisChannelLayer.brpop_timeout), so an idle process's receive() raises redis TimeoutError and the
consumer holding the receive lock dies, closing its socket (1011); redis-py 8 pools also refuse a 101st concurrent
command (MaxConnectionsError) instead of waiting. Without this the benchmark loses sockets every few seconds, so
it is applied here, reported as an app problem, and `--stock-settings` measures without it.
"""

import gc
import os
import sys
import time

from zero_gig.settings import *  # noqa: F403
from zero_gig.settings import CHANNEL_LAYERS, REDIS_URL

if REDIS_URL:
    CHANNEL_LAYERS["default"]["CONFIG"]["hosts"] = [
        {"address": REDIS_URL, "socket_timeout": 15, "max_connections": 1000},
    ]

if os.environ.get("RT_GC_LOG"):
    # Diagnosis only: log every garbage collection that stops this process for 20 ms or more, so the benchmark can
    # tell an event-loop stall caused by a full collection from any other.
    _gc_started = [0.0]

    def _time_collections(phase: str, info: dict) -> None:
        if phase == "start":
            _gc_started[0] = time.perf_counter()
        elif (pause := (time.perf_counter() - _gc_started[0]) * 1000) >= 20:
            print(f"rt-gc generation={info['generation']} ms={pause:.0f}", file=sys.stderr, flush=True)

    gc.callbacks.append(_time_collections)
