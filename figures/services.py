"""Computing the figures a center reports, and keeping the pre-aggregates (models.Figure) fresh.

What is counted (the same words are on the figures page):

- **Job seekers (求职人数)**: distinct workers who sought work through a center in the period: checked in to
  its hall (centers.HallVisit), or applied for or took a slot on one of its gigs (an assignment they started
  themselves — not an offer the matching engine sent — on its creation day; any assignment on the day its slot
  was taken). City-wide, a worker counted at two centers is one job seeker.
- **Openings (招聘人数)**: the headcount of the gigs a center published in the period, on the day they went
  public: the review day for reviewed gigs, else the day posted (`reviewed_at`, else `created_at`). Drafts and
  gigs waiting for review are not openings; a published gig later cancelled or expired still was one.
- **Fill rate**: of those openings, the share of slots taken now (`Gig.accepted_count / headcount`, summed).
- **Placements (上岗人数)**: workers who started work (checked in at the site) on the center's gigs, on the
  check-in day.
- **Median time to fill**: over the center's gigs whose last slot was taken in the period (all slots held now),
  the median of (moment the last slot was taken − moment the gig went public). Exact (the middle value, or the
  mean of the two middle values), at every period: each period's median is computed from its own gigs.
- **Walk-ins served**: hall check-ins at the center (a worker checked in on two days counts twice).
- **Training completions**: course completions of the center's courses, on the completion day.
- **Job-fair hires**: hires that came of a center's fairs as programs.selectors.fair_hires defines them (a
  worker registered for the fair took a slot on a gig brought to it, within the fair's window), on the day
  the slot was taken.

Which center a fact belongs to: the gig's center for openings, fills, placements and job seekers who took or
applied for a gig; the hall's center for walk-ins and job seekers who checked in; the course's and the fair's
center for completions and fair hires. Days are local days in Asia/Shanghai; weeks are ISO weeks from Monday,
quarters calendar quarters.

Refreshing: hooks (figures.hooks) mark the local days a change touched as dirty after its transaction commits;
`refresh()` (the scheduler's `refresh_figures` duty, 5 minutes apart) recomputes the day, ISO week, month and
quarter around each dirty day for every center and the city, reading only those periods' rows. `rebuild()`
(management command `rebuild_figures`) recomputes everything. Both go through `collect()` and
`aggregate()`, so they agree.

Why a finished row per period rather than daily rows summed at read time: job seekers are distinct people and
a median does not combine, so daily rows would have to carry worker ids and every fill duration (or a
histogram) and the read would merge them per request. Recomputing a quarter instead reads that quarter's
rows once per refresh (a dirty day costs its quarter: a few index or sequential range scans of the
assignments, about 0.2 s each on the 100,000-gig data under load, see docs/benchmarks.md), and a report page
then reads a few hundred small rows by index whatever the size of the market. The medians are exact: the
durations of the period's own fills, sorted in memory during the refresh (a quarter of the whole city is some
tens of thousands of values). The assignments' time columns have no index of their own (jobs owns them);
one on `accepted_at` and `checked_in_at` would turn those scans into range reads if refreshing ever costs
too much.
"""

from __future__ import annotations

import datetime as dt
import logging
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Min, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from centers.models import HallVisit
from jobs.models import SLOT_HOLDING, Assignment, Gig, GigStatus
from programs.models import Enrolment

from .models import DirtyDay, Figure
from .periods import KINDS, is_kept, next_start, start_of, starts_between

log = logging.getLogger(__name__)

UNPUBLISHED = (GigStatus.DRAFT, GigStatus.PENDING_REVIEW)
COUNTS = ("openings", "slots_taken", "placements", "walk_ins", "completions", "fair_hires")
CITY = None  # the key of city-wide figures


