"""Transactions that survive contention: a lost deadlock or serialization race is run again, not a 500.

PostgreSQL breaks a deadlock by failing one of the transactions (40P01), and a serializable or repeatable-read
transaction that loses a race fails with 40001; SQLite answers "database is locked" when its busy timeout runs
out. Each means "nothing happened, try again": the whole transaction is rolled back, so running the function
again from the start is safe, and the on-commit hooks (the live pushes) of the failed attempt are discarded
with it, so they go out once, after the attempt that commits.

Only the outermost transaction is retried: inside an enclosing atomic block the failure has already doomed the
enclosing transaction, and only its owner can start it again.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import DEFAULT_DB_ALIAS, InternalError, OperationalError, transaction

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

ATTEMPTS = 5
BASE_DELAY = 0.02  # seconds; doubles with each attempt, with full jitter so racers do not meet again in step
RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected
SQLITE_BUSY_MESSAGES = ("database is locked", "database table is locked")


def is_conflict(error: BaseException) -> bool:
    """Did the transaction lose a lock or serialization race (rather than hit a real error)?"""
    if not isinstance(error, OperationalError | InternalError):
        return False
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    return any(message in str(error) for message in SQLITE_BUSY_MESSAGES)


def atomic_with_retry(func: Callable[P, R] | None = None, *, attempts: int = ATTEMPTS, using: str = DEFAULT_DB_ALIAS):
    """`transaction.atomic` that runs the function again (up to `attempts` times in all, with jittered
    exponential backoff) when its transaction loses a deadlock or serialization race. Nested inside another
    atomic block it is a plain `transaction.atomic`."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            if transaction.get_connection(using).in_atomic_block:
                with transaction.atomic(using=using):
                    return func(*args, **kwargs)
            attempt = 1
            while True:
                try:
                    with transaction.atomic(using=using):
                        return func(*args, **kwargs)
                except (OperationalError, InternalError) as error:
                    if attempt >= attempts or not is_conflict(error):
                        raise
                    log.info("%s lost a race (%s); attempt %d of %d", func.__qualname__, error, attempt + 1,
                             attempts)
                    time.sleep(random.uniform(0, BASE_DELAY * 2 ** (attempt - 1)))
                    attempt += 1

        return run

    return decorate(func) if func is not None else decorate


def locked(queryset, pk):
    """The row `pk` of `queryset`, locked FOR NO KEY UPDATE (new rows may still reference it). Rows joined by
    select_related are read, not locked, so the caller alone decides the order in which rows are locked."""
    return queryset.select_for_update(no_key=True, of=("self",)).get(pk=pk)
