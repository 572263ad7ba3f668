"""Clients of `python -m bench.realtime`: worker sockets, the employer posting gigs, and the bare-Redis floors.

Everything runs on one asyncio loop in the benchmark process, so an offer frame is timestamped by the same clock
(time.perf_counter) that timed the POST; nothing blocks that loop while a measurement is under way.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import httpx
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, WebSocketException

from . import config, stats

HOST = config.HOST
HEADCOUNT = 10  # first wave = max(WAVE_SIZE 10, headcount × OFFERS_PER_SLOT 3) = 30 offers


def summary_ms(seconds: list[float]) -> dict:
    return stats.summary_ms(seconds, digits=1)


class Fleet:
    """Open worker sockets. Each has a reader that timestamps offer frames the moment they arrive."""

    def __init__(self, compression: str | None = "deflate"):
        self.compression = compression
        self.sockets: list = []
        self.readers: list[asyncio.Task] = []
        self.offers: dict[int, list[tuple[int, float]]] = defaultdict(list)
        self.other_frames = 0
        self.dropped = 0  # sockets the server closed on its own
        self.close_codes: Counter = Counter()
        self.errors: Counter = Counter()
        self._closing = False

    def __len__(self) -> int:
        return len(self.sockets)

    async def connect(self, port: int, people: list[tuple[int, str]], concurrency: int = 64,
                      timeout: float = 300.0) -> dict:
        """Open one /ws/worker/ socket per (user id, token key); returns how many opened and how fast."""
        gate = asyncio.Semaphore(concurrency)
        opened_before = len(self.sockets)

        async def one(user_id: int, key: str) -> None:
            async with gate:
                try:
                    ws = await connect(f"ws://{HOST}:{port}/ws/worker/", open_timeout=30, close_timeout=5,
                                       additional_headers={"Authorization": f"Bearer {key}"},
                                       ping_interval=None, compression=self.compression, max_queue=64)
                except (OSError, WebSocketException, TimeoutError) as error:
                    self.errors[type(error).__name__] += 1
                    return
                self.sockets.append(ws)
                self.readers.append(asyncio.create_task(self._read(ws, user_id)))

        started = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(one(u, k) for u, k in people)), timeout)
        seconds = time.perf_counter() - started
        gc.collect()
        gc.freeze()  # the client's own full collections over thousands of sockets must not delay its timestamps
        opened = len(self.sockets) - opened_before
        return {"opened": opened, "asked": len(people), "seconds": round(seconds, 2),
                "per_second": round(opened / seconds, 1) if seconds else None}

    async def _read(self, ws, user_id: int) -> None:
        try:
            async for raw in ws:
                at = time.perf_counter()
                frame = json.loads(raw)
                if frame.get("kind") == "offer":
                    self.offers[frame["payload"]["gig"]["id"]].append((user_id, at))
                else:
                    self.other_frames += 1
        except ConnectionClosed as closed:
            if not self._closing:
                self.close_codes[closed.rcvd.code if closed.rcvd else None] += 1
        finally:
            if not self._closing:
                self.dropped += 1

    async def close(self, batch: int = 50, timeout: float = 120.0) -> None:
        """Close politely (the server then leaves the channel-layer groups), in small batches, within `timeout`:
        hundreds of disconnects at once exhaust the servers' Redis pools (see the report)."""
        self._closing = True
        deadline = time.monotonic() + timeout
        for i in range(0, len(self.sockets), batch):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            chunk = self.sockets[i:i + batch]
            try:
                await asyncio.wait_for(asyncio.gather(*(ws.close() for ws in chunk), return_exceptions=True),
                                       remaining)
            except TimeoutError:
                break
        for ws in self.sockets:  # whatever did not close in time is dropped
            ws.transport.abort()
        for task in self.readers:
            task.cancel()
        await asyncio.gather(*self.readers, return_exceptions=True)
        self.sockets, self.readers = [], []


class LoopProbe:
    """One more socket that sends {"type": "ping"} every `interval` s: the pong's round trip shows how long the
    server's event loop stalls (a stall delays every offer that process is relaying at that moment)."""

    def __init__(self, port: int, key: str, interval: float = 0.05):
        self.port, self.key, self.interval = port, key, interval
        self.rtts: list[float] = []
        self.stopping = False

    async def __aenter__(self) -> LoopProbe:
        self.ws = await connect(f"ws://{HOST}:{self.port}/ws/worker/", open_timeout=30, ping_interval=None,
                                additional_headers={"Authorization": f"Bearer {self.key}"}, compression=None)
        self.task = asyncio.create_task(self._run())
        return self

    async def _run(self) -> None:
        while not self.stopping:  # a flag as well as cancel(): 3.11's wait_for can swallow a cancellation
            started = time.perf_counter()
            await self.ws.send('{"type": "ping"}')
            async with asyncio.timeout(30):
                await self._pong()
            self.rtts.append(time.perf_counter() - started)
            await asyncio.sleep(self.interval)

    async def _pong(self) -> None:
        while json.loads(await self.ws.recv()).get("type") != "pong":
            pass  # an offer to the probe's worker: not ours to time

    def take(self) -> dict:
        """Round trips since the last take."""
        rtts, self.rtts = self.rtts, []
        return summary_ms(rtts)

    async def __aexit__(self, *exc) -> None:
        self.stopping = True
        self.task.cancel()
        await asyncio.wait([self.task], timeout=35)
        self.ws.transport.abort()


