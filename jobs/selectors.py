"""Reads about trades, gigs, reliability and who may see what."""

from __future__ import annotations

import base64
import collections
import datetime as dt
import functools
import json
import math
import statistics
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg.pq import Format

from accounts.models import Role
from centers.selectors import may_manage_center
from complaints.selectors import unpaid_wages
from workers.models import RealNameStatus, WorkerProfile
from zero_gig.db import Columns, Written
from zero_gig.geo import (
    FINEST,
    LocalPlane,
    Point,
    covering_runs,
    distance_km,
    h3_field,
    plane_error_km,
)
from zero_gig.kept import Kept

from . import rules
from .models import (
    SLOT_HOLDING,
    Assignment,
    AssignmentStatus,
    Category,
    Employer,
    FavouriteWorker,
    Gig,
    GigStatus,
    HiringMode,
    PayStatus,
    Strike,
    SuspiciousCheckIn,
    WageDispute,
    WageFloor,
    average_rating,
)


def trade_groups() -> QuerySet[Category]:
    """The two-level taxonomy: groups with their trades, in display order."""
    return Category.objects.filter(parent__isnull=True).prefetch_related(
        Prefetch("children", queryset=Category.objects.order_by("sort_order", "code"))
    )


def _read_trade_tree() -> list[tuple[Category, list[Category]]]:
    categories = list(Category.objects.all())  # ordered by sort_order, code: groups and trades alike
    trades: dict[int, list[Category]] = {category.pk: [] for category in categories if category.parent_id is None}
    for category in categories:
        if category.parent_id in trades:
            trades[category.parent_id].append(category)
    return [(category, trades[category.pk]) for category in categories if category.parent_id is None]


# Kept in the process (zero_gig.kept): forgotten on any save or delete of a trade here (jobs.apps), read again
# after a minute for changes made in other processes.
TAXONOMY = Kept(_read_trade_tree, seconds=60)


def trade_tree() -> list[tuple[Category, list[Category]]]:
    """The same taxonomy as trade_groups(), as (group, its trades) pairs, for the pages' trade lists and the feed's
    filter: read in one query and kept in the process. Shared: read the trades, never change them."""
    return TAXONOMY.get()


def trade_ids_by_code(codes: list[str]) -> dict[str, int]:
    """The trades (not groups) among `codes`, by code. A code the kept taxonomy lacks has it read again first, so
    that a trade just added in another process is found at once; unknown codes are left out."""
    known = {trade.code: trade.pk for _group, trades in trade_tree() for trade in trades}
    if any(code not in known for code in codes):
        known = {trade.code: trade.pk for _group, trades in TAXONOMY.read_again() for trade in trades}
    return {code: known[code] for code in codes if code in known}


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


@dataclass(slots=True)
class TradeCard:
    id: int
    code: str
    name: str
    name_en: str


@dataclass(slots=True)
class CenterCard:
    id: int
    name: str
    level: str
    is_demo: bool
    region_code: str  # its area, for the gig's wage guide and minimum wage


@dataclass(slots=True)
class EmployerCard:
    id: int
    name: str
    kind: str
    verification_status: str
    rating_total: int
    rating_count: int


@dataclass(slots=True)
class FeedGig:
    """A gig as the nearby feed lists it, read in the feed's one query.

    The feed is the busiest read of the platform, and building Django model instances for a page
    (a gig with its trade, center and employer) cost more than the query itself; these cards carry
    the same attribute names, so `GigSerializer` renders them like a `Gig`. Read-only by use, not
    frozen: a frozen dataclass sets each field through object.__setattr__, ten times slower to build.
    """

    id: int
    code: str
    title: str
    pay_amount: Decimal
    pay_unit: str
    headcount: int
    accepted_count: int
    hiring_mode: str
    address: str
    latitude: float
    longitude: float
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    # what per-job and per-piece pay states, so a card shows the pay per hour (Gig.hourly_rate)
    expected_hours: Decimal | None
    expected_pieces_per_day: int | None
    category: TradeCard
    center: CenterCard
    employer: EmployerCard
    plane_m2: float  # squared distance on the search's LocalPlane: the page order and the cursor

    @property
    def pk(self) -> int:
        return self.id

    @property
    def slots_left(self) -> int:
        return max(0, self.headcount - self.accepted_count)

    @property
    def point(self) -> Point:
        return Point(self.latitude, self.longitude)


@dataclass
class NearbyPage:
    results: list[tuple[FeedGig, float]] = field(default_factory=list)  # (gig, exact distance km)
    next_cursor: str | None = None


