"""Small reference tables kept in each process between requests.

The trade taxonomy and the wage tables' version change a few times a year and were read on every feed request:
two statements, each costing as much as the feed's own (mostly Django building the query). A `Kept` value is read
once and kept for a while. A change made in this process is seen at once: the models' signals forget the value,
in the writer's transaction and again when it commits (a read in between would keep what was there before); a
change made in another process is seen after at most `seconds`. KEEP_REFERENCE_TABLES off keeps nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from time import monotonic
from typing import Generic, TypeVar

from django.conf import settings
from django.db import connection, transaction

T = TypeVar("T")

_ALL: list[Kept] = []


class Kept(Generic[T]):
    """`read()`'s value, kept for `seconds` or until forgotten.

    What is read inside a transaction is returned but not kept: it may hold the transaction's own uncommitted
    writes, which other threads must not see and which a rollback takes back."""

    def __init__(self, read: Callable[[], T], *, seconds: float):
        self._read, self.seconds = read, seconds
        self._value: tuple[float, T] | None = None  # (when read, value): one attribute, swapped whole
        self._forgotten = 0  # how many times forgotten: a read that began before the last time is not kept
        self._lock = threading.Lock()
        _ALL.append(self)

    def get(self) -> T:
        if not settings.KEEP_REFERENCE_TABLES:
            return self._read()
        if (kept := self._fresh()) is not None:
            return kept[1]
        with self._lock:  # one thread reads; the others that missed meanwhile take its value
            if (kept := self._fresh()) is not None:
                return kept[1]
            return self._read_now()

    def _fresh(self) -> tuple[float, T] | None:
        kept = self._value
        return kept if kept is not None and monotonic() - kept[0] < self.seconds else None

    def read_again(self) -> T:
        """Read now, whatever is kept (a caller that knows the kept value misses something)."""
        with self._lock:
            return self._read_now()

    def _read_now(self) -> T:
        forgotten = self._forgotten
        value = self._read()
        if forgotten == self._forgotten and not _in_a_transaction():  # else a change committed while reading
            self._value = (monotonic(), value)
        return value

    def forget(self, **_signal) -> None:
        """Drop the value now and once the current transaction commits (a signal receiver too)."""
        self._drop()
        transaction.on_commit(self._drop)

    def _drop(self) -> None:
        self._forgotten += 1
        self._value = None


def _in_a_transaction() -> bool:
    """Inside a transaction that the code opened (the one a test case wraps each test in aside)."""
    return any(not block._from_testcase for block in connection.atomic_blocks)


def forget_all() -> None:
    """Every kept value in the process (tests: a rolled-back test must not leave its tables behind)."""
    for kept in _ALL:
        kept._drop()
