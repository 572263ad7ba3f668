"""A reference table kept in the process: read once, kept for its seconds, read again at once after a change here."""

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.db import transaction

from jobs.selectors import trade_ids_by_code
from tests.factories import TradeFactory, TradeGroupFactory
from wages.models import WageGuide
from wages.selectors import FairPayBook
from zero_gig import kept
from zero_gig.kept import Kept


class Table:
    """Stands for a table: what it holds now, and how often it was read."""

    def __init__(self):
        self.value, self.reads = "v1", 0

    def read(self):
        self.reads += 1
        return self.value


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(kept, "monotonic", lambda: now[0])
    return now


def test_a_value_is_read_once_and_kept_for_its_seconds(clock):
    table = Table()
    value = Kept(table.read, seconds=5)
    assert [value.get() for _ in range(3)] == ["v1"] * 3
    assert table.reads == 1
    table.value = "v2"  # changed by another process: nothing here knows
    clock[0] += 4.9
    assert value.get() == "v1"
    clock[0] += 0.1
    assert value.get() == "v2"
    assert table.reads == 2


def test_read_again_reads_whatever_is_kept(clock):
    table = Table()
    value = Kept(table.read, seconds=60)
    value.get()
    table.value = "v2"
    assert value.read_again() == "v2"
    assert value.get() == "v2"
    assert table.reads == 2


@pytest.mark.django_db(transaction=True)
def test_a_change_in_this_process_is_seen_at_once_and_again_once_it_commits(clock):
    table = Table()
    value = Kept(table.read, seconds=60)
    assert value.get() == "v1"
    with transaction.atomic():
        table.value = "v2"  # written in this transaction ...
        value.forget()
        assert value.get() == "v2"  # ... and seen by the writer at once
        table.value = "v3"  # a later write in the same transaction, then a read by someone else before the commit
    assert value.get() == "v3"  # the commit forgot what was read in between
    assert table.reads == 3


def test_threads_that_miss_together_read_once():
    reads = []

    def slow_read():
        reads.append(1)
        time.sleep(0.2)
        return len(reads)

    value = Kept(slow_read, seconds=60)
    results = []
    threads = [threading.Thread(target=lambda: results.append(value.get())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [1] * 8
    assert len(reads) == 1


def test_nothing_is_kept_when_keeping_is_off(settings):
    settings.KEEP_REFERENCE_TABLES = False
    table = Table()
    value = Kept(table.read, seconds=60)
    table.value = "v2"
    assert [value.get(), value.get()] == ["v2", "v2"]
    assert table.reads == 2


@pytest.mark.django_db
def test_a_change_committed_while_a_read_is_under_way_is_not_kept(clock):
    """A read that began before another thread's change was forgotten may have read the table as it was: it is
    returned to its caller, not kept for everyone."""
    table = Table()
    value = Kept(table.read, seconds=60)

    def read_while_another_thread_writes():
        before = table.read()
        table.value = "v2"
        value.forget()  # the writer's signal, in the middle of this read
        return before

    value._read = read_while_another_thread_writes
    assert value.get() == "v1"
    value._read = table.read
    assert value.get() == "v2"  # read again: the old value was not kept
    assert table.reads == 2


@pytest.mark.django_db(transaction=True)
def test_what_a_transaction_reads_is_not_kept_past_its_rollback():
    """A trade saved and read in a transaction that then rolls back: no other request, then or later, gets it."""
    group = TradeGroupFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        TradeFactory(parent=group, code="ghost", name="幽灵工种")
        assert "ghost" in trade_ids_by_code(["ghost"])  # the writer sees its own trade ...
        raise RuntimeError
    assert trade_ids_by_code(["ghost"]) == {}  # ... and nobody does once it is rolled back


@pytest.mark.django_db(transaction=True)
def test_a_wage_line_rolled_back_labels_no_gig(trade):
    FairPayBook.load()
    with pytest.raises(RuntimeError), transaction.atomic():
        WageGuide.objects.create(trade=trade, pay_unit="day", low=Decimal("100"), median=Decimal("110"),
                                 high=Decimal("120"), effective_from=dt.date(2024, 1, 1), source="x")
        assert FairPayBook.load().guides
        raise RuntimeError
    assert not FairPayBook.load().guides
