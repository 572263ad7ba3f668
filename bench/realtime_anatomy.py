"""Where the time of one post goes: jobs.services.create_gig run in the benchmark process with timers around the
SQL, the candidate query and the push. Only this process's module attributes are wrapped; no app file changes."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal


def timed_posts(groups: list, count: int, first: int, pause: float = 0.4) -> list[dict]:
    """Post `count` gigs through create_gig (as the API view does) and time their parts.

    Runs in a worker thread: the event loop meanwhile timestamps the offers arriving on the sockets."""
    from django.db import connection

    from jobs import matching
    from jobs.models import Category, Employer
    from jobs.services import create_gig
    from notifications import services as notify

    employer = Employer.objects.select_related("owner").get(owner__phone="18900000001")
    trades = {c.code: c for c in Category.objects.filter(code__in={g.trade for g in groups})}
    real_push, real_candidates = notify.push, matching.candidates_for
    timings: dict = {}

    def count_sql(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings["sql_s"] += time.perf_counter() - started
            timings["queries"] += 1

    def push(targets):
        timings["push_started"] = time.perf_counter()
        real_push(targets)
        timings["push_s"] = time.perf_counter() - timings["push_started"]
        timings["pushed"] = len(targets)

    def candidates_for(*args, **kwargs):
        started = time.perf_counter()
        found = real_candidates(*args, **kwargs)
        timings["candidates_s"] = time.perf_counter() - started
        return found

    results = []
    notify.push, matching.candidates_for = push, candidates_for
    try:
        for n in range(count):
            index = first + n
            group = groups[index % len(groups)]
            starts = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=1, minutes=index)
            timings.clear()
            timings.update(sql_s=0.0, queries=0, push_s=0.0, pushed=0, candidates_s=0.0)
            with connection.execute_wrapper(count_sql):
                started = time.perf_counter()
                gig = create_gig(actor=employer.owner, category=trades[group.trade], title=f"基准急招 {index}",
                                 headcount=10, pay_amount=Decimal("300"), pay_unit="day", address="铜川市（基准测试）",
                                 latitude=group.lat, longitude=group.lng, starts_at=starts,
                                 ends_at=starts + dt.timedelta(hours=8))
                total = time.perf_counter() - started
            results.append({"gig_id": gig.pk, "started": started, "expected": set(group.user_ids),
                            "total_s": total, "sql_s": timings["sql_s"], "queries": timings["queries"],
                            "candidates_s": timings["candidates_s"], "push_s": timings["push_s"],
                            "pushed": timings["pushed"],
                            "before_push_s": timings.get("push_started", started) - started})
            time.sleep(pause)
    finally:
        notify.push, matching.candidates_for = real_push, real_candidates
        connection.close()
    return results
