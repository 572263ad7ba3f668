"""`python -m bench.realtime`: how fast a posted gig's offers reach workers' sockets, and what idle sockets cost.

Issue 4. Against PostgreSQL (database zero_gig_rt_bench, rebuilt each run) and the Redis channel layer, with
uvicorn processes on 127.0.0.1, it measures
  1. offer latency: POST /api/gigs/ → the offer frame on each targeted worker's socket, with 1,000 and 5,000
     worker sockets open over two processes (most idle: nothing they could be offered);
  2. memory per socket: server RSS before and after opening them;
  3. capacity: idle sockets on one process, stepped up until the offer latency doubles (or time runs out);
  4. floors: the same fan-out through bare Redis pub/sub and through channels_redis without Django;
  5. where a post's time goes (create_gig timed in this process), and how many idle sockets a server on the
     app's settings as they are drops (the others run bench.realtime_settings, which works around it);
and prints the figures and writes them into the "Issue 4" section of docs/benchmarks.md (the generated block
only; the findings written under it are kept).

    DEBUG=1 DJANGO_SETTINGS_MODULE=zero_gig.settings .venv/bin/python -m bench.realtime [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import statistics
import time
from pathlib import Path

from . import realtime_report as report
from . import realtime_setup as setup
from .realtime_clients import (
    Fleet,
    LoopProbe,
    channel_layer_floor,
    get_json,
    post_gigs,
    pubsub_floor,
    summarize_runs,
    summary_ms,
)
from .realtime_servers import Uvicorn, raise_fd_limit, server_env
from .report import write_block

RESULTS = Path(__file__).resolve().parent / "results"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.realtime", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    ints = lambda text: [int(x) for x in text.split(",") if x]  # noqa: E731
    parser.add_argument("--sizes", type=ints, default=[1000, 5000], help="sockets over 2 processes (default 1000,5000)")
    parser.add_argument("--gigs", type=int, default=40, help="gigs posted per size (default 40)")
    parser.add_argument("--groups", type=int, default=10, help="targeted groups, one trade and site each")
    parser.add_argument("--fanout", type=int, default=30, help="workers per group = first-wave size (default 30)")
    parser.add_argument("--steps", type=ints, default=[1000, 2000, 4000, 8000, 12000, 16000, 19000],
                        help="capacity steps: sockets on one process (bounded by the fd limit)")
    parser.add_argument("--step-gigs", type=int, default=20, help="gigs posted per capacity step")
    parser.add_argument("--anatomy", type=int, default=10, help="gigs timed inside create_gig")
    parser.add_argument("--big-wave", type=int, default=300, help="workers of the big-wave group (headcount ÷ 3)")
    parser.add_argument("--big-gigs", type=int, default=4, help="big-wave gigs posted at the largest size")
    parser.add_argument("--plain-memory", type=int, default=1000,
                        help="also measure memory per socket without permessage-deflate, with this many (0: skip)")
    parser.add_argument("--budget", type=float, default=18.0, help="minutes the whole run may take")
    parser.add_argument("--quick", action="store_true", help="smoke run: ≤ 200 sockets, few gigs")
    parser.add_argument("--no-compression", action="store_true", help="clients do not offer permessage-deflate")
    parser.add_argument("--server-debug", action="store_true", help="run the servers with DEBUG=1")
    parser.add_argument("--stock-settings", action="store_true",
                        help="servers on zero_gig.settings as is, without the channel-layer workaround")
    parser.add_argument("--stock-check", type=int, default=200,
                        help="sockets left idle 30 s on a stock-settings server, to count drops (0: skip)")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--render-only", action="store_true",
                        help="measure nothing: rewrite the section from bench/results/realtime.json")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.gigs, args.groups, args.fanout = [100, 200], 6, 3, 30
        args.steps, args.step_gigs, args.anatomy, args.big_wave, args.big_gigs = [100, 200], 4, 3, 60, 2
        args.plain_memory, args.stock_check = min(args.plain_memory, 200), min(args.stock_check, 100)
    return args


class Clock:
    """The run's time budget: every phase asks before it starts something long."""

    def __init__(self, minutes: float):
        self.start = time.monotonic()
        self.deadline = self.start + minutes * 60

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.start