def local_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The moments the local days first..last begin and end (end exclusive)."""
    zone = timezone.get_default_timezone()
    return (dt.datetime.combine(first, dt.time.min, tzinfo=zone),
            dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone))


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


@dataclass
class Facts:
    """The raw facts of some days, each with its center and local day."""

    counts: dict[tuple[int, dt.date, str], int] = field(default_factory=lambda: defaultdict(int))
    seekers: set[tuple[int, dt.date, int]] = field(default_factory=set)
    fills: list[tuple[int, dt.date, int]] = field(default_factory=list)  # (center, day, seconds to fill)


def _in(field_name: str, start: dt.datetime, end: dt.datetime) -> Q:
    return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


def published_gigs():
    """Gigs that went public, with the moment they did (`published_at`)."""
    return Gig.objects.exclude(status__in=UNPUBLISHED).annotate(published_at=Coalesce("reviewed_at", "created_at"))


def fair_hire_rows():
    """(fair's center, slot taken at, assignment) for every hire of a fair, as fair_hires() counts them."""
    return (Assignment.objects.filter(status__in=SLOT_HOLDING,
                                      accepted_at__gte=F("gig__fairs__fair__starts_at"),
                                      accepted_at__lte=F("gig__fairs__fair__ends_at"),
                                      worker__fair_registrations__fair=F("gig__fairs__fair"))
            .order_by().values_list("gig__fairs__fair__center_id", "gig__fairs__fair_id", "accepted_at", "id")
            .distinct())


def collect(first: dt.date, last: dt.date) -> Facts:
    """Every counted fact of the local days first..last, read from the source tables."""
    start, end = local_bounds(first, last)
    facts = Facts()

    def add(name, rows):
        for center, day, n in rows:
            facts.counts[center, day, name] += n

    gigs = published_gigs().filter(_in("published_at", start, end))
    rows = (gigs.annotate(day=TruncDate("published_at")).values("center_id", "day")
            .annotate(headcount=Sum("headcount"), taken=Sum("accepted_count"))
            .values_list("center_id", "day", "headcount", "taken"))
    for center, day, headcount, taken in rows:
        facts.counts[center, day, "openings"] += headcount or 0
        facts.counts[center, day, "slots_taken"] += taken or 0

    add("placements", Assignment.objects.filter(_in("checked_in_at", start, end))
        .annotate(day=TruncDate("checked_in_at")).values("gig__center_id", "day").annotate(n=Count("id"))
        .values_list("gig__center_id", "day", "n"))
    add("walk_ins", HallVisit.objects.filter(day__gte=first, day__lte=last).values("center_id", "day")
        .annotate(n=Count("id")).values_list("center_id", "day", "n"))
    add("completions", Enrolment.objects.filter(_in("completed_at", start, end))
        .annotate(day=TruncDate("completed_at")).values("course__center_id", "day").annotate(n=Count("id"))
        .values_list("course__center_id", "day", "n"))
    for center, _fair, accepted_at, _assignment in fair_hire_rows().filter(_in("accepted_at", start, end)):
        facts.counts[center, local_day(accepted_at), "fair_hires"] += 1

    facts.seekers.update(HallVisit.objects.filter(day__gte=first, day__lte=last)
                         .order_by().values_list("center_id", "day", "worker_id").distinct())
    facts.seekers.update(Assignment.objects.filter(_in("created_at", start, end), offered_at__isnull=True)
                         .annotate(day=TruncDate("created_at"))
                         .order_by().values_list("gig__center_id", "day", "worker_id").distinct())
    facts.seekers.update(Assignment.objects.filter(_in("accepted_at", start, end))
                         .annotate(day=TruncDate("accepted_at"))
                         .order_by().values_list("gig__center_id", "day", "worker_id").distinct())

    # Gigs filled in the range: only those with a slot taken in it can be (read from the assignments first,
    # so the slot times of every other gig are not aggregated); the duration is worked out in the database.
    touched = Assignment.objects.filter(_in("accepted_at", start, end)).order_by().values("gig_id")
    filled = (published_gigs().filter(pk__in=touched, accepted_count__gte=F("headcount"))
              .annotate(filled_at=Max("assignments__accepted_at", filter=Q(assignments__status__in=SLOT_HOLDING)))
              .filter(_in("filled_at", start, end))
              .annotate(day=TruncDate("filled_at"),
                        took=ExpressionWrapper(F("filled_at") - F("published_at"), output_field=DurationField()))
              .order_by())
    for center, day, took in filled.values_list("center_id", "day", "took"):
        facts.fills.append((center, day, max(0, round(took.total_seconds()))))
    return facts


Key = tuple  # (center id or None, kind, first day)


def aggregate(facts: Facts, periods: set[tuple[str, dt.date]] | None = None) -> dict[Key, dict]:
    """The figures of every (center and the city) × period the facts fall in, restricted to `periods` if
    given. Counts add up; job seekers are distinct workers; the median is over the period's own fills."""
    result: dict[Key, dict] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    seekers: dict[Key, set] = defaultdict(set)
    fills: dict[Key, list] = defaultdict(list)

    def keys(center: int, day: dt.date):
        for kind in KINDS:
            start = start_of(kind, day)
            if periods is None or (kind, start) in periods:
                yield center, kind, start
                yield CITY, kind, start

    for (center, day, name), n in facts.counts.items():
        for key in keys(center, day):
            result[key][name] += n
    for center, day, worker in facts.seekers:
        for key in keys(center, day):
            seekers[key].add(worker)
    for center, day, seconds in facts.fills:
        for key in keys(center, day):
            fills[key].append(seconds)
    for key in set(seekers) | set(fills):
        result[key]  # noqa: B018 — a period with only seekers or fills still gets its row
    for key, row in result.items():
        row["seekers"] = len(seekers.get(key, ()))
        durations = fills.get(key, [])
        row["gigs_filled"] = len(durations)
        row["median_fill_seconds"] = round(statistics.median(durations)) if durations else None
    return dict(result)


def _write(figures: dict[Key, dict], periods: Iterable[tuple[str, dt.date]], now: dt.datetime) -> int:
    """Replace the stored rows of `periods` (every center and the city) by `figures`."""
    periods = list(periods)
    by_kind = defaultdict(list)
    for kind, start in periods:
        by_kind[kind].append(start)
    with transaction.atomic():
        for kind, starts in by_kind.items():
            for chunk in range(0, len(starts), 500):
                Figure.objects.filter(kind=kind, start__in=starts[chunk:chunk + 500]).delete()
        Figure.objects.bulk_create(
            [Figure(center_id=center, kind=kind, start=start, refreshed_at=now, **row)
             for (center, kind, start), row in figures.items()], batch_size=1000)
    return len(figures)


def _periods_around(days: Iterable[dt.date]) -> set[tuple[str, dt.date]]:
    return {(kind, start_of(kind, day)) for day in days for kind in KINDS}


def _spans(periods: set[tuple[str, dt.date]]) -> list[tuple[dt.date, dt.date, set]]:
    """Group periods into runs of days (first, last, periods) that overlap or touch, so that each run is read
    once and a day far away from the others does not widen the read."""
    ranges = sorted((start, next_start(kind, start) - dt.timedelta(days=1), (kind, start)) for kind, start in periods)
    spans: list[tuple[dt.date, dt.date, set]] = []
    for first, last, period in ranges:
        if spans and first <= spans[-1][1] + dt.timedelta(days=1):
            spans[-1] = (spans[-1][0], max(spans[-1][1], last), spans[-1][2] | {period})
        else:
            spans.append((first, last, {period}))
    return spans


def refresh_days(days: Iterable[dt.date], now: dt.datetime | None = None) -> int:
    """Recompute the day, week, month and quarter around each of `days`, for every center and the city."""
    now = now or timezone.now()
    written = 0
    days = set(filter(is_kept, days))  # a stray mark beyond the kept days ended every refresh
    for first, last, periods in _spans(_periods_around(days)):
        written += _write(aggregate(collect(first, last), periods), periods, now)
    return written


def refresh(now: dt.datetime | None = None) -> int:
    """Recompute the periods around the dirty days (the scheduler's duty); returns how many days it took.

    A day marked again while it is being refreshed keeps its mark (only marks made before the read are
    cleared), so no change is lost."""
    marks = list(DirtyDay.objects.values_list("id", "day", "marked_at"))
    if not marks:
        return 0
    started = timezone.now()
    refresh_days({day for _id, day, _at in marks}, now)
    DirtyDay.objects.filter(id__in=[pk for pk, _day, _at in marks], marked_at__lt=started).delete()
    return len(marks)


def mark_dirty(days: Iterable[dt.date | None]) -> None:
    """Note local days whose figures changed (called after the change committed).

    One statement (insert, or move marked_at on, a day already there), with the days in order, so that the
    many accepts of a busy hour, all marking today, queue briefly on its row and never lock two days in opposite
    orders. A failure here loses no figure (the periodic refresh of recent quarters recomputes them), so it is
    logged rather than failing a request whose change has already committed."""
    days = sorted({day for day in days if day is not None and is_kept(day)})
    if not days:
        return
    now = timezone.now()
    try:
        DirtyDay.objects.bulk_create([DirtyDay(day=day, marked_at=now) for day in days], update_conflicts=True,
                                     unique_fields=["day"], update_fields=["marked_at"])
    except DatabaseError:
        log.warning("could not mark the figures of %s for a refresh; the periodic refresh will", days,
                    exc_info=True)


def first_fact_day() -> dt.date | None:
    """The earliest local day any counted fact lies on."""
    candidates = [
        Gig.objects.aggregate(m=Min("created_at"))["m"],
        Assignment.objects.aggregate(m=Min("created_at"))["m"],
        Enrolment.objects.aggregate(m=Min("completed_at"))["m"],
    ]
    days = [local_day(m) for m in candidates if m is not None]
    visit = HallVisit.objects.aggregate(m=Min("day"))["m"]
    if visit:
        days.append(visit)
    return min(days) if days else None


def rebuild(first: dt.date | None = None, last: dt.date | None = None, *, now: dt.datetime | None = None,
            progress=None) -> int:
    """Recompute every period from the first fact to today (or the quarters covering first..last), a quarter at
    a time so that memory stays bounded; clears the dirty marks it covers. Returns the rows written."""
    now = now or timezone.now()
    if first is None:
        Figure.objects.all().delete()  # a full rebuild leaves no row of an earlier definition behind
        first = first_fact_day()
        if first is None:
            return 0
    last = last or timezone.localdate(now)
    written = 0
    # Each ISO week is computed with the quarter its Monday lies in; start at the quarter of the first week.
    quarter = start_of("quarter", start_of("week", first))
    while quarter <= last:
        # A quarter and the ISO weeks that start in it (the last may run into the next quarter).
        end = next_start("quarter", quarter)
        days = (quarter, end - dt.timedelta(days=1))
        periods = {(kind, start) for kind in KINDS for start in starts_between(kind, *days) if start >= quarter}
        read_to = max(next_start(kind, start) for kind, start in periods) - dt.timedelta(days=1)
        marked_before = timezone.now()
        written += _write(aggregate(collect(quarter, read_to), periods), periods, now)
        DirtyDay.objects.filter(day__gte=quarter, day__lt=end, marked_at__lt=marked_before).delete()
        if progress:
            progress(quarter, written)
        quarter = end
    return written


def refresh_recent(now: dt.datetime | None = None) -> int:
    """Recompute this quarter and the one before (every 6 hours): catches the changes no signal reports (bulk
    status moves such as a draft expiring unpublished). Returns the rows written."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first = start_of("quarter", start_of("quarter", today) - dt.timedelta(days=1))
    return refresh_days([first + dt.timedelta(days=n) for n in range((today - first).days + 1)], now)