async def post_json(port: int, path: str, key: str, payload: dict, timeout: float = 30.0
                    ) -> tuple[int, dict, float, float]:
    """POST over a fresh connection; returns status, JSON body, and perf_counter at start and at the last byte of
    the response."""
    async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", timeout=timeout, verify=config.tls()) as client:
        started = time.perf_counter()
        reply = await client.post(path, json=payload, headers={"Authorization": f"Bearer {key}"})
        finished = time.perf_counter()
    return reply.status_code, reply.json() if reply.content else {}, started, finished


async def get_json(port: int, path: str, timeout: float = 10.0) -> tuple[int, dict]:
    async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", timeout=timeout, verify=config.tls()) as client:
        reply = await client.get(path)
    try:
        return reply.status_code, reply.json()
    except ValueError:
        return reply.status_code, {}


@dataclass
class GigRun:
    """One posted gig: when the POST started and ended, and when each targeted socket got its offer."""

    gig_id: int
    port: int
    started: float
    replied: float
    expected: set[int]
    arrivals: list[tuple[int, float]] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return len(self.expected - {u for u, _ in self.arrivals})

    @property
    def wrong(self) -> int:
        """Offers to anyone outside the targeted group, or a second offer to the same worker."""
        users = [u for u, _ in self.arrivals]
        return sum(1 for u in users if u not in self.expected) + len(users) - len(set(users))


def gig_payload(group, index: int, headcount: int = HEADCOUNT) -> dict:
    starts = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=1, minutes=index)
    return {"trade": group.trade, "title": f"基准急招 {index}", "headcount": headcount, "pay_amount": "300",
            "pay_unit": "day", "address": "铜川市（基准测试）", "latitude": group.lat, "longitude": group.lng,
            "starts_at": starts.isoformat(), "ends_at": (starts + dt.timedelta(hours=8)).isoformat()}


async def post_gigs(fleet: Fleet, ports: list[int], employer_key: str, groups: list, count: int, first: int,
                    wait: float = 10.0, pause: float = 0.15, headcount: int = HEADCOUNT) -> list[GigRun]:
    """Post `count` gigs one after another (group and port taking turns) and wait for each one's offers."""
    runs = []
    for n in range(count):
        index = first + n
        group, port = groups[index % len(groups)], ports[index % len(ports)]
        status, reply, started, replied = await post_json(port, "/api/gigs/", employer_key,
                                                       gig_payload(group, index, headcount))
        if status != 201:
            raise RuntimeError(f"POST /api/gigs/ answered {status}: {str(reply)[:300]}")
        run = GigRun(reply["id"], port, started, replied, set(group.user_ids))
        deadline = time.perf_counter() + wait
        while len(fleet.offers[run.gig_id]) < len(run.expected) and time.perf_counter() < deadline:
            await asyncio.sleep(0.005)
        await asyncio.sleep(pause)  # late or extra frames, and a gap between posts
        run.arrivals = list(fleet.offers.pop(run.gig_id, []))
        runs.append(run)
    return runs


def summarize_runs(runs: list[GigRun]) -> dict:
    from_reply = [at - r.replied for r in runs for _u, at in r.arrivals]
    from_start = [at - r.started for r in runs for _u, at in r.arrivals]
    return {"gigs": len(runs), "offers": len(from_start), "expected": sum(len(r.expected) for r in runs),
            "missing": sum(r.missing for r in runs), "wrong": sum(r.wrong for r in runs),
            "before_reply": sum(1 for v in from_reply if v < 0),
            "post_ms": summary_ms([r.replied - r.started for r in runs]),
            "last_offer_ms": summary_ms([max(at for _u, at in r.arrivals) - r.started for r in runs if r.arrivals]),
            "from_reply_ms": summary_ms(from_reply), "from_start_ms": summary_ms(from_start)}


# --- Floors: the same fan-out without Django ---------------------------------------------------

def _frame(index: int) -> dict:
    """About the size of a real offer frame."""
    return {"type": "event", "id": index, "kind": "offer", "created_at": "2025-03-01T08:00:00+08:00", "read": False,
            "payload": {"assignment": index, "wave": 1, "distance_km": 0.83,
                        "gig": {"id": index, "code": "G2503010001", "title": "基准急招", "trade": "小工/力工",
                                "pay_amount": "300.00", "pay_unit": "day", "address": "铜川市（基准测试）",
                                "starts_at": "2025-03-02T08:00:00+08:00", "ends_at": "2025-03-02T16:00:00+08:00",
                                "headcount": 10, "slots_left": 10, "status": "open"}}}


