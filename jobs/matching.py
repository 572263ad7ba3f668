"""Matching (即时快招): who is offered an open gig, and in which waves.

Ranking is pure (`available_for`, `score`, `rank`); `candidates_for` reads the database;
`start_matching`/`send_next_wave`/`advance_matching` keep the wave state in GigMatching,
so the scheduler resumes after a restart. A worker who has any assignment on the gig
(offered, declined, ignored, cancelled, withdrawn) is never offered it again. Offers still unanswered
when the gig fills, is cancelled or closes are withdrawn (`withdraw_pending_offers`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from workers.models import Availability, RealNameStatus, WorkerProfile
from zero_gig.db import atomic_with_retry, locked
from zero_gig.geo import Point, covering_cells, fast_distance_km, h3_field

from . import events
from .exceptions import Conflict
from .models import (
    Assignment,
    AssignmentStatus,
    FavouriteWorker,
    Gig,
    GigMatching,
    GigStatus,
    HiringMode,
    Strike,
    clashing_with,
)


def config(name: str):
    return settings.MATCHING[name]


@dataclass(frozen=True)
class Candidate:
    worker_id: int
    distance_km: float
    years_experience: int
    verified: bool
    favourite: bool
    completed: int
    no_shows: int
    late_cancels: int
    skill_verified: bool = False  # the gig's trade is a verified skill of the worker (a completed course)


# --- Pure ranking ---------------------------------------------------------------------------

def available_for(availability: str, starts_at: dt.datetime, now: dt.datetime) -> bool:
    """Does a worker's stated availability cover a gig starting at `starts_at`?"""
    local = timezone.localtime(starts_at)
    if availability == Availability.UNAVAILABLE:
        return False
    if availability == Availability.AVAILABLE_NOW:
        return starts_at - now <= dt.timedelta(hours=24)
    if availability == Availability.WEEKDAYS:
        return local.weekday() < 5
    if availability == Availability.WEEKENDS:
        return local.weekday() >= 5
    return True


def score(candidate: Candidate, radius_km: float) -> float:
    """Higher is better: near and reliable above all, then experienced and verified. Weights sum to 1.

    Reliability is (completed + 1) / (completed + no-shows + late cancellations + 1): a newcomer starts at 1
    and each lapse costs, so a worker with a record of no-shows ranks below an untried one.

    A skill verified by a completed training course (programs.services.mark_completed) weighs 0.05, taken from
    nearness: between otherwise equal workers the trained one comes first, and it outweighs up to a seventh
    of the wave's radius in distance (430 m of a 3 km wave): a preference, not a licence to send anyone far."""
    nearness = 1 - min(candidate.distance_km / max(radius_km, 0.1), 1)
    attended = candidate.completed + candidate.no_shows
    reliability = (candidate.completed + 1) / (attended + candidate.late_cancels + 1)
    experience = min(candidate.years_experience, 10) / 10
    return (0.35 * nearness + 0.4 * reliability + 0.1 * experience + 0.1 * candidate.verified
            + 0.05 * candidate.skill_verified)


def rank(candidates: list[Candidate], radius_km: float) -> list[Candidate]:
    """Favourites first, then by score, then nearest; ties broken by id so the order is stable."""
    return sorted(candidates, key=lambda c: (not c.favourite, -score(c, radius_km), c.distance_km, c.worker_id))


# --- Reading candidates ---------------------------------------------------------------------

def _history_count(queryset):
    """The number of rows of `queryset` (filtered by worker=OuterRef("pk")): one indexed count per candidate."""
    return Coalesce(Subquery(queryset.order_by().values("worker_id").annotate(n=Count("*")).values("n")), 0)


def _near(site: Point, reach: float, fresh_since: dt.datetime) -> Q:
    """Home, or a fresh current location, in a box around the site never narrower than the reach: a degree of
    latitude is at least 110.5 km, one of longitude 111.3 km × cos(latitude) at the box's edge nearest a pole.
    Homes are found by the cells covering the disc (an index), the box trims the cells' corners. A shortlist:
    the exact distance decides."""
    res, cells = covering_cells(site, reach)
    lat_pad = reach / 110.5
    lng_pad = reach / (111.3 * math.cos(math.radians(min(89.0, abs(site.lat) + lat_pad))))
    lat_range, lng_range = (site.lat - lat_pad, site.lat + lat_pad), (site.lng - lng_pad, site.lng + lng_pad)
    return (Q(**{f"{h3_field(res)}__in": cells}, latitude__range=lat_range, longitude__range=lng_range)
            | Q(current_at__gte=fresh_since, current_latitude__range=lat_range, current_longitude__range=lng_range))


