"""Reads about trades, gigs, reliability and who may see what."""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from workers.models import WorkerProfile
from zero_gig.geo import Point, covering_cells, distance_km, fast_distance_km, h3_field

from . import rules
from .models import (
    SLOT_HOLDING,
    Assignment,
    AssignmentStatus,
    Category,
    Employer,
    Gig,
    GigStatus,
    PayStatus,
    Strike,
    WageDispute,
    WageFloor,
    average_rating,
)


def trade_groups() -> QuerySet[Category]:
    """The two-level taxonomy: groups with their trades, in display order."""
    return Category.objects.filter(parent__isnull=True).prefetch_related(
        Prefetch("children", queryset=Category.objects.order_by("sort_order", "code"))
    )


def open_gig_count() -> int:
    return Gig.objects.filter(status=GigStatus.OPEN).count()


def wage_floor_for(region_code: str, day: dt.date) -> WageFloor | None:
    """The minimum wage in force on `day` for a district, falling back to the province-wide row."""
    for code in (region_code, region_code[:2] + "0000"):
        floor = (WageFloor.objects.filter(region_code=code, effective_from__lte=day)
                 .order_by("-effective_from").first())
        if floor:
            return floor
    return None


# --- Nearby search ---------------------------------------------------------------------------

SORTS = ("distance", "pay", "start")


@dataclass
class NearbyQuery:
    latitude: float
    longitude: float
    radius_km: float = 5.0
    trade_ids: list[int] | None = None
    pay_unit: str | None = None
    min_pay: Decimal | None = None
    starts_after: dt.datetime | None = None
    starts_before: dt.datetime | None = None
    sort: str = "distance"
    limit: int = 20
    cursor: str | None = None


@dataclass
class NearbyPage:
    results: list[tuple[Gig, float]] = field(default_factory=list)  # (gig, exact distance km)
    next_cursor: str | None = None


SORT_COLUMNS = {"distance": (), "pay": ("pay_amount",), "start": ("starts_at",)}


def _sort_key(sort: str, distance_m: int, gig_id: int, value=None) -> list:
    """The order of results and the content of cursors: the sort value, then distance, then id."""
    if sort == "pay":
        return [-float(value), distance_m, gig_id]
    if sort == "start":
        return [value.timestamp(), distance_m, gig_id]
    return [distance_m, gig_id]


