"""Requests/s for a fixed time: the nearby feed beside a constant JSON view on the same server.

wrk drives the load with a Lua script that rotates through the query points; without wrk (bench/setup.sh,
run by `make bench`, installs it) the step fails and says so.
"""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import time

from . import config

# Long enough that a slow feed shows up as latency rather than as lost requests.
TIMEOUT_S = 30
LUA = """
local paths = {%(paths)s}
local counter = 0
request = function()
  counter = counter %% #paths + 1
  return wrk.format("GET", paths[counter])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, "write": %%d, "status": %%d, ' ..
    '"timeout": %%d, "p50_us": %%d, "p90_us": %%d, "p99_us": %%d, "mean_us": %%.1f, "max_us": %%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
"""


def _lua(paths: list[str], script_path) -> None:
    quoted = ", ".join(json.dumps(p) for p in paths)
    script_path.write_text(LUA % {"paths": quoted})


def _wrk(url: str, script, threads: int, connections: int, duration: float) -> dict:
    command = ["wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{duration:g}s",
               "--timeout", f"{TIMEOUT_S}s", "-s", str(script), url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + TIMEOUT_S + 60, check=True)
    line = next(line for line in done.stdout.splitlines() if line.startswith("BENCH_JSON "))
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = raw["duration_us"] / 1e6
    ok = max(0, raw["requests"] - raw["status"] - raw["timeout"])  # a timed-out request did not succeed
    return {
        "tool": f"wrk -t{min(threads, connections)} -c{connections}", "connections": connections,
        "requests": raw["requests"], "seconds": round(seconds, 2), "rps": round(raw["requests"] / seconds, 1),
        "ok_rps": round(ok / seconds, 1),
        "latency_ms": {"p50": raw["p50_us"] / 1000, "p90": raw["p90_us"] / 1000, "p99": raw["p99_us"] / 1000,
                       "mean": round(raw["mean_us"] / 1000, 3), "max": raw["max_us"] / 1000},
        "errors": {k: raw[k] for k in ("connect", "read", "write", "status", "timeout")},
    }


def _warm(host: str, port: int, paths: list[str], n: int = 5) -> None:
    """A few requests one at a time, each finished before the next: a warm-up that leaves nothing running."""
    conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT_S)
    try:
        for path in paths[:n]:
            conn.request("GET", path)
            conn.getresponse().read()
    finally:
        conn.close()


def measure(host: str, port: int, name: str, paths: list[str], connections: int, options: config.RunOptions) -> dict:
    """`options.duration_s` seconds of load from `connections` keep-alive clients, after a sequential warm-up."""
    _warm(host, port, paths)
    script = config.RESULTS_DIR / f"wrk-{name}.lua"
    _lua(paths, script)
    return _wrk(f"http://{host}:{port}", script, options.threads, connections, options.duration_s)


def run(host: str, port: int, nearby_paths: list[str], options: config.RunOptions) -> dict:
    """The ceiling, then the feed at 2 clients per worker (its capacity) and at full concurrency.

    When wrk stops, the server still finishes the requests in flight, and a slow feed's can take
    seconds; so the heaviest run goes last and the lighter one is given time to drain.
    """
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed: the throughput step needs it (apt-get install wrk; "
                           "`make bench` runs bench/setup.sh, which installs it)")
    plain = measure(host, port, "plain", ["/bench/plain"], options.connections, options)
    nearby_low = measure(host, port, "nearby", nearby_paths, options.low_connections, options)
    time.sleep(min(nearby_low["latency_ms"]["max"] / 1000 + 1, TIMEOUT_S))
    nearby = measure(host, port, "nearby", nearby_paths, options.connections, options)
    best = max(nearby_low["ok_rps"], nearby["ok_rps"])
    return {"workers": 2, "duration_s": options.duration_s, "plain": plain, "nearby_low": nearby_low,
            "nearby": nearby, "nearby_share_of_plain": round(best / plain["ok_rps"], 4) if plain["ok_rps"] else None}
