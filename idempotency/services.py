"""Claiming, finishing and forgetting idempotency keys (the HTTP side is api.idempotency).

A key lives 24 hours (KEY_LIFETIME) from its first use, then `prune_expired` (a scheduler duty) deletes it; an
expired key not yet pruned counts as unused. A claim whose request never finished (its process died) is taken
over by a retry after ABANDONED_AFTER, far longer than any request may run.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from .models import IdempotencyKey

KEY_LIFETIME = dt.timedelta(hours=24)
ABANDONED_AFTER = dt.timedelta(minutes=10)


class Outcome(enum.Enum):
    RUN = "run"  # this request holds the key: run it, then `finish` or `release`
    REPLAY = "replay"  # the key's request has finished: answer with what it answered
    IN_PROGRESS = "in_progress"  # the key's request still runs
    MISMATCH = "mismatch"  # the key was used for a different request


@dataclass(frozen=True)
class Claim:
    outcome: Outcome
    record: IdempotencyKey


def claim(user, key: str, *, method: str, path: str, fingerprint: str, now: dt.datetime) -> Claim:
    """Claim `key` for this request of `user`, or say why not. The INSERT runs in a transaction of its own,
    committed before the request's work starts (outside any request transaction): the unique constraint decides
    which of two concurrent retries runs."""
    record = None
    for _attempt in range(3):  # an expired or abandoned row in the way is cleared once, then claimed
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(user=user, key=key, method=method, path=path,
                                                       fingerprint=fingerprint, created_at=now, locked_at=now)
            return Claim(Outcome.RUN, record)
        except IntegrityError:
            pass
        record = IdempotencyKey.objects.filter(user=user, key=key).first()
        if record is None:  # deleted (pruned, released) between the INSERT and the read: try again
            continue
        if record.created_at <= now - KEY_LIFETIME:
            IdempotencyKey.objects.filter(pk=record.pk, created_at=record.created_at).delete()
            continue
        if record.fingerprint != fingerprint:
            return Claim(Outcome.MISMATCH, record)
        if record.done:
            return Claim(Outcome.REPLAY, record)
        taken_over = IdempotencyKey.objects.filter(pk=record.pk, status_code__isnull=True,
                                                   locked_at__lte=now - ABANDONED_AFTER).update(locked_at=now)
        if taken_over:
            record.locked_at = now
            return Claim(Outcome.RUN, record)
        return Claim(Outcome.IN_PROGRESS, record)
    return Claim(Outcome.IN_PROGRESS, record)


def finish(record: IdempotencyKey, *, status_code: int, body) -> None:
    """Keep the answer of the request that held the key, for its retries."""
    IdempotencyKey.objects.filter(pk=record.pk).update(status_code=status_code, body=body, locked_at=None)


def release(record: IdempotencyKey) -> None:
    """Give the key back: the request failed without doing anything, so a retry may run it again."""
    IdempotencyKey.objects.filter(pk=record.pk, status_code__isnull=True).delete()


def prune_expired(now: dt.datetime) -> int:
    """Delete the keys older than KEY_LIFETIME (a scheduler duty)."""
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lte=now - KEY_LIFETIME).delete()
    return deleted