STARTED = time.monotonic()


def log(text: str) -> None:
    print(f"[realtime +{time.monotonic() - STARTED:4.0f} s] {text}", flush=True)


def targeted(population) -> list[tuple[int, str]]:
    return [(u, k) for g in population.groups for u, k in zip(g.user_ids, g.keys, strict=True)]


async def spread(fleet: Fleet, ports: list[int], people: list[tuple[int, str]]) -> dict:
    """Open sockets taking turns over the ports, so each process holds half of every group and of the idle."""
    results = await asyncio.gather(*(fleet.connect(port, people[i::len(ports)]) for i, port in enumerate(ports)))
    opened = sum(r["opened"] for r in results)
    seconds = max(r["seconds"] for r in results)
    return {"opened": opened, "asked": len(people), "seconds": seconds,
            "per_second": round(opened / seconds, 1) if seconds else None}


async def warm_up(ports: list[int], population, args) -> None:
    """First requests import and cache what the measured ones reuse; those gigs are not counted."""
    fleet = Fleet(None if args.no_compression else "deflate")
    group = population.groups[0]
    await spread(fleet, ports, list(zip(group.user_ids, group.keys, strict=True)))
    # Starting ~280 days ahead (index = minutes after tomorrow): apart from the measured gigs, within MAX_DAYS_AHEAD.
    await post_gigs(fleet, ports, population.employer_key, [group], 3 * len(ports), first=400_000, pause=0.3)
    await fleet.close()
    await asyncio.sleep(2)


def rss(servers: list[Uvicorn]) -> int:
    return sum(s.rss_kb() for s in servers)


