"""Transactions that survive contention: a lost deadlock or serialization race is run again, not a 500.

PostgreSQL breaks a deadlock by failing one of the transactions (40P01), and a serializable or repeatable-read
transaction that loses a race fails with 40001; SQLite answers "database is locked" when its busy timeout runs
out. Each means "nothing happened, try again": the whole transaction is rolled back, so running the function
again from the start is safe, and the on-commit hooks (the live pushes) of the failed attempt are discarded
with it, so they go out once, after the attempt that commits.

Only the outermost transaction is retried: inside an enclosing atomic block the failure has already doomed the
enclosing transaction, and only its owner can start it again.

Work queued with `at_transaction_end` runs last inside the outermost such transaction, just before it commits:
the notifications of a whole service call are stored there together, so the rows they lock (each recipient's
stream) are locked once, in one order, after every row the service itself locked.

`Written` puts a constant of the code into a statement's text, for PostgreSQL's plans of prepared statements;
`Columns` reads models' rows from a statement written out by hand, as the ORM would have read them.
"""

from __future__ import annotations

import functools
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from django.db import DEFAULT_DB_ALIAS, InternalError, OperationalError, connections, transaction
from django.db.models import CharField, Model, Value

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


class _TransactionEnd:
    """What one attempt of a service transaction queued for its end: items per flush function, in first-queued
    order. Made afresh for each attempt, so a failed attempt's queue is dropped with its rollback."""

    def __init__(self):
        self.queued: dict[Callable[[list], None], list] = {}

    def run(self) -> None:
        while self.queued:
            flush = next(iter(self.queued))
            flush(self.queued.pop(flush))


_service_transaction = threading.local()


def at_transaction_end(flush: Callable[[list], None], items: Iterable) -> bool:
    """Queue `items` for `flush`, called once with everything queued for it, at the end of the current
    `atomic_with_retry` transaction, before it commits. False when no such transaction is open: the caller
    then does the work at once."""
    end = getattr(_service_transaction, "end", None)
    if end is None:
        return False
    end.queued.setdefault(flush, []).extend(items)
    return True


def atomic_with_retry(func: Callable[P, R] | None = None, *, attempts: int = ATTEMPTS, using: str = DEFAULT_DB_ALIAS):
    """`transaction.atomic` that runs the function again (up to `attempts` times in all, with jittered
    exponential backoff) when its transaction loses a deadlock or serialization race. Nested inside another
    atomic block it is a plain `transaction.atomic`."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            if getattr(_service_transaction, "end", None) is not None:  # inside another service's transaction
                with transaction.atomic(using=using):
                    return func(*args, **kwargs)
            if transaction.get_connection(using).in_atomic_block:  # inside a plain atomic block: no retry
                with transaction.atomic(using=using):
                    return run_to_the_end(func, *args, **kwargs)
            attempt = 1
            while True:
                try:
                    with transaction.atomic(using=using):
                        return run_to_the_end(func, *args, **kwargs)
                except (OperationalError, InternalError) as error:
                    if attempt >= attempts or not is_conflict(error):
                        raise
                    log.info("%s lost a race (%s); attempt %d of %d", func.__qualname__, error, attempt + 1,
                             attempts)
                    time.sleep(random.uniform(0, BASE_DELAY * 2 ** (attempt - 1)))
                    attempt += 1

        return run

    return decorate(func) if func is not None else decorate


def run_to_the_end(func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run a service inside its (already open) transaction, then what it queued for the transaction's end."""
    _service_transaction.end = end = _TransactionEnd()
    try:
        result = func(*args, **kwargs)
        end.run()
        return result
    finally:
        _service_transaction.end = None


def locked(queryset, pk):
    """The row `pk` of `queryset`, locked FOR NO KEY UPDATE (new rows may still reference it). Rows joined by
    select_related are read, not locked, so the caller alone decides the order in which rows are locked."""
    return queryset.select_for_update(no_key=True, of=("self",)).get(pk=pk)


class Written(Value):
    """A constant of the code (a status, a mode) written into the statement's text instead of bound.

    Statements run prepared on PostgreSQL (server_side_binding, prepare_threshold), and after a few runs it may plan
    one for any values of its parameters (a generic plan): a bound status is then any status, a fifth of the table,
    and the planner walks a whole ordered index to find the few rows of a rare one. Written out, the status is
    planned with its statistics, and a partial index whose condition names it may be used at all.
    Only a plain word of the code, never anything a user sent: it is not escaped.
    """

    def __init__(self, value, output_field=None):
        value = str(value)
        if not value.replace("_", "").isalnum() or not value.isascii():
            raise ValueError(f"not a constant word: {value!r}")
        super().__init__(value, output_field=output_field or CharField())

    def as_sql(self, compiler, connection):
        return f"'{self.value}'", []


@dataclass(frozen=True)
class Columns:
    """Some models' fields as the SELECT list of a statement written out by hand, and how to read its rows back.

    For the few reads made on (nearly) every request, where Django building the statement from a queryset costs
    several times what the database takes to answer it (the feed's page, the API token of every call): the
    statement is written once, and each row's values are converted as the ORM converts them (SQLite returns times
    as text and amounts as floats; PostgreSQL's values need nothing).
    """

    sql: str  # "alias.column, ..." for each table in turn
    spans: tuple[tuple[int, int], ...]  # where each table's values start and end in a row
    tables: tuple[tuple[type[Model], tuple[str, ...]], ...]  # each table's model and its fields' attnames, in order
    converters: tuple  # (position in the row, column, Django's converter functions) for each value that needs any
    alias: str  # the database

    @classmethod
    def of(cls, tables: Sequence[tuple[str, type[Model], Sequence[str]]], *, offset: int = 0,
           using: str = DEFAULT_DB_ALIAS) -> Columns:
        """`tables`: (alias in the statement, model, field names or attnames) each; `offset`: the values the
        statement selects before these."""
        connection = connections[using]
        quote = connection.ops.quote_name
        sql, spans, read, converters = [], [], [], []
        for alias, model, names in tables:
            start = offset + len(sql)
            fields = [model._meta.get_field(name) for name in names]
            for field in fields:
                column = field.get_col(alias)
                sql.append(f"{alias}.{quote(field.column)}")
                functions = tuple(connection.ops.get_db_converters(column) + field.get_db_converters(connection))
                if functions:
                    converters.append((offset + len(sql) - 1, column, functions))
            spans.append((start, offset + len(sql)))
            read.append((model, tuple(field.attname for field in fields)))
        return cls(", ".join(sql), tuple(spans), tuple(read), tuple(converters), using)

    def read(self, row: Sequence) -> Sequence:
        """The row's values as the ORM would hold them."""
        if not self.converters:
            return row
        connection = connections[self.alias]
        row = list(row)
        for position, column, functions in self.converters:
            for function in functions:
                row[position] = function(row[position], column, connection)
        return row

    def instance(self, row: Sequence, table: int) -> Model:
        """The model instance of table number `table` (as `of` was given them), from a row already `read`."""
        start, end = self.spans[table]
        model, attnames = self.tables[table]
        return model.from_db(self.alias, attnames, row[start:end])
