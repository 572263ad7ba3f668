"""Deadlines counted in a center's working time: its opening hours on the days it is open.

Which days a center is open comes from centers.selectors.open_on, which reads China's public holidays and the
weekend days worked in their place (调休) from chinese_calendar; a center that gave no opening times counts
DEFAULT_WORKING_HOURS on national working days. A moment outside working time starts counting at the next
opening, so a complaint filed on a Friday evening has its first working hour on Monday morning.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from centers.models import OpenDays, ServiceCenter
from centers.selectors import open_on

from .rules import rule

SEARCH_DAYS = 400  # far beyond any deadline: a center closed longer than this has no working time to count


def working_hours(center: ServiceCenter) -> tuple[dt.time, dt.time, str]:
    """The center's daily working window and which days it applies to."""
    if center.opens_at is not None and center.closes_at is not None:
        return center.opens_at, center.closes_at, center.open_days
    opens, closes = (dt.time.fromisoformat(value) for value in rule("DEFAULT_WORKING_HOURS"))
    return opens, closes, OpenDays.WORKING_DAYS


def _open(center: ServiceCenter, days: str, day: dt.date) -> bool:
    if days == center.open_days:
        return open_on(center, day)
    return open_on(ServiceCenter(open_days=days), day)


def add_working_time(center: ServiceCenter, start: dt.datetime, amount: dt.timedelta) -> dt.datetime:
    """The moment `amount` of the center's working time after `start`."""
    opens, closes, days = working_hours(center)
    local = timezone.localtime(start)
    left = amount
    day = local.date()
    for _ in range(SEARCH_DAYS):
        if _open(center, days, day):
            window_start = dt.datetime.combine(day, opens, tzinfo=local.tzinfo)
            window_end = dt.datetime.combine(day, closes, tzinfo=local.tzinfo)
            begin = max(window_start, local)
            if begin < window_end:
                if begin + left <= window_end:
                    return begin + left
                left -= window_end - begin
        day += dt.timedelta(days=1)
    raise ValueError(f"{center} has no working time in the next {SEARCH_DAYS} days")


def working_day_length(center: ServiceCenter) -> dt.timedelta:
    opens, closes, _days = working_hours(center)
    return dt.datetime.combine(dt.date.min, closes) - dt.datetime.combine(dt.date.min, opens)


def deadlines(center: ServiceCenter, filed_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """(acknowledge by, resolve by) for a complaint filed at `filed_at` at `center`. A working day is one of
    the center's working windows, so "3 working days" from 10:00 on a Monday is 10:00 on Thursday."""
    acknowledge = add_working_time(center, filed_at, dt.timedelta(hours=rule("ACKNOWLEDGE_WORKING_HOURS")))
    resolve = add_working_time(center, filed_at, working_day_length(center) * rule("RESOLVE_WORKING_DAYS"))
    return acknowledge, resolve
