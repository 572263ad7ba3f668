"""Store an event, then push it after the transaction commits. If the push fails, the inbox still has it."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction
from django.utils import timezone

from zero_gig.db import at_transaction_end

from .groups import board_group, user_group
from .models import Notification, Stream

log = logging.getLogger(__name__)


def notify_each(kind: str, messages: list[tuple[int, dict]]) -> list[Notification]:
    """One stored notification per (user id, payload), each pushed to that user's own group."""
    return _store([(user_group(user_id), Notification(user_id=user_id, kind=kind, payload=payload))
                   for user_id, payload in messages])


def notify_user(user_id: int, kind: str, payload: dict) -> Notification:
    return notify_each(kind, [(user_id, payload)])[0]


def notify_board(center_id: int, kind: str, payload: dict) -> Notification:
    return _store([(board_group(center_id), Notification(center_id=center_id, kind=kind, payload=payload))])[0]


def _store(targets: list[tuple[str, Notification]]) -> list[Notification]:
    """Inside a service's transaction (`atomic_with_retry`) the notifications are stored together at its end,
    so that every recipient's stream is locked once, in one order, after the rows the service locked: two
    services notifying the same people in different orders cannot deadlock. Elsewhere they are stored now.
    Either way they are stored in the caller's transaction and pushed after it commits."""
    if targets and not at_transaction_end(_write, targets):
        _write(targets)
    return [row for _key, row in targets]


def _write(targets: list[tuple[str, Notification]]) -> None:
    """The one place a seq is given: under the lock of each recipient's Stream row, held until the caller's
    transaction commits, so a later seq can only commit after an earlier one. Streams are locked in key order.

    Two statements whatever the number of recipients (a hire stores its news while it holds the gig's lock, and
    a wave writes hundreds of offers): one moves every recipient's stream on and returns where each now stands,
    one inserts the rows."""
    wanted = Counter(key for key, _row in targets)
    with transaction.atomic(savepoint=False):
        last = _advance_streams(sorted(wanted.items()))
        given = {key: last[key] - count for key, count in wanted.items()}
        for key, row in targets:
            given[key] += 1
            row.seq = given[key]
        Notification.objects.bulk_create([row for _key, row in targets])
    transaction.on_commit(lambda: push(targets))


STREAMS_PER_STATEMENT = 500


def _advance_streams(counts: list[tuple[str, int]]) -> dict[str, int]:
    """Add `count` to the last seq of each stream (created at 0 if new), locking its row, in the order given;
    returns each stream's new last seq. An upsert with RETURNING, which both PostgreSQL and SQLite (3.35+) run:
    the ORM's bulk upsert can only overwrite a column, not add to it."""
    quote = connection.ops.quote_name
    table, key, seq = quote(Stream._meta.db_table), quote("key"), quote("last_seq")
    last = {}
    with connection.cursor() as cursor:
        for start in range(0, len(counts), STREAMS_PER_STATEMENT):
            chunk = counts[start:start + STREAMS_PER_STATEMENT]
            rows = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(f"INSERT INTO {table} ({key}, {seq}) VALUES {rows} ON CONFLICT ({key}) DO UPDATE"
                           f" SET {seq} = {table}.{seq} + excluded.{seq} RETURNING {key}, {seq}",
                           [value for pair in chunk for value in pair])
            last.update(cursor.fetchall())
    return last


def push(targets: list[tuple[str, Notification]]) -> None:
    """Best effort: a failed push is logged, never raised; the client replays from the inbox."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(_send_all)(layer, targets)
    except Exception:
        log.warning("push of %d notifications failed; clients will replay from the inbox", len(targets),
                    exc_info=True)


# Group sends in flight at once: each is a round trip to Redis, so a wave of 300 offers sent one after
# another kept the employer's request waiting ~0.6 s.
PUSH_CONCURRENCY = 32


async def _send_all(layer, targets) -> None:
    """Concurrently across groups, in seq order within a group (a socket fills a hole from the database, so
    order only saves it a query)."""
    by_group: dict[str, list[Notification]] = {}
    for group, row in targets:
        by_group.setdefault(group, []).append(row)
    slots = asyncio.Semaphore(PUSH_CONCURRENCY)

    async def send(group: str, rows: list[Notification]) -> None:
        async with slots:
            for row in rows:
                await layer.group_send(group, {"type": "deliver", "frame": row.as_frame()})

    outcomes = await asyncio.gather(*(send(group, rows) for group, rows in by_group.items()),
                                    return_exceptions=True)
    failed = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    if failed:
        raise failed[0]


def mark_read(user, ids=None, up_to: int | None = None) -> int:
    """Mark the user's notifications read: the given ids, or everything up to a seq."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(id__in=ids)
    if up_to is not None:
        rows = rows.filter(seq__lte=up_to)
    return rows.update(read_at=timezone.now())