async def two_processes(args, population, env, clock: Clock) -> dict:
    """Latency and memory with the sockets over two processes, posts taking turns between them."""
    out: dict = {"sizes": []}
    with Uvicorn(env, RESULTS / "realtime-server-a.log") as a, Uvicorn(env, RESULTS / "realtime-server-b.log") as b:
        servers, ports = [a, b], [a.port, b.port]
        log(f"two servers up on ports {ports}; warming up")
        await warm_up(ports, population, args)
        out["rss_before_kb"] = rss(servers)
        fleet = Fleet(None if args.no_compression else "deflate")
        waiting = targeted(population)  # the targeted workers connect with the first size, the big group last
        idle = list(zip(population.idle_ids, population.idle_keys, strict=True))
        probe_key = population.big.keys[-1] if population.big else population.idle_keys[-1]
        next_gig = 0
        try:
            async with LoopProbe(ports[0], probe_key) as probe:
                for size in args.sizes:
                    if size == args.sizes[-1] and population.big:
                        waiting += list(zip(population.big.user_ids, population.big.keys, strict=True))
                    take = max(0, size - len(fleet) - len(waiting))
                    batch, waiting, idle = waiting + idle[:take], [], idle[take:]
                    out["sizes"].append(await one_size(args, population, servers, fleet, probe, batch, next_gig,
                                                       out["rss_before_kb"]))
                    next_gig += args.gigs
            if population.big and args.big_gigs:
                log(f"posting {args.big_gigs} gigs with a first wave of {args.big_wave}")
                runs = await post_gigs(fleet, ports, population.employer_key, [population.big], args.big_gigs,
                                       first=next_gig, headcount=args.big_wave // 3)
                next_gig += args.big_gigs
                out["big"] = {"wave": args.big_wave, **summarize_runs(runs)}
            if args.anatomy and clock.left() > 120:
                log(f"timing {args.anatomy} posts inside create_gig")
                out["anatomy"] = await anatomy(fleet, population, args.anatomy, first=next_gig)
        finally:
            await fleet.close()
            await asyncio.sleep(1)
    return out


async def one_size(args, population, servers: list[Uvicorn], fleet: Fleet, probe: LoopProbe, batch: list,
                   first_gig: int, before: int) -> dict:
    """Open `batch` more sockets over the servers, read their memory and health, then post `args.gigs` gigs."""
    ports = [s.port for s in servers]
    log(f"opening {len(batch)} sockets (to {len(fleet) + len(batch)})")
    connected = await spread(fleet, ports, batch)
    await asyncio.sleep(3)
    after = rss(servers)
    health = [await get_json(port, "/healthz") for port in ports]
    log(f"{len(fleet)} open ({connected['per_second']}/s, errors {dict(fleet.errors)}); "
        f"RSS {before // 1024} → {after // 1024} MiB; posting {args.gigs} gigs")
    probe.take()
    connecting = sorted(p for server in servers for p in server.gc_pauses())
    runs = await post_gigs(fleet, ports, population.employer_key, population.groups, args.gigs, first=first_gig)
    figures = summarize_runs(runs)
    pauses = sorted(p for server in servers for p in server.gc_pauses())
    log(f"offers from request start {figures['from_start_ms']}")
    return {"sockets": len(fleet), "connect": connected, "rss_after_kb": after,
            "healthz": [(status, body.get("channel_layer", {}).get("error")) for status, body in health],
            "per_socket_kb": round((after - before) / len(fleet), 1), "loop_rtt_ms": probe.take(),
            "gc_pauses_ms": pauses, "gc_pauses_connecting_ms": connecting,
            "errors": dict(fleet.errors), "dropped": fleet.dropped, "close_codes": dict(fleet.close_codes),
            "stray_frames": fleet.other_frames, **figures}


async def anatomy(fleet: Fleet, population, count: int, first: int) -> dict:
    from asgiref.sync import sync_to_async

    from .realtime_anatomy import timed_posts

    # Through sync_to_async, as Django runs the view: the push's async_to_sync then runs on this event loop
    # with its open Redis connections, not on a new loop per call.
    results = await sync_to_async(timed_posts, thread_sensitive=False)(population.groups, count, first)
    await asyncio.sleep(0.5)
    latencies, firsts = [], []
    for r in results:
        arrivals = [at - r["started"] for _u, at in fleet.offers.pop(r["gig_id"], [])]
        latencies += arrivals
        if arrivals:
            firsts.append(min(arrivals))
    ms = lambda key: round(1000 * statistics.median([r[key] for r in results]), 1)  # noqa: E731
    return {"gigs": len(results), "queries": round(statistics.median([r["queries"] for r in results])),
            "create_gig_ms": ms("total_s"), "sql_ms": ms("sql_s"), "candidates_ms": ms("candidates_s"),
            "before_push_ms": ms("before_push_s"), "push_ms": ms("push_s"),
            "pushed": round(statistics.median([r["pushed"] for r in results])),
            "first_offer_ms": round(1000 * statistics.median(firsts), 1) if firsts else math.nan,
            "offer_from_start_ms": summary_ms(latencies)}


async def one_process(args, population, env, clock: Clock) -> dict:
    """Capacity: idle sockets on one process stepped up until the offer latency (p50) doubles."""
    out: dict = {"steps": [], "stopped": ""}
    with Uvicorn(env, RESULTS / "realtime-server-c.log") as server:
        await warm_up([server.port], population, args)
        out["rss_before_kb"] = server.rss_kb()
        fleet = Fleet(None if args.no_compression else "deflate")
        probe_key = population.big.keys[0] if population.big else population.idle_keys[-1]
        try:
            await fleet.connect(server.port, targeted(population))
            async with LoopProbe(server.port, probe_key) as probe:
                await capacity_steps(args, population, server, fleet, probe, clock, out)
        finally:
            await fleet.close(timeout=240)
            await asyncio.sleep(1)
    return out


async def capacity_steps(args, population, server: Uvicorn, fleet: Fleet, probe: LoopProbe, clock: Clock,
                         out: dict) -> None:
    pool = list(zip(population.idle_ids, population.idle_keys, strict=True))
    used, next_gig, baseline = 0, 10_000, None
    for step in args.steps:
        want = step - len(fleet)
        rate = (out["steps"][-1]["connect"]["per_second"] if out["steps"] else 200) or 200
        estimate = want / rate + args.step_gigs * 0.6 + 15
        if clock.left() < estimate + 90:
            out["stopped"] = f"time budget (next step {step} needs ~{estimate:.0f} s)"
            return
        if step > args.fd_limit - 800:  # the server and this client each hold one fd per socket
            out["stopped"] = f"the fd limit ({args.fd_limit}) leaves no room for {step} sockets"
            return
        if used + want > len(pool):
            out["stopped"] = f"only {len(pool)} idle workers were created"
            return
        log(f"capacity: opening {want} sockets (to {step})")
        connected = await fleet.connect(server.port, pool[used:used + want])
        used += want
        await asyncio.sleep(3)
        memory = server.rss_kb()
        diagnostics = {"server_fds": server.open_fds(), "redis_clients": redis_clients()}
        probe.take()  # stalls while connecting do not count
        diagnostics["gc_pauses_connecting_ms"] = server.gc_pauses()
        runs = await post_gigs(fleet, [server.port], population.employer_key, population.groups, args.step_gigs,
                               first=next_gig)
        next_gig += args.step_gigs
        figures = summarize_runs(runs)
        diagnostics["loop_rtt_ms"], diagnostics["gc_pauses_ms"] = probe.take(), server.gc_pauses()
        p50 = figures["from_start_ms"].get("p50")
        baseline = baseline or p50
        ratio = round(p50 / baseline, 2) if baseline and p50 else None
        log(f"capacity {len(fleet)}: p50 {p50} ms (×{ratio}), RSS {memory // 1024} MiB, "
            f"errors {dict(fleet.errors)}, dropped {fleet.dropped}, {diagnostics}")
        out["steps"].append({"sockets": len(fleet), "connect": connected, "rss_kb": memory, **diagnostics,
                             "per_socket_kb": round((memory - out["rss_before_kb"]) / len(fleet), 1),
                             "ratio": ratio, "errors": dict(fleet.errors), "dropped": fleet.dropped, **figures})
        if ratio and ratio >= 2:
            out["stopped"] = f"p50 reached {ratio}× the baseline at {len(fleet)} sockets"
            return
        if fleet.errors:
            out["stopped"] = f"sockets failed to open: {dict(fleet.errors)}"
            return
    out["stopped"] = f"last step reached ({args.steps[-1]} sockets) without doubling"


async def plain_memory(args, population, env) -> dict:
    """Memory per socket on one fresh process when clients do not negotiate permessage-deflate."""
    with Uvicorn(env, RESULTS / "realtime-server-d.log") as server:
        await warm_up([server.port], population, args)
        before = server.rss_kb()
        fleet = Fleet(compression=None)
        people = list(zip(population.idle_ids, population.idle_keys, strict=True))[:args.plain_memory]
        try:
            await fleet.connect(server.port, people)
            await asyncio.sleep(3)
            after = server.rss_kb()
        finally:
            await fleet.close()
    return {"sockets": len(people), "rss_before_kb": before, "rss_after_kb": after,
            "per_socket_kb": round((after - before) / len(people), 1)}


async def stock_check(args, population, env: dict, idle_seconds: float = 30.0) -> dict:
    """Sockets left idle on a server with zero_gig.settings as is: how many does the server close by itself?"""
    log_path = RESULTS / "realtime-server-stock.log"
    log_path.unlink(missing_ok=True)
    with Uvicorn(env, log_path) as server:
        fleet = Fleet(None if args.no_compression else "deflate")
        people = list(zip(population.idle_ids, population.idle_keys, strict=True))[-args.stock_check:]
        try:
            await fleet.connect(server.port, people)
            opened = len(fleet)
            await asyncio.sleep(idle_seconds)
            dropped, codes = fleet.dropped, dict(fleet.close_codes)
        finally:
            await fleet.close()
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    return {"opened": opened, "idle_seconds": idle_seconds, "dropped": dropped, "close_codes": codes,
            "redis_timeouts": text.count("redis.exceptions.TimeoutError"),
            "max_connections_errors": text.count("MaxConnectionsError")}


async def floors(args, population, prefix: str, biggest: int) -> dict:
    targets = args.groups * args.fanout
    log("floors: bare Redis pub/sub, then channels_redis alone")
    return {
        "pubsub": await pubsub_floor(setup.REDIS_URL, prefix, targets, args.fanout, args.gigs),
        "layer": await channel_layer_floor(setup.REDIS_URL, f"{prefix}fl0", targets, 0, args.fanout, args.gigs),
        "layer_idle": await channel_layer_floor(setup.REDIS_URL, f"{prefix}fl1", targets, biggest - targets,
                                                args.fanout, args.gigs),
        "layer_gathered": await channel_layer_floor(setup.REDIS_URL, f"{prefix}fl2", targets, 0, args.fanout,
                                                    args.gigs, concurrent=True),
    }


async def measure(args, population, env, prefix: str, clock: Clock) -> dict:
    results = {"two": await two_processes(args, population, env, clock)}
    results["floors"] = await floors(args, population, prefix, max(args.sizes))
    if args.stock_check and not args.stock_settings and clock.left() > 300:
        log(f"stock settings: {args.stock_check} sockets left idle for 30 s")
        results["stock"] = await stock_check(args, population, {**env, "DJANGO_SETTINGS_MODULE": "zero_gig.settings"})
        log(f"stock settings: {results['stock']}")
    if args.plain_memory and not args.no_compression and clock.left() > 240:
        log("memory per socket without permessage-deflate (one process)")
        results["plain_memory"] = await plain_memory(args, population, env)
    if clock.left() > 180:
        results["one"] = await one_process(args, population, env, clock)
    else:
        results["one"] = {"steps": [], "stopped": "no time left in the budget"}
    return results


def redis_clients() -> int:
    """Connections Redis has open (all clients): a process's channel-layer pool shows up here."""
    import redis

    with redis.Redis.from_url(setup.REDIS_URL) as client:
        return client.info("clients")["connected_clients"]


def cleanup_redis(prefix: str) -> int:
    """Delete what this run left in Redis (only keys under its own prefix)."""
    import redis

    with redis.Redis.from_url(setup.REDIS_URL) as client:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        for i in range(0, len(keys), 1000):
            client.delete(*keys[i:i + 1000])
        return len(keys)


def main() -> None:
    args = parse_args()
    if args.render_only:
        block = report.render(json.loads((RESULTS / "realtime.json").read_text()))
        print(block)
        if not args.no_docs:
            write_block(block, report.SECTION, report.START, report.END)
        return
    clock = Clock(args.budget)
    RESULTS.mkdir(exist_ok=True)
    biggest = max(max(args.sizes), max(args.steps))
    fd_limit = args.fd_limit = raise_fd_limit(biggest + 4096)
    prefix = f"zgrt{os.getpid()}"
    setup.configure_environment(prefix)
    machine = report.machine(setup.PG_ADMIN_URL, setup.REDIS_URL)
    machine["fd_limit"] = fd_limit
    if machine["foreign"]:
        log(f"WARNING: other benchmark processes are running: {machine['foreign']}")
    log("rebuilding database zero_gig_rt_bench")
    setup.recreate_database()
    setup.migrate()
    population = setup.populate(args.groups, args.fanout, biggest - args.groups * args.fanout, args.big_wave)
    log(f"{len(population.idle_ids) + args.groups * args.fanout + args.big_wave} workers with tokens ready "
        f"after {clock.elapsed():.0f} s")
    env = server_env(prefix, setup.DATABASE_URL, setup.REDIS_URL, args.server_debug,
                     "zero_gig.settings" if args.stock_settings else "bench.realtime_settings")
    try:
        try:
            import uvloop

            results = uvloop.run(measure(args, population, env, prefix, clock))
        except ImportError:
            results = asyncio.run(measure(args, population, env, prefix, clock))
    finally:
        cleanup_redis(prefix)
    machine["foreign_end"] = report.foreign_benchmarks()
    machine["load_end"] = [round(x, 2) for x in os.getloadavg()]
    results.update(machine=machine, args={k: v for k, v in vars(args).items()}, seconds=round(clock.elapsed()),
                   prefix=prefix)
    out = RESULTS / ("realtime-quick.json" if args.quick else "realtime.json")  # a smoke run keeps the real one
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    block = report.render(results)
    print(block)
    if not args.no_docs:
        write_block(block, report.SECTION, report.START, report.END)
        log("wrote the Issue 4 section of docs/benchmarks.md")


if __name__ == "__main__":
    main()