async def _collect_batch(arrivals: list, fanout: int, started: float, sent: dict, from_start: list,
                         per_message: list) -> None:
    """Wait up to 5 s for a batch's `fanout` arrivals, record their delays, then leave a gap before the next."""
    deadline = time.perf_counter() + 5
    while len(arrivals) < fanout and time.perf_counter() < deadline:
        await asyncio.sleep(0.002)
    from_start += [at - started for _t, at in arrivals]
    per_message += [at - sent[t] for t, at in arrivals]
    await asyncio.sleep(0.05)


async def pubsub_floor(redis_url: str, prefix: str, subscribers: int, fanout: int, batches: int) -> dict:
    """Bare Redis pub/sub: one publisher, one subscriber connection per channel; each batch publishes `fanout`
    messages one after another (as the app sends one group message per offer)."""
    import redis.asyncio as aioredis

    pool = aioredis.ConnectionPool.from_url(redis_url, max_connections=subscribers + 8)
    client = aioredis.Redis(connection_pool=pool)
    arrivals: list[tuple[int, float]] = []

    async def listen(pubsub) -> None:
        async for message in pubsub.listen():
            if message["type"] == "message":
                arrivals.append((int(message["data"].split(b" ", 1)[0]), time.perf_counter()))

    pubsubs, tasks = [], []
    try:
        for i in range(subscribers):
            pubsub = client.pubsub()
            await pubsub.subscribe(f"{prefix}.floor.{i}")
            pubsubs.append(pubsub)
            tasks.append(asyncio.create_task(listen(pubsub)))
        payload = json.dumps(_frame(1), ensure_ascii=False).encode()
        from_start, per_message = [], []
        for b in range(batches):
            arrivals.clear()
            sent: dict[int, float] = {}
            started = time.perf_counter()
            for k in range(fanout):
                target = (b * fanout + k) % subscribers
                sent[target] = time.perf_counter()
                await client.publish(f"{prefix}.floor.{target}", str(target).encode() + b" " + payload)
            await _collect_batch(arrivals, fanout, started, sent, from_start, per_message)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for pubsub in pubsubs:
            await pubsub.aclose()
        await client.aclose()
        await pool.aclose()
    return {"subscribers": subscribers, "messages": len(from_start), "expected": batches * fanout,
            "from_start_ms": summary_ms(from_start), "per_message_ms": summary_ms(per_message)}


async def channel_layer_floor(redis_url: str, prefix: str, targets: int, idle: int, fanout: int,
                              batches: int, concurrent: bool = False) -> dict:
    """channels_redis alone: a sender layer group_sends `fanout` offers one after another to per-user groups,
    or all at once with `concurrent` (as notifications.services._send_all now does); a receiver layer has
    `targets` + `idle` consumers waiting in receive(), as one server process has one per open socket."""
    from channels_redis.core import RedisChannelLayer

    sender = RedisChannelLayer(hosts=[redis_url], prefix=prefix)
    receiver = RedisChannelLayer(hosts=[redis_url], prefix=prefix)
    arrivals: list[tuple[int, float]] = []

    async def consume(channel: str, index: int) -> None:
        while True:
            await receiver.receive(channel)
            arrivals.append((index, time.perf_counter()))

    channels = [await receiver.new_channel() for _ in range(targets + idle)]
    for i, channel in enumerate(channels):
        await receiver.group_add(f"floor.{i}", channel)
    tasks = [asyncio.create_task(consume(channel, i)) for i, channel in enumerate(channels)]
    from_start, per_message = [], []
    try:
        await asyncio.sleep(0.5)
        for b in range(batches):
            arrivals.clear()
            sent: dict[int, float] = {}
            started = time.perf_counter()
            batch = [(b * fanout + k) % targets for k in range(fanout)]
            if concurrent:
                sent = dict.fromkeys(batch, started)
                await asyncio.gather(*(sender.group_send(f"floor.{t}", {"type": "deliver", "frame": _frame(t)})
                                       for t in batch))
            for target in [] if concurrent else batch:
                sent[target] = time.perf_counter()
                await sender.group_send(f"floor.{target}", {"type": "deliver", "frame": _frame(target)})
            await _collect_batch(arrivals, fanout, started, sent, from_start, per_message)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await receiver.flush()
        await sender.close_pools()
        await receiver.close_pools()
    return {"consumers": targets + idle, "messages": len(from_start), "expected": batches * fanout,
            "from_start_ms": summary_ms(from_start), "per_message_ms": summary_ms(per_message)}