def encode_cursor(key: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> list:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        expected = 2 if sort == "distance" else 3
        if not (isinstance(key, list) and len(key) == expected and all(isinstance(v, int | float) for v in key)):
            raise ValueError
        return key
    except (ValueError, TypeError, UnicodeDecodeError):
        raise ValidationError({"cursor": _("The cursor is not valid; start again without it.")}) from None


# The first disc of a nearest-first search: small for all trades (dense), wider for some (sparser).
NEAREST_FIRST_START_KM = {False: 1.0, True: 2.0}


def nearby_gigs(query: NearbyQuery, now: dt.datetime | None = None) -> NearbyPage:
    """Open gigs within the radius, nearest first (or best paid, or soonest), one page at a time.

    The stored H3 cells shortlist candidates through an index; a fast ellipsoidal distance
    ranks them, and geopy gives the exact distance of the gigs on the page. Nearest-first
    pages search a small disc first and widen it only while it holds too few gigs: once a
    fully covered disc holds a page, nothing outside it can come earlier.
    """
    now = now or timezone.now()
    center = Point(query.latitude, query.longitude)
    after = decode_cursor(query.cursor, query.sort) if query.cursor else None
    reach = query.radius_km
    if query.sort == "distance":
        start = NEAREST_FIRST_START_KM[bool(query.trade_ids)]
        reach = min(query.radius_km, max(start, (after[0] / 1000) * 1.5 if after else 0))
    while True:
        ranked = _ranked_within(query, center, reach, after, now)
        if reach >= query.radius_km or len(ranked) > query.limit:
            break
        reach = min(query.radius_km, reach * 2.5)
    page_keys = ranked[: query.limit]
    gigs = Gig.objects.select_related("category", "employer", "center").in_bulk([gig_id for _k, gig_id in page_keys])
    page = NearbyPage(results=[(gigs[gig_id], distance_km(center, gigs[gig_id].point)) for _k, gig_id in page_keys])
    if len(ranked) > query.limit:
        page.next_cursor = encode_cursor(page_keys[-1][0])
    return page


def _ranked_within(query: NearbyQuery, center: Point, reach_km: float, after: list | None,
                   now: dt.datetime) -> list[tuple[list, int]]:
    """(sort key, id) of every matching open gig within `reach_km`, after the cursor, sorted."""
    res, cells = covering_cells(center, reach_km)
    candidates = Gig.objects.filter(status=GigStatus.OPEN, starts_at__gt=now, **{f"{h3_field(res)}__in": cells})
    if query.trade_ids:
        candidates = candidates.filter(category_id__in=query.trade_ids)
    if query.pay_unit:
        candidates = candidates.filter(pay_unit=query.pay_unit)
    if query.min_pay is not None:
        candidates = candidates.filter(pay_amount__gte=query.min_pay)
    if query.starts_after:
        candidates = candidates.filter(starts_at__gte=query.starts_after)
    if query.starts_before:
        candidates = candidates.filter(starts_at__lt=query.starts_before)
    # Read only what ranking needs, unordered (the model's default ordering would make the database sort).
    columns = ("id", "latitude", "longitude", *SORT_COLUMNS[query.sort])
    ranked = []
    for gig_id, lat, lng, *sort_values in candidates.order_by().values_list(*columns):
        km = fast_distance_km(center, Point(lat, lng))
        if km > reach_km:
            continue
        key = _sort_key(query.sort, round(km * 1000), gig_id, *sort_values)
        if after is None or key > after:
            ranked.append((key, gig_id))
    ranked.sort()
    return ranked


def full_scan_nearby_ids(query: NearbyQuery, now: dt.datetime | None = None) -> list[int]:
    """The naive reference for tests and the benchmark: read every open gig, measure each by haversine,
    keep those of the asked trades within the radius. No spatial index, no shortlist."""
    now = now or timezone.now()
    center = Point(query.latitude, query.longitude)
    trades = set(query.trade_ids or ())
    found = []
    for gig_id, lat, lng, trade in (Gig.objects.filter(status=GigStatus.OPEN, starts_at__gt=now).order_by()
                                    .values_list("id", "latitude", "longitude", "category_id")):
        if trades and trade not in trades:
            continue
        km = haversine_km(center, Point(lat, lng))
        if km <= query.radius_km:
            found.append((km, gig_id))
    return [gig_id for _km, gig_id in sorted(found)[: query.limit]]


def haversine_km(a: Point, b: Point) -> float:
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lng - a.lng)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


# --- Reliability and standing: computed here and nowhere else --------------------------------

@dataclass(frozen=True)
class WorkerReliability:
    completed: int
    no_shows: int
    late_cancellations: int
    active_strikes: int
    attendance_rate: float | None  # completed / (completed + no-shows); None before the first gig
    rating: float | None
    ratings: int
    suspended_until: dt.datetime | None


def worker_reliability(worker) -> WorkerReliability:
    counts = worker.assignments.aggregate(
        completed=Count("id", filter=Q(status=AssignmentStatus.COMPLETED)),
        no_shows=Count("id", filter=Q(status=AssignmentStatus.NO_SHOW)),
    )
    strikes = worker.strikes.aggregate(
        late=Count("id", filter=Q(reason=Strike.Reason.LATE_CANCEL)),
        active=Count("id", filter=Q(cleared_at__isnull=True)),
    )
    total, count = WorkerProfile.objects.values_list("rating_total", "rating_count").get(pk=worker.pk)
    attended = counts["completed"] + counts["no_shows"]
    now = timezone.now()
    return WorkerReliability(
        completed=counts["completed"], no_shows=counts["no_shows"], late_cancellations=strikes["late"],
        active_strikes=strikes["active"],
        attendance_rate=round(counts["completed"] / attended, 3) if attended else None,
        rating=average_rating(total, count), ratings=count,
        suspended_until=worker.suspended_until if worker.suspended_until and worker.suspended_until > now else None,
    )


@dataclass(frozen=True)
class EmployerStanding:
    rating: float | None
    ratings: int
    gigs_completed: int
    cancellations: int
    late_cancellations: int  # cancellations that owed workers show-up pay
    open_wage_disputes: int
    unpaid_assignments: int  # work done, pay not recorded after a day


