"""The scheduler survives the database going away: a failed tick is logged and tried again after a back-off
(1 s, 2 s, 4 s, … up to a minute), and the first tick that works carries on as usual. Today one OperationalError
ended `run_scheduler`, and offer waves, expiry and no-shows silently stopped."""

import datetime as dt

import pytest
from django.db import OperationalError, connection

from jobs import scheduler
from jobs.models import ScheduledDuty
from jobs.scheduler import Duty, backoff, run_due_duties, run_forever

pytestmark = pytest.mark.django_db


def server_gone(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


def test_the_loop_retries_with_growing_waits_while_the_database_is_down_and_carries_on_when_it_is_back(
        caplog, monkeypatch):
    monkeypatch.setattr(scheduler.connections, "close_all", lambda: None)  # the test's connection stays open
    calls = []
    duty = Duty("count", dt.timedelta(seconds=0), lambda at: calls.append(at) or 1)
    outage = connection.execute_wrapper(server_gone)
    outage.__enter__()
    waits, reports = [], []

    def wait(seconds):
        waits.append(seconds)
        if len(waits) == 4:  # PostgreSQL is back after the fourth wait
            outage.__exit__(None, None, None)
        return len(waits) < 6

    run_forever(tick=15, wait=wait, report=reports.append, run=lambda: run_due_duties(duties=[duty]))

    assert waits == [1, 2, 4, 8, 15, 15]  # back-off while down, the usual tick once back
    assert len(calls) == 2 and reports == [{"count": 1}, {"count": 1}]
    assert ScheduledDuty.objects.filter(name="count").exists()
    assert "scheduler tick failed (4 in a row)" in caplog.text
    assert "recovered after 4 failed ticks" in caplog.text


def test_any_failure_of_a_tick_is_survived_and_the_connections_are_closed_for_fresh_ones(monkeypatch):
    closed = []
    monkeypatch.setattr(scheduler.connections, "close_all", lambda: closed.append(True))
    ticks = iter([RuntimeError("boom"), {"x": 1}])

    def run():
        outcome = next(ticks)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    reports, waits = [], []
    run_forever(tick=5, wait=lambda s: waits.append(s) or len(waits) < 2, report=reports.append, run=run)
    assert closed == [True] and reports == [{"x": 1}] and waits == [1, 5]


def test_the_back_off_doubles_up_to_a_minute():
    assert [backoff(n) for n in (1, 2, 3, 6, 7, 20)] == [1, 2, 4, 32, 60, 60]


def test_run_scheduler_once_does_not_die_when_the_database_is_down(monkeypatch):
    from django.core.management import call_command

    monkeypatch.setattr(scheduler.connections, "close_all", lambda: None)
    with connection.execute_wrapper(server_gone):
        call_command("run_scheduler", "--once")  # logged, not raised