def candidates_for(gig: Gig, radius_km: float, now: dt.datetime, include_favourites_within: float = 0,
                   among: list[int] | None = None) -> list[Candidate]:
    """Workers of the gig's trade within `radius_km` (home, or current location while fresh), free at that time,
    not suspended, and never offered this gig before. Favourites count up to `include_favourites_within`.
    `among`: only these workers (a center's board asks about those waiting in its hall).

    Reads only the wave's disc: the employer's favourites (a handful) are looked up by id, not by widening the
    search, and each shortlisted worker's record comes as indexed counts, not as rows of history."""
    site = gig.point
    fresh_since = now - dt.timedelta(minutes=config("FRESH_LOCATION_MINUTES"))
    on_gig = Assignment.objects.filter(worker_id=OuterRef("pk"), gig_id=gig.pk)
    busy = Assignment.objects.filter(clashing_with(gig), worker_id=OuterRef("pk"))
    history = Assignment.objects.filter(worker_id=OuterRef("pk"))
    workers = WorkerProfile.objects.filter(pk__in=among) if among is not None else WorkerProfile.objects
    free_then = [choice for choice in Availability.values if available_for(choice, gig.starts_at, now)]
    eligible = (workers.filter(worker_trades__category_id=gig.category_id, availability__in=free_then)
                .exclude(suspended_until__gt=now)
                .exclude(Exists(on_gig))
                .exclude(Exists(busy))
                .annotate(completed=_history_count(history.filter(status=AssignmentStatus.COMPLETED)),
                          no_shows=_history_count(history.filter(status=AssignmentStatus.NO_SHOW)),
                          late_cancels=_history_count(Strike.objects.filter(worker_id=OuterRef("pk"),
                                                                            reason=Strike.Reason.LATE_CANCEL)))
                .order_by()
                .values_list("pk", "latitude", "longitude", "current_latitude", "current_longitude", "current_at",
                             "real_name_status", "worker_trades__years_experience", "worker_trades__verified_at",
                             "completed", "no_shows", "late_cancels"))
    favourites = set(FavouriteWorker.objects.filter(employer_id=gig.employer_id).values_list("worker_id", flat=True))
    rows = {row[0]: row for row in eligible.filter(_near(site, radius_km, fresh_since))}
    if favourites and include_favourites_within > radius_km:
        rows.update((row[0], row) for row in eligible.filter(pk__in=favourites - rows.keys()))
    found = []
    for (pk, lat, lng, cur_lat, cur_lng, cur_at, real_name, years, skill_verified_at, completed, no_shows,
         late_cancels) in rows.values():
        km = fast_distance_km(site, Point(lat, lng))
        if cur_at and cur_at >= fresh_since and cur_lat is not None:
            km = min(km, fast_distance_km(site, Point(cur_lat, cur_lng)))
        favourite = pk in favourites
        if km > radius_km and not (favourite and km <= include_favourites_within):
            continue
        found.append(Candidate(pk, km, years, real_name == RealNameStatus.VERIFIED, favourite, completed, no_shows,
                               late_cancels, skill_verified=skill_verified_at is not None))
    return found


# --- Waves ------------------------------------------------------------------------------------

def start_matching(gig: Gig, now: dt.datetime | None = None) -> GigMatching | None:
    """A gig opened, reopened or freed a slot: send a wave now (instant-hiring gigs only)."""
    if gig.hiring_mode != HiringMode.INSTANT:
        return None
    now = now or timezone.now()
    matching, created = GigMatching.objects.get_or_create(gig=gig, defaults={"next_wave_at": now})
    if not created:
        if matching.finished_at is not None:
            matching.waves_sent = 0  # start near again; those offered before are still left out
        matching.finished_at, matching.finish_reason, matching.next_wave_at = None, "", now
        matching.save()
    send_next_wave(matching, now)
    return matching


def _finish(matching: GigMatching, reason: str, now: dt.datetime) -> int:
    matching.finished_at, matching.finish_reason, matching.next_wave_at = now, reason, None
    matching.save(update_fields=["finished_at", "finish_reason", "next_wave_at"])
    return 0


@atomic_with_retry
def send_next_wave(matching: GigMatching, now: dt.datetime) -> int:
    """Offer the gig to the next best workers, a little further out than last time; returns offers sent."""
    locked(Gig.objects.only("pk"), matching.gig_id)  # the gig before its matching row: the order of jobs.services
    matching = locked(GigMatching.objects.select_related("gig__category", "gig__employer"), matching.pk)
    gig = matching.gig
    if matching.finished_at is not None:
        return 0
    if gig.status != GigStatus.OPEN or gig.slots_left == 0:
        return _finish(matching, "filled" if gig.status == GigStatus.FILLED else f"gig {gig.status}", now)
    if gig.starts_at <= now:
        return _finish(matching, "started", now)
    if matching.waves_sent >= config("MAX_WAVES"):
        return _finish(matching, "no more waves", now)
    radii = config("WAVE_RADII_KM")
    radius = radii[min(matching.waves_sent, len(radii) - 1)]
    first = matching.waves_sent == 0
    ranked = rank(candidates_for(gig, radius, now, include_favourites_within=radii[-1] if first else 0), radius)
    size = max(config("WAVE_SIZE"), gig.slots_left * config("OFFERS_PER_SLOT"))
    if first:  # the employer's favourites come on top of the first wave
        chosen = [c for c in ranked if c.favourite] + [c for c in ranked if not c.favourite][:size]
    else:
        chosen = ranked[:size]
    wave = matching.waves_sent + 1
    created = Assignment.objects.bulk_create([
        Assignment(gig=gig, worker_id=c.worker_id, status=AssignmentStatus.OFFERED, offered_at=now, offer_wave=wave)
        for c in chosen])
    workers = WorkerProfile.objects.in_bulk([c.worker_id for c in chosen])
    for assignment in created:
        assignment.worker = workers[assignment.worker_id]
    events.offers(gig, [(a, c.distance_km) for a, c in zip(created, chosen, strict=True)], wave)
    matching.waves_sent = wave
    matching.offers_sent += len(created)
    matching.next_wave_at = now + dt.timedelta(seconds=config("WAVE_DELAY_SECONDS"))
    matching.save(update_fields=["waves_sent", "offers_sent", "next_wave_at"])
    return len(created)


