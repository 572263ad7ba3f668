"""Reads about service centers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from workers.models import WorkerTrade
from zero_gig.geo import Point, distance_km
from zero_gig.ids import parse_id

from .models import CenterLevel, HallVisit, OpenDays, ServiceCenter


def active_centers() -> QuerySet[ServiceCenter]:
    return ServiceCenter.objects.filter(is_active=True).select_related("parent")


def nearest_center(point: Point) -> ServiceCenter | None:
    """The active center closest to a point; there are few centers, so measure them all."""
    centers = list(active_centers())
    if not centers:
        return None
    return min(centers, key=lambda center: distance_km(point, center.point))


def may_manage_center(user, center_id: int | None) -> bool:
    """City administrators act for every center; staff only for the centers they belong to."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.role == Role.CITY_ADMIN:
        return True
    return (user.role == Role.CENTER_STAFF and center_id is not None
            and user.center_memberships.filter(center_id=center_id).exists())


# --- Opening times: is a center open now, public holidays included -----------------------------------

# chinese_calendar names the public holidays in English; the pages say them in the visitor's language.
HOLIDAY_NAMES = {
    "New Year's Day": _("New Year's Day"),
    "Spring Festival": _("Spring Festival"),
    "Tomb-sweeping Day": _("Qingming Festival"),
    "Labour Day": _("Labour Day"),
    "Dragon Boat Festival": _("Dragon Boat Festival"),
    "National Day": _("National Day"),
    "Mid-autumn Festival": _("Mid-Autumn Festival"),
    "Anti-Fascist 70th Day": _("Victory Day"),
}
LEVELS = [CenterLevel.CITY, CenterLevel.DISTRICT, CenterLevel.COUNTY, CenterLevel.STATION]
LOOK_AHEAD_DAYS = 14  # the longest run of closed days: a working-days center over the Spring Festival


@dataclass(frozen=True)
class DayInfo:
    """What the national calendar says of a day: a public holiday (and its name), a working day; `known` is
    False for a year chinese_calendar has no data for (then weekends are the only days off)."""

    holiday: str | None
    working: bool
    known: bool


def day_info(day: dt.date) -> DayInfo:
    try:
        rest, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:  # the State Council publishes each year's holidays late in the year before
        return DayInfo(holiday=None, working=day.weekday() < 5, known=False)
    # A weekend day worked in place of a holiday (调休) carries the holiday's name too, but is a working day.
    holiday = str(HOLIDAY_NAMES.get(name, name)) if rest and name else None
    return DayInfo(holiday=holiday, working=not rest, known=True)


def open_on(center: ServiceCenter, day: dt.date) -> bool:
    info = day_info(day)
    if center.open_days == OpenDays.WORKING_DAYS:
        return info.working
    if center.open_days == OpenDays.EVERY_DAY_BUT_HOLIDAYS:
        return info.holiday is None
    return True


@dataclass(frozen=True)
class OpeningState:
    """Open now or not, and when that changes. `known` is False when the center gave no opening times."""

    known: bool
    open_now: bool = False
    closes_at: dt.datetime | None = None
    next_opening: dt.datetime | None = None
    holiday_today: str | None = None
    calendar_known: bool = True


def opening_state(center: ServiceCenter, now: dt.datetime | None = None) -> OpeningState:
    if center.opens_at is None or center.closes_at is None:
        return OpeningState(known=False)
    local = timezone.localtime(now or timezone.now())
    today = day_info(local.date())

    def at(day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=local.tzinfo)

    if open_on(center, local.date()) and center.opens_at <= local.time() < center.closes_at:
        return OpeningState(known=True, open_now=True, closes_at=at(local.date(), center.closes_at),
                            holiday_today=today.holiday, calendar_known=today.known)
    next_opening = None
    for ahead in range(LOOK_AHEAD_DAYS + 1):
        day = local.date() + dt.timedelta(days=ahead)
        if open_on(center, day) and (ahead > 0 or local.time() < center.opens_at):
            next_opening = at(day, center.opens_at)
            break
    return OpeningState(known=True, next_opening=next_opening, holiday_today=today.holiday,
                        calendar_known=today.known)


@dataclass(frozen=True)
class CenterNearby:
    center: ServiceCenter
    distance_km: float | None
    opening: OpeningState


def centers_near(point: Point | None, now: dt.datetime | None = None) -> list[CenterNearby]:
    """Every active center with its opening state: nearest first from `point`, else the city center first."""
    centers = sorted(active_centers(), key=lambda center: (LEVELS.index(center.level), center.name))
    rows = [CenterNearby(center, distance_km(point, center.point) if point else None, opening_state(center, now))
            for center in centers]
    if point is not None:
        rows.sort(key=lambda row: row.distance_km)
    return rows


# --- The console ------------------------------------------------------------------------------------

def consoled_centers(viewer) -> QuerySet[ServiceCenter]:
    """The centers whose console the viewer may open: a city administrator every active one, staff their own."""
    if not (viewer and viewer.is_authenticated and viewer.is_active):
        return ServiceCenter.objects.none()
    if viewer.role == Role.CITY_ADMIN:
        return active_centers()
    if viewer.role == Role.CENTER_STAFF:
        return active_centers().filter(staff__user=viewer)
    return ServiceCenter.objects.none()


def console_center(viewer, center_id) -> ServiceCenter:
    """The center whose console is asked for, or PermissionDenied (staff of another center, anyone else)."""
    center_id = parse_id(center_id if isinstance(center_id, int) else str(center_id))
    center = ServiceCenter.objects.filter(pk=center_id).first() if center_id else None
    if center is None or not may_manage_center(viewer, center.pk):
        raise PermissionDenied(_("Only staff of this center or a city administrator can open its console."))
    return center


WAITING_SHOWN = 200  # a hall's worth and more: a list shows the longest-waiting, and counts everyone


def longest_waiting(center: ServiceCenter, *, viewer, now=None) -> tuple[list[HallVisit], int]:
    """The WAITING_SHOWN who have waited longest (waiting_in_hall's order), and how many wait in all."""
    waiting = waiting_in_hall(center, viewer=viewer, now=now)
    visits = list(waiting[:WAITING_SHOWN])
    return visits, len(visits) if len(visits) < WAITING_SHOWN else waiting.count()


def waiting_in_hall(center: ServiceCenter, *, viewer, now=None):
    """Who is waiting in the center's hall today, longest waiting first, with their trades (and what staff see of
    each: the center they registered at, their walk-in form), read with the visits rather than once a row."""
    if not may_manage_center(viewer, center.pk):
        raise PermissionDenied
    day = timezone.localdate(now or timezone.now())
    return (HallVisit.objects.filter(center=center, day=day, checked_out_at__isnull=True)
            .select_related("center", "worker__user", "worker__registered_at_center", "worker__intake")
            .prefetch_related(Prefetch("worker__worker_trades",
                                       queryset=WorkerTrade.objects.select_related("category")
                                       .order_by("category__sort_order", "id")))
            .order_by("checked_in_at", "id"))


def waiting_count(center_id: int, now=None) -> int:
    """How many workers wait in a center's hall now: a number for its public screen, nobody's name."""
    day = timezone.localdate(now or timezone.now())
    return HallVisit.objects.filter(center_id=center_id, day=day, checked_out_at__isnull=True).count()


def left_hall_today(center: ServiceCenter, *, viewer, now=None):
    if not may_manage_center(viewer, center.pk):
        raise PermissionDenied
    day = timezone.localdate(now or timezone.now())
    return (HallVisit.objects.filter(center=center, day=day, checked_out_at__isnull=False)
            .select_related("worker").order_by("-checked_out_at"))