def employer_standing(employer) -> EmployerStanding:
    total, count = Employer.objects.values_list("rating_total", "rating_count").get(pk=employer.pk)
    gigs = employer.gigs.aggregate(
        completed=Count("id", filter=Q(status=GigStatus.COMPLETED)),
        cancelled=Count("id", filter=Q(status=GigStatus.CANCELLED)),
    )
    assignments = Assignment.objects.filter(gig__employer=employer)
    return EmployerStanding(
        rating=average_rating(total, count), ratings=count,
        gigs_completed=gigs["completed"], cancellations=gigs["cancelled"],
        late_cancellations=assignments.filter(compensation__isnull=False).count(),
        open_wage_disputes=WageDispute.objects.filter(
            assignment__gig__employer=employer,
            status__in=(WageDispute.Status.OPEN, WageDispute.Status.MEDIATING)).count(),
        unpaid_assignments=assignments.filter(
            status=AssignmentStatus.CHECKED_OUT, pay_status=PayStatus.NOT_DUE,
            checked_out_at__lt=timezone.now() - dt.timedelta(days=1)).count(),
    )


# --- Who may see what -------------------------------------------------------------------------

def staff_center_ids(user) -> list[int]:
    return list(user.center_memberships.values_list("center_id", flat=True))


PUBLIC_GIG_STATUSES = (GigStatus.OPEN, GigStatus.FILLED)


def gigs_visible_to(user) -> QuerySet[Gig]:
    """Open and filled gigs are public; others only to their employer, the workers on them, their center's
    staff and the city."""
    gigs = Gig.objects.select_related("category", "employer", "center")
    if not user.is_authenticated:
        return gigs.filter(status__in=PUBLIC_GIG_STATUSES)
    if user.role == Role.CITY_ADMIN:
        return gigs
    visible = Q(status__in=PUBLIC_GIG_STATUSES)
    if user.role == Role.EMPLOYER and hasattr(user, "employer"):
        visible |= Q(employer=user.employer)
    elif user.role == Role.WORKER and hasattr(user, "worker_profile"):
        visible |= Q(assignments__worker=user.worker_profile)
    elif user.role == Role.CENTER_STAFF:
        visible |= Q(center_id__in=staff_center_ids(user))
    return gigs.filter(visible).distinct()


def assignments_visible_to(user) -> QuerySet[Assignment]:
    """A worker sees their own; an employer those on their gigs; staff those at their centers; the city all."""
    assignments = Assignment.objects.select_related("gig__category", "gig__employer", "gig__center", "worker__user")
    if not user.is_authenticated:
        return assignments.none()
    if user.role == Role.CITY_ADMIN:
        return assignments
    if user.role == Role.WORKER and hasattr(user, "worker_profile"):
        return assignments.filter(worker=user.worker_profile)
    if user.role == Role.EMPLOYER and hasattr(user, "employer"):
        return assignments.filter(gig__employer=user.employer)
    if user.role == Role.CENTER_STAFF:
        return assignments.filter(gig__center_id__in=staff_center_ids(user))
    return assignments.none()


def contact_is_shared(assignment: Assignment) -> bool:
    """Phones are shown to the other side only once the worker holds a slot (a job is agreed)."""
    return assignment.status in SLOT_HOLDING


def pending_reviews(user) -> QuerySet[Gig]:
    return Gig.objects.filter(status=GigStatus.PENDING_REVIEW, center_id__in=staff_center_ids(user)).select_related(
        "category", "employer", "center")


def nearby_radius_limits() -> tuple[float, float]:
    return rules.rule("NEARBY_DEFAULT_RADIUS_KM"), rules.rule("NEARBY_MAX_RADIUS_KM")


def board_snapshot(center_id: int) -> list[dict]:
    """What a center's big screen shows when it connects: its open and filling gigs, soonest first."""
    from .events import gig_brief

    gigs = (Gig.objects.filter(center_id=center_id, status__in=(GigStatus.OPEN, GigStatus.FILLED))
            .select_related("category").order_by("starts_at")[:200])
    return [gig_brief(gig) for gig in gigs]
