"""Reading the figures: who may see which, and the rows of a report (from the pre-aggregates only).

Scope: a center's staff see the figures of their own centers; a city administrator those of every center.
Both see the city-wide totals, read-only: they are counts with nothing personal in them, the hall screens show
a center's counts of the day to anyone, and a center reports its figures next to the city's (issue 11: staff
"see the rest read-only where the work needs it"). Staff never see another center's own figures (403).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from centers.models import ServiceCenter
from centers.selectors import console_center, consoled_centers

from .models import DirtyDay, Figure
from .periods import Period, label, next_start, start_of, starts_between, validate_day

CITY = "city"
MAX_PAGE_PERIODS = 400  # a page (or an API answer) shows at most this many periods; the CSV any number
MAX_YEARS = 20


def may_see_figures(viewer) -> bool:
    return bool(viewer and viewer.is_authenticated and viewer.is_active
                and viewer.role in (Role.CENTER_STAFF, Role.CITY_ADMIN))


def figure_centers(viewer) -> list[ServiceCenter]:
    """The centers whose own figures the viewer may read (the city totals come with any of them)."""
    return list(consoled_centers(viewer))


def scope_center(viewer, scope) -> ServiceCenter | None:
    """The center asked for (None for the city), or PermissionDenied outside the viewer's scope."""
    if not may_see_figures(viewer):
        raise PermissionDenied(_("Only service-center staff and city administrators can read the figures."))
    if scope in (None, "", CITY):
        return None
    return console_center(viewer, scope)


@dataclass(frozen=True)
class Row:
    """A period's figures as reported."""

    kind: str
    start: dt.date
    seekers: int = 0
    openings: int = 0
    slots_taken: int = 0
    placements: int = 0
    gigs_filled: int = 0
    median_fill_seconds: int | None = None
    walk_ins: int = 0
    completions: int = 0
    fair_hires: int = 0

    @property
    def label(self) -> str:
        return label(self.kind, self.start)

    @property
    def last_day(self) -> dt.date:
        return next_start(self.kind, self.start) - dt.timedelta(days=1)

    @property
    def fill_rate(self) -> float | None:
        """Slots taken of the period's openings, 0–1; None without openings."""
        return self.slots_taken / self.openings if self.openings else None

    @property
    def fill_percent(self) -> str:
        rate = self.fill_rate
        return "" if rate is None else f"{rate * 100:.1f}"

    @property
    def median_fill_hours(self) -> str:
        return "" if self.median_fill_seconds is None else f"{self.median_fill_seconds / 3600:.1f}"


FIELDS = ("seekers", "openings", "slots_taken", "placements", "gigs_filled", "median_fill_seconds", "walk_ins",
          "completions", "fair_hires")


def parse_range(kind, first, last, today: dt.date | None = None) -> tuple[str, dt.date, dt.date]:
    """A period kind and a range of days from a query (ISO dates), with defaults: by month, the last 12."""
    errors = {}
    kind = kind or Period.MONTH
    if kind not in Period.values:
        errors["period"] = [_("Choose day, week, month or quarter.")]
    today = today or timezone.localdate()
    days = {}
    for name, value in (("from", first), ("to", last)):
        if value in (None, ""):
            continue
        try:
            days[name] = dt.date.fromisoformat(str(value)) if len(str(value)) == 10 and str(value).isascii() else None
        except ValueError:
            days[name] = None
        if days[name] is None:
            errors[name] = [_("Give a date as YYYY-MM-DD.")]
            continue
        try:
            validate_day(days[name])
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    last = days.get("to") or today
    first = days.get("from") or start_of(Period.MONTH, last.replace(day=1) - dt.timedelta(days=330))
    if first > last:
        raise ValidationError({"from": [_("The first day must not be after the last.")]})
    if (last - first).days > MAX_YEARS * 366:
        raise ValidationError({"from": [_("Ask for at most %(n)s years.") % {"n": MAX_YEARS}]})
    return kind, first, last


def _stored(center: ServiceCenter | None, kind: str, first: dt.date, last: dt.date):
    rows = Figure.objects.filter(kind=kind, start__gte=start_of(kind, first), start__lte=last)
    rows = rows.filter(center=center) if center else rows.filter(center__isnull=True)
    return rows.order_by("start").values("start", *FIELDS)


def rows(viewer, *, scope, kind: str, first: dt.date, last: dt.date, limit: int | None = MAX_PAGE_PERIODS
         ) -> Iterator[Row]:
    """Every period of `kind` overlapping first..last, oldest first, zeros where nothing happened. With a
    limit, asking for more periods than that is a ValidationError (the CSV export has none: it streams)."""
    center = scope_center(viewer, scope)
    starts = starts_between(kind, first, last)
    if limit is not None and sum(1 for _ in starts_between(kind, first, last)) > limit:
        raise ValidationError({"from": [_("That is more than %(n)s periods: choose a longer period or a shorter "
                                          "range, or download the CSV.") % {"n": limit}]})
    stored = _stored(center, kind, first, last).iterator(chunk_size=2000)
    pending = next(stored, None)
    for start in starts:
        while pending is not None and pending["start"] < start:
            pending = next(stored, None)
        if pending is not None and pending["start"] == start:
            yield Row(kind=kind, **pending)
        else:
            yield Row(kind=kind, start=start)


@dataclass(frozen=True)
class Freshness:
    refreshed_at: dt.datetime | None
    days_waiting: int


def freshness() -> Freshness:
    """When the figures were last computed, and how many changed days wait for the next refresh."""
    return Freshness(Figure.objects.aggregate(m=Max("refreshed_at"))["m"], DirtyDay.objects.count())
