"""Reporting periods: a day, an ISO week (Monday to Sunday), a calendar month, a calendar quarter (Q1 = January
to March). Days are local days in Asia/Shanghai (settings.TIME_ZONE); a period is named by its first day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, pgettext_lazy


class Period(models.TextChoices):
    DAY = "day", pgettext_lazy("figures period", "Day")
    WEEK = "week", pgettext_lazy("figures period", "Week")
    MONTH = "month", pgettext_lazy("figures period", "Month")
    QUARTER = "quarter", pgettext_lazy("figures period", "Quarter")


KINDS = tuple(Period.values)
# The days figures are kept for and asked about: a fact dated outside (a fair typed for year 9999) counts nowhere,
# and a period at the calendar's end has no day after it to end on.
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


def is_kept(day: dt.date) -> bool:
    return EARLIEST <= day <= LATEST


def validate_day(day: dt.date) -> None:
    """A day asked about (the figures' range, the audit log's day, a fair's day in a form): one the market keeps.
    Also keeps the day's bounds, computed in the city's time zone a day either side, inside the calendar."""
    if not is_kept(day):
        raise ValidationError(gettext("Give a date between %(first)s and %(last)s.") % {
            "first": EARLIEST, "last": LATEST}, code="out_of_range")


def start_of(kind: str, day: dt.date) -> dt.date:
    if kind == Period.DAY:
        return day
    if kind == Period.WEEK:
        return day - dt.timedelta(days=day.weekday())
    if kind == Period.MONTH:
        return day.replace(day=1)
    if kind == Period.QUARTER:
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    raise ValueError(kind)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def next_start(kind: str, start: dt.date) -> dt.date:
    """The first day of the period after the one starting on `start` (its end, exclusive)."""
    if kind == Period.DAY:
        return start + dt.timedelta(days=1)
    if kind == Period.WEEK:
        return start + dt.timedelta(days=7)
    if kind == Period.MONTH:
        return _add_months(start, 1)
    if kind == Period.QUARTER:
        return _add_months(start, 3)
    raise ValueError(kind)


def starts_between(kind: str, first: dt.date, last: dt.date) -> Iterator[dt.date]:
    """The periods that overlap the days first..last, by their first day, oldest first."""
    start = start_of(kind, first)
    while start <= last:
        yield start
        start = next_start(kind, start)


def label(kind: str, start: dt.date) -> str:
    """How a period is written in a table, a chart and a CSV: 2026-03-02, 2026-W10, 2026-03, 2026-Q1."""
    if kind == Period.DAY:
        return start.isoformat()
    if kind == Period.WEEK:
        year, week, _day = start.isocalendar()
        return f"{year}-W{week:02d}"
    if kind == Period.MONTH:
        return f"{start:%Y-%m}"
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