# Per sort: the column that orders first (None: distance alone) and whether it runs high to low. After it
# come the distance and the id, so that the order is total and a cursor (those values of the last row) exact.
SORT_LEAD = {"distance": (None, False), "pay": ("pay_amount", True), "start": ("starts_at", False)}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def _page_key(sort: str, gig: FeedGig) -> list:
    """A row's place in the page order, as a cursor holds it: JSON numbers that read back exactly."""
    if sort == "pay":
        return [-float(gig.pay_amount), gig.plane_m2, gig.id]
    if sort == "start":
        return [(gig.starts_at - _EPOCH) // _MICROSECOND, gig.plane_m2, gig.id]
    return [gig.plane_m2, gig.id]


def _lead_parameter(sort: str, value: float):
    """The sort column's value in a cursor as a query parameter (ValueError/OverflowError if it cannot be one).

    Pay goes as a float: a float parameter compares with the stored amount as a number on SQLite and on
    PostgreSQL, and two-decimal amounts are exact as floats.
    """
    if sort == "pay":
        if not abs(value) < 10 ** 8:
            raise ValueError
        return -float(value)
    return connection.ops.adapt_datetimefield_value(_EPOCH + int(value) * _MICROSECOND)


def encode_cursor(key: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> list:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        expected = 2 if sort == "distance" else 3
        if not (isinstance(key, list) and len(key) == expected
                and all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in key)
                and key[-2] >= 0 and isinstance(key[-1], int)):
            raise ValueError
        if expected == 3:
            _lead_parameter(sort, key[0])
        return key
    except (ValueError, TypeError, UnicodeDecodeError, OverflowError):
        raise ValidationError({"cursor": _("The cursor is not valid; start again without it.")}) from None


# The first disc of a nearest-first search: small for all trades (dense), wider for some (sparser). Tuned on
# the benchmark's city (docs/benchmarks.md): a disc too small costs a second statement, one too big reads more.
NEAREST_FIRST_START_KM = {False: 1.0, True: 1.5}


def nearby_gigs(query: NearbyQuery, now: dt.datetime | None = None) -> NearbyPage:
    """Open gigs within the radius, nearest first (or best paid, or soonest), one page at a time.

    Exactly the open gigs that the geodesic puts within `radius_km` (the edge included), each once over
    the pages. One SQL statement per disc (`feed_statement`): the stored H3 cells shortlist candidates
    through an index, the database ranks them by a local-plane distance and keeps a page, and geopy has
    the last word on the gigs at the edge.

    Nearest-first pages search a small disc first and widen it only while it holds too few gigs. Each
    disc is whole (its cells cover all of it) and each wider one continues after the last gig found, in
    the plane's order: nothing between two discs is skipped.

    `sort="pay"` needs a `pay_unit`: amounts per hour, day, piece and job do not compare, and a gig
    states no hours or output to convert them by.
    """
    if query.sort == "pay" and not query.pay_unit:
        raise ValidationError({"pay_unit": _("Say which pay unit to sort by: pay in different units does not "
                                             "compare.")})
    now = now or timezone.now()
    center = Point(query.latitude, query.longitude)
    plane = LocalPlane.around(center)
    after = decode_cursor(query.cursor, query.sort) if query.cursor else None
    # By the plane, everything the geodesic puts within the radius lies within `limit_km`.
    limit_km = query.radius_km + plane_error_km(query.radius_km)
    reach = limit_km
    if query.sort == "distance":
        start = NEAREST_FIRST_START_KM[bool(query.trade_ids)]
        reach = min(limit_km, max(start, math.sqrt(after[0]) / 1000 * 1.5 if after else 0))
    # Gigs the plane puts this close are within the radius whatever the geodesic says.
    sure_m2 = max(0.0, query.radius_km - plane_error_km(query.radius_km)) ** 2 * 10 ** 6
    found: list[FeedGig] = []
    last = after
    while True:
        wanted = query.limit + 1 - len(found)
        rows = _feed_rows(query, plane, reach, last, wanted, now)
        if rows:
            last = _page_key(query.sort, rows[-1])
        found += [gig for gig in rows
                  if gig.plane_m2 <= sure_m2 or distance_km(center, gig.point) <= query.radius_km]
        if len(found) > query.limit:
            break
        if len(rows) < wanted:  # the disc holds no more
            if reach >= limit_km:
                break
            reach = min(limit_km, reach * 2.5)
    shown = found[: query.limit]
    # The distance shown is the plane's, which the database computed: within plane_error_km of the geodesic
    # (3 mm at 12 km), far under the metre it is shown to. Measuring the twenty again with geopy cost a fifth of
    # the feed's time; geopy keeps the last word on which gigs at the edge are in.
    page = NearbyPage(results=[(gig, math.sqrt(gig.plane_m2) / 1000) for gig in shown])
    if len(found) > query.limit:
        page.next_cursor = encode_cursor(_page_key(query.sort, found[query.limit - 1]))
    return page


# The joined tables as FeedGig holds them: its field (also the table's alias in SQL) and the card it fills.
_FEED_CARDS = (("category", TradeCard), ("center", CenterCard), ("employer", EmployerCard))
_FEED_GIG_COLUMNS = tuple(f.name for f in fields(FeedGig) if f.name not in {"plane_m2", *dict(_FEED_CARDS)})


@dataclass(frozen=True)
class _FeedLayout:
    """The fixed parts of the feed's statement and how to read its rows, for one database engine."""

    columns: Columns  # what the outer SELECT lists after the plane distance: the gig's, then each card's
    joins: str  # the gig, then its trade, center and employer


@functools.cache
def _feed_layout(vendor: str) -> _FeedLayout:
    """Built once per database engine: quoting and converters depend on the engine, not on the connection."""
    quote = connection.ops.quote_name
    gig = Gig._meta
    tables = [("g", Gig, _FEED_GIG_COLUMNS)]
    joins = [f"{quote(gig.db_table)} g ON g.id = page.id"]
    for name, card in _FEED_CARDS:
        model = gig.get_field(name).related_model
        tables.append((name, model, tuple(f.name for f in fields(card))))
        joins.append(f"{quote(model._meta.db_table)} {name} ON {name}.id = g.{quote(gig.get_field(name).column)}")
    return _FeedLayout(Columns.of(tables, offset=1), " JOIN ".join(joins))  # row[0] is the plane distance


def _feed_rows(query: NearbyQuery, plane: LocalPlane, reach_km: float, after: list | None, count: int,
               now: dt.datetime) -> list[FeedGig]:
    """The first `count` matching open gigs within `reach_km` after the cursor, in page order."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.cursor.format = Format.BINARY  # rows in psycopg's binary format: no text to parse
        cursor.execute(*feed_statement(query, plane, reach_km, after, count, now))
        rows = cursor.fetchall()
    layout = _feed_layout(connection.vendor)
    return [_feed_gig(row, layout) for row in rows]


def feed_statement(query: NearbyQuery, plane: LocalPlane, reach_km: float, after: list | None, count: int,
                   now: dt.datetime) -> tuple[str, list]:
    """The nearby feed's one SQL statement and its parameters (tests EXPLAIN it).

    Innermost, the shortlist: open gigs in the runs of H3 cells that cover the disc, and the plane's error
    beyond it, so that nothing the plane puts within `reach_km` is left out (one index descent
    per run, through `gig_open_cells`, or `gig_open_trade_cells` for chosen trades) and the filters,
    with their plane distance. Then the page: within reach, after the cursor, sorted, limited.
    Outermost, the trade, center and employer of just those rows.
    """
    quote, ops = connection.ops.quote_name, connection.ops
    runs = covering_runs(Point(plane.lat, plane.lng), reach_km + plane_error_km(reach_km))
    lead, descending = SORT_LEAD[query.sort]
    distance_sql, params = plane.sql("latitude", "longitude")
    cover_sql = _cover_sql(runs, params)
    cell_sql = f"{h3_field(FINEST)} BETWEEN cover.lo AND cover.hi"
    # The status is written out, not bound: a planner uses the partial gig_open_* indexes only when the
    # statement itself states their condition.
    shortlist = [f"status = '{GigStatus.OPEN.value}'", "starts_at > %s"]
    params.append(ops.adapt_datetimefield_value(now))
    if query.trade_ids:
        shortlist.append(_in_list("category_id", query.trade_ids))
        params += _in_params(query.trade_ids)
    for condition, value in (("pay_unit = %s", query.pay_unit), ("pay_amount >= %s", query.min_pay),
                             ("starts_at >= %s", query.starts_after), ("starts_at < %s", query.starts_before)):
        if value is not None and value != "":
            shortlist.append(condition)
            params.append(ops.adapt_datetimefield_value(value) if isinstance(value, dt.datetime) else value)
    page_where = ["m2 <= %s"]
    params.append((reach_km * 1000) ** 2)
    order = ["m2", "id"]
    if lead:
        order.insert(0, "sort_value DESC" if descending else "sort_value")
    if after is not None:
        page_where.append(_after_sql(query.sort, after, params))
    params.append(count)
    sort_value = f", {lead} AS sort_value" if lead else ""
    layout = _feed_layout(connection.vendor)
    gigs, where = quote(Gig._meta.db_table), " AND ".join(shortlist)
    if connection.vendor == "postgresql":
        # Each run searched on its own (LATERAL, and OFFSET 0 so that it is not merged back into a join):
        # PostgreSQL's estimates for open gigs are poor, and it would rather read a whole trade.
        read = ", ".join(["id", "latitude", "longitude", *([lead] if lead else [])])
        source = f"{cover_sql} CROSS JOIN LATERAL (SELECT {read} FROM {gigs} WHERE {cell_sql} AND {where} OFFSET 0) gig"
    else:
        # SQLite plans without statistics unless someone runs ANALYZE, and would then walk every open gig
        # through the status index; name the feed's index for it.
        index = "gig_open_trade_cells" if query.trade_ids else "gig_open_cells"
        source = f"{cover_sql} JOIN {gigs} INDEXED BY {index} ON {cell_sql} WHERE {where}"
    sql = (
        f"SELECT page.m2, {layout.columns.sql} FROM ("
        f"SELECT * FROM (SELECT id, {distance_sql} AS m2{sort_value} FROM {source})"
        f" shortlist WHERE {' AND '.join(page_where)} ORDER BY {', '.join(order)} LIMIT %s) page"
        f" JOIN {layout.joins} ORDER BY {', '.join('page.' + term for term in order)}"
    )
    return sql, params


def _cover_sql(runs: tuple[tuple[str, str], ...], params: list) -> str:
    """The runs of cells as a table `cover(lo, hi)`: two arrays on PostgreSQL (one statement text for any
    number of runs, so it is prepared once), a VALUES list on SQLite."""
    if connection.vendor == "postgresql":
        params += [[lo for lo, _hi in runs], [hi for _lo, hi in runs]]
        return "unnest(%b::varchar[], %b::varchar[]) AS cover(lo, hi)"
    for run in runs:
        params += run
    values = ", ".join(["(%s, %s)"] * len(runs))
    return f"(SELECT column1 AS lo, column2 AS hi FROM (VALUES {values})) cover"


def _in_list(column: str, values) -> str:
    """`column IN values`: one array parameter on PostgreSQL (one statement text for any number of values,
    so it is prepared once), in psycopg's binary format (%b); a list elsewhere.

    A single value is a plain `=`: PostgreSQL's generic plan for a prepared statement cannot know an
    array's size, and for `category_id = ANY(...)` it leaves the trade out of the index search
    (measured: 5× slower on the wider discs, which then kept being planned afresh).
    """
    if len(values) == 1:
        return f"{column} = %s"
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%b)"
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


def _in_params(values) -> list:
    return [list(values)] if connection.vendor == "postgresql" and len(values) > 1 else list(values)


def _after_sql(sort: str, key: list, params: list) -> str:
    """Rows after the cursor's row in page order: the first column that differs decides."""
    *lead, squared_metres, gig_id = key
    terms = [("m2", ">", squared_metres), ("id", ">", gig_id)]
    if lead:
        terms.insert(0, ("sort_value", "<" if SORT_LEAD[sort][1] else ">", _lead_parameter(sort, lead[0])))
    sql, values = None, []
    for column, comparison, value in reversed(terms):
        if sql is None:
            sql, values = f"{column} {comparison} %s", [value]
        else:
            sql, values = f"({column} {comparison} %s OR ({column} = %s AND {sql}))", [value, value, *values]
    params += values
    return sql


def _feed_gig(row, layout: _FeedLayout) -> FeedGig:
    row = layout.columns.read(row)
    (gig_start, gig_end), *spans = layout.columns.spans
    cards = {name: card(*row[start:end]) for (name, card), (start, end) in zip(_FEED_CARDS, spans, strict=True)}
    return FeedGig(*row[gig_start:gig_end], **cards, plane_m2=row[0])


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
    return worker_reliabilities([WorkerProfile.objects.get(pk=worker.pk)])[worker.pk]


def worker_reliabilities(workers) -> dict[int, WorkerReliability]:
    """Each worker's record, in three queries however many workers a list shows."""
    ids = [worker.pk for worker in workers]
    counts = {row["worker_id"]: row for row in Assignment.objects.filter(worker_id__in=ids).values("worker_id")
              .annotate(completed=Count("id", filter=Q(status=AssignmentStatus.COMPLETED)),
                        no_shows=Count("id", filter=Q(status=AssignmentStatus.NO_SHOW)))}
    strikes = {row["worker_id"]: row for row in Strike.objects.filter(worker_id__in=ids).values("worker_id")
               .annotate(late=Count("id", filter=Q(reason=Strike.Reason.LATE_CANCEL)),
                         active=Count("id", filter=Q(cleared_at__isnull=True)))}
    now = timezone.now()
    records = {}
    for worker in workers:
        done = counts.get(worker.pk, {"completed": 0, "no_shows": 0})
        marks = strikes.get(worker.pk, {"late": 0, "active": 0})
        attended = done["completed"] + done["no_shows"]
        suspended = worker.suspended_until if worker.suspended_until and worker.suspended_until > now else None
        records[worker.pk] = WorkerReliability(
            completed=done["completed"], no_shows=done["no_shows"], late_cancellations=marks["late"],
            active_strikes=marks["active"],
            attendance_rate=round(done["completed"] / attended, 3) if attended else None,
            rating=average_rating(worker.rating_total, worker.rating_count), ratings=worker.rating_count,
            suspended_until=suspended)
    return records


@dataclass(frozen=True)
class EmployerStanding:
    rating: float | None
    ratings: int
    gigs_completed: int
    cancellations: int
    late_cancellations: int  # cancellations that owed workers show-up pay
    open_wage_disputes: int
    unpaid_assignments: int  # work done, pay not recorded after a day
    unresolved_wage_complaints: int = 0  # 欠薪投诉 not yet resolved: the employer may not post meanwhile
    unpaid_wages: Decimal = Decimal(0)  # claimed by those, and left unpaid by resolved ones


def employer_standing(employer) -> EmployerStanding:
    total, count = Employer.objects.values_list("rating_total", "rating_count").get(pk=employer.pk)
    # Counting statuses, of those two statuses only: read from the (employer, status) index alone, without visiting the
    # employer's gigs themselves (thousands of heap pages for a busy employer).
    gigs = employer.gigs.filter(status__in=(GigStatus.COMPLETED, GigStatus.CANCELLED)).aggregate(
        completed=Count("status", filter=Q(status=GigStatus.COMPLETED)),
        cancelled=Count("status", filter=Q(status=GigStatus.CANCELLED)),
    )
    assignments = Assignment.objects.filter(gig__employer=employer)
    unpaid = unpaid_wages(employer)
    return EmployerStanding(
        rating=average_rating(total, count), ratings=count,
        gigs_completed=gigs["completed"], cancellations=gigs["cancelled"],
        late_cancellations=assignments.filter(compensation__isnull=False).count(),
        open_wage_disputes=WageDispute.objects.filter(
            assignment__gig__employer=employer,
            status__in=(WageDispute.Status.OPEN, WageDispute.Status.MEDIATING)).count(),
        # The two states written out (zero_gig.db.Written): with them bound, the prepared statement's generic plan
        # counted every assignment of every gig of the employer (45 ms a gig page for a busy employer on 1M gigs);
        # written, it reads the small assignment_unpaid_checked_out index.
        unpaid_assignments=assignments.filter(
            status=Written(AssignmentStatus.CHECKED_OUT), pay_status=Written(PayStatus.NOT_DUE),
            checked_out_at__lt=timezone.now() - dt.timedelta(days=1)).count(),
        unresolved_wage_complaints=unpaid.complaints, unpaid_wages=unpaid.amount,
    )


# --- Who may see what -------------------------------------------------------------------------

def staff_center_ids(user) -> list[int]:
    return list(user.center_memberships.values_list("center_id", flat=True))


PUBLIC_GIG_STATUSES = (GigStatus.OPEN, GigStatus.FILLED)


def gigs_visible_to(viewer) -> QuerySet[Gig]:
    """Open and filled gigs are public; others only to their employer, the workers on them, their center's
    staff and the city."""
    gigs = Gig.objects.select_related("category", "employer", "center")
    if not viewer.is_authenticated:
        return gigs.filter(status__in=PUBLIC_GIG_STATUSES)
    if viewer.role == Role.CITY_ADMIN:
        return gigs
    visible = Q(status__in=PUBLIC_GIG_STATUSES)
    if viewer.role == Role.EMPLOYER and hasattr(viewer, "employer"):
        visible |= Q(employer=viewer.employer)
    elif viewer.role == Role.WORKER and hasattr(viewer, "worker_profile"):
        # A subquery, not a join: no duplicate rows, so no DISTINCT over every column of the gig and its joins.
        visible |= Q(pk__in=Assignment.objects.filter(worker=viewer.worker_profile).values("gig_id"))
    elif viewer.role == Role.CENTER_STAFF:
        visible |= Q(center_id__in=staff_center_ids(viewer))
    return gigs.filter(visible)


EMPLOYER_GIGS_NAMED = 500


def offers_never_taken(prefix: str = "") -> Q:
    """Assignments that are only an offer nobody took (`prefix` reaches them from another table). Who was offered
    a gig says where workers live or are: an employer never sees these, on any page or in any download."""
    return Q(**{f"{prefix}offered_at__isnull": False, f"{prefix}accepted_at__isnull": True})


def assignments_visible_to(viewer) -> QuerySet[Assignment]:
    """A worker sees their own; an employer those who applied to or took their gigs; staff those at their
    centers; the city all."""
    assignments = Assignment.objects.select_related("gig__category", "gig__employer", "gig__center", "worker__user",
                                                    "compensation")
    if not viewer.is_authenticated:
        return assignments.none()
    if viewer.role == Role.CITY_ADMIN:
        return assignments
    if viewer.role == Role.WORKER and hasattr(viewer, "worker_profile"):
        return assignments.filter(worker=viewer.worker_profile)
    if viewer.role == Role.EMPLOYER and hasattr(viewer, "employer"):
        # Who was offered a gig says where workers live or are: an employer sees only those who applied or
        # accepted, never an offer nobody took. An employer with few gigs names them (read by their index):
        # filtered through a join, PostgreSQL guesses an average employer and reads a list newest first by
        # walking every assignment of the city backwards (20 s with 1.5 million). One with many gigs has
        # assignments all along that walk, and a join is cheaper than a list of thousands of ids.
        gig_ids = list(Gig.objects.filter(employer=viewer.employer).values_list("pk", flat=True)[
            :EMPLOYER_GIGS_NAMED + 1])
        mine = Q(gig_id__in=gig_ids) if len(gig_ids) <= EMPLOYER_GIGS_NAMED else Q(gig__employer=viewer.employer)
        return assignments.filter(mine).exclude(offers_never_taken())
    if viewer.role == Role.CENTER_STAFF:
        return assignments.filter(gig__center_id__in=staff_center_ids(viewer))
    return assignments.none()


def gigs_of(viewer) -> QuerySet[Gig]:
    """The viewer's own gigs: an employer's posts, the gigs a worker is on, a staff member's centers' gigs, or
    every gig for the city."""
    gigs = Gig.objects.select_related("category", "employer", "center")
    if not viewer.is_authenticated:
        return gigs.none()
    if viewer.role == Role.CITY_ADMIN:
        return gigs
    if viewer.role == Role.EMPLOYER and hasattr(viewer, "employer"):
        return gigs.filter(employer=viewer.employer)
    if viewer.role == Role.WORKER and hasattr(viewer, "worker_profile"):
        return gigs.filter(pk__in=Assignment.objects.filter(worker=viewer.worker_profile).values("gig_id"))
    if viewer.role == Role.CENTER_STAFF:
        return gigs.filter(center_id__in=staff_center_ids(viewer))
    return gigs.none()


def people_on_gig(gig: Gig, *, viewer) -> QuerySet[Assignment]:
    """Who applied to or took a gig: for its employer, its center's staff and the city."""
    owner = viewer.is_authenticated and viewer.role == Role.EMPLOYER and gig.employer.owner_id == viewer.pk
    if not (owner or may_manage_center(viewer, gig.center_id)):
        raise PermissionDenied(_("This gig belongs to another employer."))
    return assignments_visible_to(viewer).filter(gig=gig)


def worker_card(worker_id: int, *, viewer) -> dict:
    """A worker as others see them before hiring: trades and reliability, never phone, ID number or home.

    The worker sees their own; an employer sees workers who applied to or took its gigs and its favourites;
    center staff and the city see any worker (they match people by hand).
    """
    workers = WorkerProfile.objects.prefetch_related("worker_trades__category")
    if not viewer.is_authenticated:
        raise PermissionDenied(_("Log in to see workers."))
    if viewer.role == Role.WORKER:
        if getattr(viewer, "worker_profile", None) is None or viewer.worker_profile.pk != worker_id:
            raise PermissionDenied(_("Workers see only their own card."))
    elif viewer.role == Role.EMPLOYER and hasattr(viewer, "employer"):
        workers = workers.filter(
            Q(pk__in=assignments_visible_to(viewer).values("worker_id"))
            | Q(pk__in=FavouriteWorker.objects.filter(employer=viewer.employer).values("worker_id")))
    elif viewer.role not in (Role.CENTER_STAFF, Role.CITY_ADMIN):
        raise PermissionDenied(_("Only employers, center staff and the city see workers' cards."))
    worker = workers.filter(pk=worker_id).first()
    if worker is None:
        raise Http404(_("No such worker, or not one you may see."))
    return {"id": worker.pk, "display_name": worker.display_name,
            "real_name_verified": worker.real_name_status == RealNameStatus.VERIFIED,
            "trades": [{"code": t.category.code, "name": t.category.name, "years_experience": t.years_experience,
                        "verified_at": t.verified_at, "verified_by_course": t.verified_by_course_id}
                       for t in worker.worker_trades.all()],
            "reliability": asdict(worker_reliability(worker))}


def favourite_workers(*, viewer) -> QuerySet[FavouriteWorker]:
    """An employer's favourite workers (they get the first wave of its new gigs), the newest first."""
    employer = getattr(viewer, "employer", None) if viewer.is_authenticated and viewer.role == Role.EMPLOYER else None
    if employer is None:
        raise PermissionDenied(_("Only employers keep favourite workers."))
    return (FavouriteWorker.objects.filter(employer=employer).select_related("worker")
            .prefetch_related("worker__worker_trades__category").order_by("-created_at", "-pk"))


class SiteAccess:
    """Whose eyes a gig's exact site is for: see Gig.place_at. An organisation's site is public; a household's
    goes to the workers hired there, the employer, the gig's center staff and the city. At most one query per
    viewer, however many gigs are shown."""

    def __init__(self, viewer):
        self.viewer = viewer
        self._centers: set[int] | None = None
        self._slots: set[int] | None = None

    def exact(self, gig) -> bool:
        viewer = self.viewer
        if not hasattr(gig, "site_latitude"):  # a feed card carries the public place only
            return gig.employer.kind == Employer.Kind.ORGANISATION
        if not gig.hides_site:
            return True
        if not (viewer and viewer.is_authenticated):
            return False
        if viewer.role == Role.CITY_ADMIN:
            return True
        if viewer.role == Role.EMPLOYER:
            return getattr(getattr(viewer, "employer", None), "pk", None) == gig.employer_id
        if viewer.role == Role.CENTER_STAFF:
            if self._centers is None:
                self._centers = set(staff_center_ids(viewer))
            return gig.center_id in self._centers
        if viewer.role == Role.WORKER and hasattr(viewer, "worker_profile"):
            if self._slots is None:
                self._slots = set(Assignment.objects.filter(worker=viewer.worker_profile, status__in=SLOT_HOLDING)
                                  .values_list("gig_id", flat=True))
            return gig.pk in self._slots
        return False


def public_place(gig) -> str:
    """Where a household's gig is, in words, for those who may not see its site: the district and the center
    near it, never a street."""
    from wages.areas import area_name

    return _("%(district)s, near %(center)s (the exact address is shown once you are hired)") % {
        "district": area_name(gig.center.region_code), "center": gig.center.name}


def contact_is_shared(assignment: Assignment) -> bool:
    """Phones are shown to the other side only once the worker holds a slot (a job is agreed)."""
    return assignment.status in SLOT_HOLDING


@dataclass(frozen=True)
class WorkerContact:
    """How an employer reaches a hired worker: their own phone, or for a walk-in without a phone the phone of
    the center they registered at (their news reaches them through its staff)."""

    phone: str
    via_center: str = ""


def worker_contact(assignment: Assignment) -> WorkerContact:
    worker = assignment.worker
    if worker.user.phone:
        return WorkerContact(worker.user.phone)
    center = worker.registered_at_center
    return WorkerContact(center.contact_phone if center else "", center.name if center else "")


def pending_reviews(viewer) -> QuerySet[Gig]:
    """Posts waiting for review at the viewer's centers (every center for the city). The status is written out
    (zero_gig.db.Written): bound, the prepared statement's generic plan took it for any status, a fifth of the gigs,
    and walked every gig of the city by creation time to find the few waiting ones (200-350 ms on 1M gigs)."""
    gigs = (Gig.objects.filter(status=Written(GigStatus.PENDING_REVIEW))
            .select_related("category", "employer", "center"))
    if viewer.is_authenticated and viewer.role == Role.CITY_ADMIN:
        return gigs
    if not (viewer.is_authenticated and viewer.role == Role.CENTER_STAFF):
        raise PermissionDenied(_("Only service-center staff and city administrators review posts."))
    return gigs.filter(center_id__in=staff_center_ids(viewer))


def site_check_in_code(gig: Gig, *, viewer, now: dt.datetime) -> tuple[str, dt.datetime]:
    """The rotating code the employer shows at the site; only the gig's employer may read it."""
    from .services import check_in_code

    employer = getattr(viewer, "employer", None) if viewer.is_authenticated and viewer.role == Role.EMPLOYER else None
    if employer is None or employer.pk != gig.employer_id:
        raise PermissionDenied(_("Only the gig's employer sees its check-in code."))
    return check_in_code(gig, now)


def nearby_radius_limits() -> tuple[float, float]:
    return rules.rule("NEARBY_DEFAULT_RADIUS_KM"), rules.rule("NEARBY_MAX_RADIUS_KM")


def board_snapshot(center_id: int) -> list[dict]:
    """What a center's big screen shows when it connects: its open and filling gigs, soonest first."""
    from .events import gig_brief

    return [gig_brief(gig) for gig in first_on_board(center_id, 200)]


BOARD_STATUSES = (GigStatus.OPEN, GigStatus.FILLED)


def on_board(center_id: int) -> QuerySet[Gig]:
    """A center's gigs on its board and hall screen: open and filling ones."""
    return Gig.objects.filter(center_id=center_id, status__in=BOARD_STATUSES).select_related("category")


def first_on_board(center_id: int, count: int) -> list[Gig]:
    """The `count` gigs of a center's board that start first. One ordered range read of the (center, status,
    starts_at) index per status, merged here: a single read of both statuses sorted by start walks every gig of the
    city in start order instead (seen on PostgreSQL: 1.6 s, 950,000 rows read for 60)."""
    ids = []
    for status in BOARD_STATUSES:
        ids += first_in_status(center_id, status, count)
    return sorted(gigs_in_order(ids, "category", "center"), key=lambda gig: (gig.starts_at, gig.pk))[:count]


def gigs_in_order(ids: list[int], *related: str) -> list[Gig]:
    """The gigs of `ids`, in that order, read by primary key with `related`: the second half of reading ids off an
    index first (first_in_status, board_gigs), so that the ordered statement never reads whole rows. The read is
    bounded by the ids (a LIMIT of their number), like every read of a list of gigs."""
    found = {gig.pk: gig for gig in Gig.objects.select_related(*related).filter(pk__in=ids).order_by()[:len(ids)]}
    return [found[pk] for pk in ids if pk in found]


def first_in_status(center_id: int, status: str, count: int) -> QuerySet:
    """The ids of the `count` gigs of a center in one status that start first: a range of the
    gig_center_status_start_id index, read in its order and from it alone. Ids only, because the statement runs
    prepared with a plan made for any center and status: asked for whole rows, PostgreSQL costed walking the
    city's gigs by start time as cheaper (and read a million rows for 60; 260 ms instead of 0.1)."""
    return (Gig.objects.filter(center_id=center_id, status=status).order_by("starts_at", "pk")
            .values_list("pk", flat=True)[:count])


# --- A center's console: the matching board and dispatch slips --------------------------------------

BOARD_GIGS = 30
BOARD_SUGGESTIONS = 5


@dataclass
class BoardGig:
    gig: Gig
    distance_km: float
    suggestions: list  # matching.Candidate, best first, only workers waiting in the hall


def board_gigs(center, *, viewer, waiting_ids: list[int], now: dt.datetime | None = None,
               radius_km: float | None = None) -> list[BoardGig]:
    """Open instant-hiring gigs near the center (any center's: the city's gigs are shared), soonest first, each
    with the matching engine's ranking of the workers waiting in the hall (jobs.matching: the same rules as the
    waves of offers)."""
    from . import matching

    if not may_manage_center(viewer, center.pk):
        raise PermissionDenied(_("Only staff of this center or a city administrator can open its board."))
    now = now or timezone.now()
    radius = radius_km or rules.rule("NEARBY_MAX_RADIUS_KM")
    lat_pad = radius / 110.5
    lng_pad = radius / (111.3 * math.cos(math.radians(min(89.0, abs(center.latitude) + lat_pad))))
    ids = (Gig.objects.filter(status=GigStatus.OPEN, hiring_mode=HiringMode.INSTANT, starts_at__gt=now,
                              latitude__range=(center.latitude - lat_pad, center.latitude + lat_pad),
                              longitude__range=(center.longitude - lng_pad, center.longitude + lng_pad))
           .order_by("starts_at", "id").values_list("pk", flat=True))
    board, read = [], 0
    while len(board) < BOARD_GIGS:
        # In slices: iterating the queryset itself would fetch every open gig in the box (40,000 in a city) for 30.
        # Ids first, off the gig_instant_start index alone, then their rows: the prepared statement's generic plan
        # guesses one gig in any box, and asked for whole rows it read and sorted every future gig of the city
        # (40,000 rows, 40-240 ms on 1M gigs) rather than walk an index in start order.
        batch_ids = list(ids[read:read + 2 * BOARD_GIGS])
        batch = gigs_in_order(batch_ids, "category", "employer", "center")
        read += len(batch_ids)
        for gig in batch:
            km = distance_km(center.point, gig.point)
            if km > radius:
                continue  # a corner of the box, outside the circle
            ranked = matching.rank(matching.candidates_for(gig, radius, now, among=waiting_ids), radius) \
                if waiting_ids else []
            board.append(BoardGig(gig=gig, distance_km=km, suggestions=ranked[:BOARD_SUGGESTIONS]))
            if len(board) >= BOARD_GIGS:
                break
        if len(batch_ids) < 2 * BOARD_GIGS:
            break
    return board


def dispatch_slip(assignment_id: int, *, viewer) -> Assignment:
    """A dispatch slip (派工单): the assignment staff made, with the gig, its exact site, the employer's contact and
    the consent. For staff of the center that dispatched the worker, or of the gig's center, and the city."""
    assignment = (Assignment.objects.select_related("gig__category", "gig__employer", "gig__center", "worker__user",
                                                    "dispatch_consent__center", "dispatch_consent__recorded_by")
                  .filter(pk=assignment_id, dispatch_consent__isnull=False).first())
    if assignment is None:
        raise Http404
    if not (may_manage_center(viewer, assignment.dispatch_consent.center_id)
            or may_manage_center(viewer, assignment.gig.center_id)):
        raise PermissionDenied(_("Only staff of the center that dispatched the worker can print this slip."))
    return assignment


def slip_on_site(assignment_id: int, code: str, *, viewer) -> Assignment:
    """The worker a dispatch slip's QR stands for, for whoever checks them in at the site: the gig's employer, or
    staff of the gig's center or of the center that sent them (services.slip_checker; others get 403). A wrong
    code is a 404, as if there were no slip."""
    from .services import slip_checker, slip_code_matches

    assignment = (Assignment.objects.select_related("gig__category", "gig__employer", "gig__center", "worker",
                                                    "dispatch_consent__center")
                  .filter(pk=assignment_id).first())
    if assignment is None or not slip_code_matches(assignment, code):
        raise Http404
    slip_checker(viewer, assignment)
    return assignment


def slip_on_gig(gig: Gig, code: str) -> Assignment | None:
    """The worker on `gig` whose dispatch slip carries `code` (typed on the employer's site page), if any."""
    from .services import slip_code_matches

    holding = gig.assignments.filter(status__in=(AssignmentStatus.ACCEPTED, AssignmentStatus.CHECKED_IN))
    return next((a for a in holding.select_related("gig", "worker") if slip_code_matches(a, code)), None)


def dispatches_today(center, *, viewer, now: dt.datetime | None = None) -> QuerySet[Assignment]:
    """The workers this center sent to gigs today, newest first."""
    if not may_manage_center(viewer, center.pk):
        raise PermissionDenied
    day = timezone.localdate(now or timezone.now())
    return (Assignment.objects.filter(dispatch_consent__center=center, dispatch_consent__recorded_at__date=day)
            .select_related("gig__category", "worker").order_by("-dispatch_consent__recorded_at"))


# --- Suspicious check-ins ---------------------------------------------------------------------------------

def suspicious_check_ins(center, *, viewer, reviewed: bool = False) -> QuerySet[SuspiciousCheckIn]:
    """The location check-ins at this center's gigs that did not look like a reading at the site (refused or let
    through), newest first; those not yet reviewed, or (reviewed=True) those staff have looked at."""
    if not may_manage_center(viewer, center.pk):
        raise PermissionDenied
    return (SuspiciousCheckIn.objects.filter(assignment__gig__center=center, reviewed_at__isnull=not reviewed)
            .select_related("assignment__gig", "assignment__worker__user", "reviewed_by")
            .order_by("-last_at", "-id"))


def suspicious_check_in_for_staff(pk: int, *, viewer) -> SuspiciousCheckIn:
    """One suspicious check-in, for the staff of its gig's center and the city (else 404)."""
    flag = (SuspiciousCheckIn.objects.select_related("assignment__gig__center", "assignment__worker__user")
            .filter(pk=pk).first())
    if flag is None or not may_manage_center(viewer, flag.assignment.gig.center_id):
        raise Http404
    return flag


# --- A center's hall screen ------------------------------------------------------------------------------

@dataclass(frozen=True)
class GoingRate:
    trade: Category
    pay_unit: str
    median: Decimal
    lowest: Decimal
    highest: Decimal
    gigs: int


HALL_SCREEN_GIGS = 60  # what a screen can scroll through in a minute or two
HALL_SCREEN_RATES = 8


def hall_screen_gigs(center_id: int) -> list[Gig]:
    """The gigs a center's hall screen lists: open and filling ones of the center, soonest first. Only public
    fields are read out of them (no employer contact, no exact site)."""
    return first_on_board(center_id, HALL_SCREEN_GIGS)


def going_rates(center_id: int) -> list[GoingRate]:
    """What a day's work pays now at a center: per trade and pay unit, the median, lowest and highest pay of the
    gigs on its board, the trades with most gigs first."""
    by_trade: dict[tuple[int, str], list[Decimal]] = {}
    for trade_id, unit, pay in on_board(center_id).order_by().values_list("category_id", "pay_unit", "pay_amount"):
        by_trade.setdefault((trade_id, unit), []).append(pay)
    trades = Category.objects.in_bulk({trade_id for trade_id, _unit in by_trade})
    rates = []
    for (trade_id, unit), pays in by_trade.items():
        rates.append(GoingRate(trade=trades[trade_id], pay_unit=unit, median=statistics.median(pays),
                               lowest=min(pays), highest=max(pays), gigs=len(pays)))
    rates.sort(key=lambda rate: (-rate.gigs, rate.trade.name))
    return rates[:HALL_SCREEN_RATES]


def hall_counts(center_id: int, now: dt.datetime) -> dict:
    """Today's counts on the hall screen: gigs open at the center, and workers placed today (taken or hired
    today and still on the gig or done with it)."""
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    # The city's placements of the day first (a range of the accepted_at index), then which of their gigs are the
    # center's: asked in one statement, the prepared statement's generic plan guessed thousands of placements a
    # day and read every gig of the center to join them (20 ms a screen on 1M gigs, for five placements).
    placed = collections.Counter(Assignment.objects.filter(
        accepted_at__gte=today, accepted_at__lt=today + dt.timedelta(days=1), status__in=SLOT_HOLDING,
    ).values_list("gig_id", flat=True))
    centers_gigs = Gig.objects.filter(pk__in=list(placed), center_id=center_id).values_list("pk", flat=True) \
        if placed else []
    return {
        "open_gigs": Gig.objects.filter(center_id=center_id, status=GigStatus.OPEN).count(),
        "placed_today": sum(placed[pk] for pk in centers_gigs),
    }
