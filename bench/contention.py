"""Contention: 200 workers accept one 5-slot instant gig at the same instant, over HTTP.

Exactly 5 must get 200 and the other 195 a 409 (no slots left), whatever the interleaving:
jobs.services.accept_gig takes a slot with one conditional UPDATE. The workers are qualified
(they have the gig's trade) and authenticate with the app's own API tokens.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from dataclasses import dataclass
from decimal import Decimal

import httpx
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import issue_api_token
from jobs import services
from jobs.models import Assignment, AssignmentStatus, Category, Employer, Gig, HiringMode
from workers.models import WorkerProfile, WorkerTrade
from workers.services import register_worker

from . import config
from .stats import summary_ms

TRADE = "labourer"
SITE = config.HOTSPOTS[0]


@transaction.atomic
def prepare(n_workers: int, headcount: int) -> tuple[Gig, list[str]]:
    """A fresh 5-slot instant gig and `n_workers` qualified workers with one new token each."""
    Gig.objects.filter(code__startswith=config.CONTENTION_GIG_PREFIX).delete()  # and their assignments
    trade = Category.objects.get(code=TRADE)
    employer = Employer.objects.filter(verification_status="verified").order_by("pk").first()
    starts_at = timezone.now() + dt.timedelta(days=2)
    gig = services.create_gig(
        actor=employer.owner, publish=True,
        category=trade, title="基准测试：抢单", headcount=headcount, pay_amount=Decimal("200.00"), pay_unit="day",
        hiring_mode=HiringMode.INSTANT, address="基准测试地址", latitude=SITE.lat, longitude=SITE.lng,
        starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=8),
    )
    gig.code = f"{config.CONTENTION_GIG_PREFIX}{int(time.time())}"  # found and removed by the next run
    gig.save(update_fields=["code"])
    workers = []
    for i in range(1, n_workers + 1):
        phone = config.CONTENTION_PHONE.format(i)
        worker = WorkerProfile.objects.filter(user__phone=phone).select_related("user").first()
        if worker is None:
            worker = register_worker(phone=phone, display_name=f"抢单工人{i}", latitude=SITE.lat,
                                     longitude=SITE.lng, trades={trade: 1})
        else:
            WorkerTrade.objects.get_or_create(worker=worker, category=trade)
            WorkerProfile.objects.filter(pk=worker.pk).update(suspended_until=None)
        workers.append(worker)
    users = [w.user for w in workers]
    ApiToken.objects.filter(user__in=users).delete()
    keys = [issue_api_token(user, name="bench")[1] for user in users]
    return gig, keys


@dataclass
class Reply:
    status: int
    body: bytes
    seconds: float


def _local_port(response: httpx.Response) -> int:
    return response.extensions["network_stream"].get_extra_info("client_addr")[1]


async def fire_at_once(base_url: str, path: str, headers: list[dict], timeout: float = 120.0
                       ) -> tuple[list[Reply], float]:
    """One POST per headers dict, each on a connection of its own opened beforehand, all sent in the same instant;
    each timed from its send to its full reply. Also the seconds from the connections being open to the last reply.

    A client each: one shared pool would hand one idle connection to several of the requests released together
    (they are assigned before any of them starts) and open new connections for the ones it then turns away."""
    clients = [httpx.AsyncClient(base_url=base_url, timeout=timeout, verify=config.tls()) for _ in headers]
    go = asyncio.Event()

    async def one(client: httpx.AsyncClient, opened: int, request_headers: dict) -> Reply:
        await go.wait()
        started = time.perf_counter()
        response = await client.post(path, headers=request_headers)
        elapsed = time.perf_counter() - started
        if _local_port(response) != opened:
            raise RuntimeError("an accept went out on a new connection, not the one opened before the gate")
        return Reply(response.status_code, response.content, elapsed)

    try:
        # Each client's connection, opened by one GET and kept alive in its pool.
        warm = await asyncio.gather(*(client.get("/bench/plain") for client in clients))
        ports = [_local_port(response) for response in warm]
        started = time.perf_counter()
        tasks = [asyncio.create_task(one(*each)) for each in zip(clients, ports, headers, strict=True)]
        await asyncio.sleep(0.2)  # let every task reach the gate
        go.set()
        replies = list(await asyncio.wait_for(asyncio.gather(*tasks), timeout))
        return replies, time.perf_counter() - started
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))


def run(host: str, port: int, options: config.RunOptions) -> dict:
    gig, keys = prepare(options.contention_requests, options.contention_headcount)
    headers = [{"Authorization": f"Bearer {key}", "Accept": "application/json"} for key in keys]
    replies, wall = asyncio.run(fire_at_once(f"http://{host}:{port}", f"/api/gigs/{gig.pk}/accept/", headers))
    statuses: dict[str, int] = {}
    codes: dict[str, int] = {}
    others = []
    for reply in replies:
        statuses[str(reply.status)] = statuses.get(str(reply.status), 0) + 1
        if reply.status == 409:
            code = json.loads(reply.body).get("code", "?")
            codes[code] = codes.get(code, 0) + 1
        elif reply.status != 200 and len(others) < 3:
            others.append(reply.body[:300].decode("utf-8", "replace"))
    gig.refresh_from_db()
    accepted_rows = Assignment.objects.filter(gig=gig, status=AssignmentStatus.ACCEPTED).count()
    # The promise: never more (nor, with enough takers, fewer) workers than slots, however they interleave;
    # and every refusal a clean 409, not a server error.
    exactly = statuses.get("200", 0) == gig.accepted_count == accepted_rows == options.contention_headcount
    clean = statuses.get("409", 0) == options.contention_requests - options.contention_headcount
    return {
        "requests": len(replies), "headcount": options.contention_headcount, "statuses": statuses,
        "conflict_codes": codes, "other_bodies": others, "gig_accepted_count": gig.accepted_count,
        "gig_status": gig.status, "accepted_assignments": accepted_rows, "exactly_headcount": exactly,
        "others_409": clean,
        "latency_ms": summary_ms([r.seconds for r in replies]),
        "latency_accepted_ms": summary_ms([r.seconds for r in replies if r.status == 200]),
        "wall_s": round(wall, 3),
    }