def advance_matching(now: dt.datetime) -> int:
    """Scheduler duty: send every wave that is due, and withdraw offers that can no longer be taken."""
    due = GigMatching.objects.filter(finished_at__isnull=True, next_wave_at__lte=now)
    return sum(send_next_wave(matching, now) for matching in due) + withdraw_stale_offers(now)


# --- Withdrawing offers ---------------------------------------------------------------------

WITHDRAWN_BECAUSE = {
    "filled": gettext_lazy("Every slot of the gig is taken."),
    "cancelled": gettext_lazy("The gig was cancelled."),
    "closed": gettext_lazy("The gig has closed."),
    "held": gettext_lazy("The gig is held for review after reports from workers."),
    "taken_down": gettext_lazy("The gig was taken down by its service center."),
}


def withdrawal_reason(gig: Gig) -> str:
    if gig.status == GigStatus.FILLED:
        return "filled"
    return {GigStatus.CANCELLED: "cancelled", GigStatus.HELD: "held",
            GigStatus.TAKEN_DOWN: "taken_down"}.get(gig.status, "closed")


def withdraw_pending_offers(gig: Gig, now: dt.datetime, reason: str) -> int:
    """Offers nobody has answered yet are withdrawn (offered → withdrawn, a transition of
    Assignment.TRANSITIONS) and each worker is told, instead of finding out by a refusal when they accept.
    `reason` is a key of WITHDRAWN_BECAUSE. Locks the offers by id, after the gig (the global lock order)."""
    pending = list(Assignment.objects.select_for_update(of=("self",)).select_related("worker")
                   .filter(gig=gig, status=AssignmentStatus.OFFERED).order_by("id"))
    if not pending:
        return 0
    Assignment.moved(Assignment.objects.filter(pk__in=[a.pk for a in pending]), AssignmentStatus.WITHDRAWN,
                     cancelled_at=now, cancelled_by="system", cancel_reason=gettext(WITHDRAWN_BECAUSE[reason]),
                     updated_at=now)
    events.offers_withdrawn(gig, pending, reason)
    return len(pending)


def refuse_withdrawn_offer(assignment: Assignment | None, gig: Gig) -> None:
    """A worker answering an offer that was withdrawn hears why it went, as anyone accepting the gig now would,
    not "you have already responded"; if the gig is open again with a slot, the offer stands. Called by
    accept_gig before its other checks."""
    if assignment is None or assignment.status != AssignmentStatus.WITHDRAWN:
        return
    if gig.status == GigStatus.FILLED or (gig.status == GigStatus.OPEN and gig.slots_left == 0):
        raise Conflict(gettext("No slots left on this gig."), code="no_slots_left")
    if gig.status != GigStatus.OPEN:
        raise gig.not_open_refusal()


def withdraw_stale_offers(now: dt.datetime) -> int:
    """Scheduler duty (with the waves): offers on gigs that are no longer open or have started, whichever way
    they got there (a gig getting under way has no hook of its own). The duty runs every few seconds, so a day
    back is plenty; older leftovers (from before offers were withdrawn) are not worth telling anyone about."""
    stale = (Gig.objects.filter(assignments__status=AssignmentStatus.OFFERED, starts_at__gt=now - dt.timedelta(days=1))
             .filter(~Q(status=GigStatus.OPEN) | Q(starts_at__lte=now)).values_list("pk", flat=True).distinct())
    return sum(_withdraw_stale_offers_of(gig_id, now) for gig_id in list(stale))


@atomic_with_retry
def _withdraw_stale_offers_of(gig_id: int, now: dt.datetime) -> int:
    """One gig's stale offers, in a transaction of their own: the gig locked first (the lock order), and looked at
    again under the lock, since it may have opened again meanwhile."""
    gig = locked(Gig.objects.select_related("category"), gig_id)
    if gig.status == GigStatus.OPEN and gig.starts_at > now:
        return 0
    return withdraw_pending_offers(gig, now, withdrawal_reason(gig))
