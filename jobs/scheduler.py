"""Background duties of the market, run by one scheduler process (`manage.py run_scheduler`).

Each duty is an idempotent function of the database and the time, and when it last ran is
stored in ScheduledDuty, so a restarted scheduler simply carries on; two schedulers by
mistake would only repeat harmless work.

`run_forever` is the loop of `manage.py run_scheduler`: a tick that fails as a whole (the database is down,
PostgreSQL restarting) is logged and tried again after a back-off that doubles up to MAX_BACKOFF_SECONDS, with
the broken connections closed so the next try opens fresh ones; the first tick that works resets it. If the
process dies anyway, zero_gig.serve starts it again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections, transaction
from django.utils import timezone

from accounts import services as account_services
from complaints import services as complaint_services
from idempotency import services as idempotency_services
from wages import services as wage_services
from workers import services as worker_services

from . import matching, services
from .models import ScheduledDuty

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Duty:
    name: str
    every: dt.timedelta
    run: Callable[[dt.datetime], int]


def refresh_figures(now: dt.datetime) -> int:
    from figures import services as figure_services  # the figures read jobs; jobs does not need them otherwise

    return figure_services.refresh(now)


def refresh_recent_figures(now: dt.datetime) -> int:
    from figures import services as figure_services

    return figure_services.refresh_recent(now)


DUTIES = (
    Duty("expire_past_gigs", dt.timedelta(minutes=1), services.expire_past_gigs),
    Duty("mark_no_shows", dt.timedelta(minutes=1), services.mark_no_shows),
    Duty("clear_strikes", dt.timedelta(hours=1), services.clear_strikes),
    Duty("send_reminders", dt.timedelta(minutes=1), services.send_reminders),
    Duty("advance_matching", dt.timedelta(seconds=10), matching.advance_matching),
    Duty("prune_sign_in_records", dt.timedelta(hours=6), account_services.prune_sign_in_records),
    Duty("prune_live_locations", dt.timedelta(minutes=10), worker_services.prune_live_locations),
    Duty("refresh_market_rates", dt.timedelta(hours=1), wage_services.refresh_market_rates),
    Duty("refresh_figures", dt.timedelta(minutes=5), refresh_figures),
    Duty("refresh_recent_figures", dt.timedelta(hours=6), refresh_recent_figures),
    Duty("escalate_overdue_complaints", dt.timedelta(minutes=1), complaint_services.escalate_overdue),
    Duty("remind_unconfirmed_pay", dt.timedelta(minutes=10), complaint_services.remind_unconfirmed_pay),
    Duty("prune_idempotency_keys", dt.timedelta(hours=1), idempotency_services.prune_expired),
)


def run_due_duties(now: dt.datetime | None = None, duties=DUTIES) -> dict[str, int]:
    """Run every duty whose interval has passed since its last run; returns what each did.

    A duty is claimed in a short transaction of its own and then run outside it: its items take their own
    locks and retries (services.mark_no_shows, matching.send_next_wave), which one long transaction around the
    whole duty would defeat, and a second scheduler by mistake finds the duty already claimed.
    """
    now = now or timezone.now()
    done = {}
    for duty in duties:
        claimed, previous = _claim(duty, now)
        if not claimed:
            continue
        try:
            count = duty.run(now)
        except Exception:  # a failing duty must not stop the others; it is retried next tick
            log.exception("duty %s failed", duty.name)
            ScheduledDuty.objects.filter(name=duty.name, last_run_at=now).update(last_run_at=previous)
            continue
        ScheduledDuty.objects.filter(name=duty.name).update(last_result=f"{count} changed")
        done[duty.name] = count
    return done


@transaction.atomic
def _claim(duty: Duty, now: dt.datetime) -> tuple[bool, dt.datetime | None]:
    """Mark the duty as run now if it is due; returns whether it was, and when it last ran before."""
    state, _created = ScheduledDuty.objects.select_for_update().get_or_create(name=duty.name)
    previous = state.last_run_at
    if previous and now - previous < duty.every:
        return False, previous
    state.last_run_at = now
    state.save(update_fields=["last_run_at"])
    return True, previous


FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 60.0


def backoff(failures: int) -> float:
    """Seconds to wait after `failures` failed ticks in a row: 1, 2, 4, … up to a minute."""
    return min(MAX_BACKOFF_SECONDS, FIRST_BACKOFF_SECONDS * 2 ** (failures - 1))


def run_forever(*, tick: float, wait: Callable[[float], bool], report: Callable[[dict[str, int]], None],
                once: bool = False, run=run_due_duties) -> None:
    """Run what is due every `tick` seconds until `wait(seconds)` answers False (asked to stop).

    A tick that raises does not end the loop: it is logged, the database connections are closed (a connection
    PostgreSQL dropped cannot be used again) and the next tick comes after the back-off."""
    failures = 0
    while True:
        try:
            done = run()
        except Exception:  # the database is out, or anything else: log it, wait, try again
            failures += 1
            delay = backoff(failures)
            log.exception("scheduler tick failed (%d in a row); next try in %.0f s", failures, delay)
            connections.close_all()
        else:
            if failures:
                log.warning("scheduler recovered after %d failed ticks", failures)
            failures, delay = 0, tick
            if done:
                report(done)
        if once or not wait(delay):
            return
