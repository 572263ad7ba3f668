"""What a wave reads: `candidates_for` against a naive walk over every worker, and the work of a wave not growing
with the workers far away or with anyone's history (a city has a hundred thousand workers, most of them far)."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from geopy.distance import geodesic
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jobs import matching
from jobs.models import CLASHING, Assignment, AssignmentStatus, FavouriteWorker, GigStatus, Strike
from tests.factories import (
    AssignmentFactory,
    EmployerFactory,
    GigFactory,
    ServiceCenterFactory,
    TradeFactory,
    WorkerFactory,
)
from workers.models import Availability, WorkerTrade
from zero_gig.geo import Point, fast_distance_km

pytestmark = pytest.mark.django_db
SITE = Point(35.0690, 109.0756)
RADII = (3, 8, 20)

AGAINST_A_NAIVE_WALK = settings(max_examples=30, derandomize=True, database=None, deadline=None,
                                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def there(km: float, bearing: float) -> tuple[float, float]:
    point = geodesic(kilometers=km).destination((SITE.lat, SITE.lng), bearing)
    return point.latitude, point.longitude


class World:
    """A gig at SITE five hours from now, its employer, and gigs to hang workers' histories and clashes on."""

    def __init__(self, now):
        self.now, self.trade = now, TradeFactory()
        self.employer, self.center = EmployerFactory(), ServiceCenterFactory()
        self.gig = self.gig_at(now + dt.timedelta(hours=5))

    def gig_at(self, starts_at, status=GigStatus.OPEN):
        return GigFactory(employer=self.employer, center=self.center, category=self.trade, latitude=SITE.lat,
                          longitude=SITE.lng, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=8),
                          status=status)

    def worker(self, km, bearing=0.0, trade=None, completed=0, no_shows=0, late_cancels=0, **fields):
        lat, lng = there(km, bearing)
        worker = WorkerFactory(latitude=lat, longitude=lng, **fields)
        WorkerTrade.objects.create(worker=worker, category=trade or self.trade, years_experience=2)
        past = self.now - dt.timedelta(days=30)
        for status, times in ((AssignmentStatus.COMPLETED, completed), (AssignmentStatus.NO_SHOW, no_shows),
                              (AssignmentStatus.CANCELLED, late_cancels)):
            for _ in range(times):
                done = AssignmentFactory(gig=self.gig_at(past, GigStatus.COMPLETED), worker=worker, status=status)
                if status == AssignmentStatus.CANCELLED:
                    Strike.objects.create(worker=worker, assignment=done, reason=Strike.Reason.LATE_CANCEL,
                                          created_at=past)
        return worker


def naive_candidates(gig, radius_km, now, include_favourites_within):
    """The rules of candidates_for, worker by worker, over every worker there is."""
    fresh_since = now - dt.timedelta(minutes=matching.config("FRESH_LOCATION_MINUTES"))
    favourites = set(FavouriteWorker.objects.filter(employer=gig.employer).values_list("worker_id", flat=True))
    found = {}
    for trade in WorkerTrade.objects.filter(category=gig.category).select_related("worker"):
        worker = trade.worker
        mine = Assignment.objects.filter(worker=worker)
        if (worker.suspended_until and worker.suspended_until > now
                or not matching.available_for(worker.availability, gig.starts_at, now)
                or mine.filter(gig=gig).exists()
                or any(a.gig.starts_at < gig.ends_at and a.gig.ends_at > gig.starts_at
                       for a in mine.filter(status__in=CLASHING).select_related("gig"))):
            continue
        km = fast_distance_km(gig.point, Point(worker.latitude, worker.longitude))
        if worker.current_at and worker.current_at >= fresh_since:
            km = min(km, fast_distance_km(gig.point, Point(worker.current_latitude, worker.current_longitude)))
        favourite = worker.pk in favourites
        if km <= radius_km or (favourite and km <= include_favourites_within):
            found[worker.pk] = (favourite, mine.filter(status=AssignmentStatus.COMPLETED).count(),
                                mine.filter(status=AssignmentStatus.NO_SHOW).count(),
                                worker.strikes.filter(reason=Strike.Reason.LATE_CANCEL).count())
    return found


WORKER = st.fixed_dictionaries({
    "km": st.one_of(st.floats(0, 25), st.sampled_from([r * share for r in RADII for share in (0.999, 1.001)])),
    "bearing": st.floats(0, 360),
    "own_trade": st.sampled_from([True, True, True, False]),
    "availability": st.sampled_from(Availability.values),
    "suspended": st.sampled_from([False, False, False, True]),
    "favourite": st.booleans(),
    "on_this_gig": st.sampled_from([None, None, None, AssignmentStatus.OFFERED, AssignmentStatus.DECLINED,
                                    AssignmentStatus.WITHDRAWN]),
    # Another gig: overlapping or not, held or let go.
    "other_gig": st.sampled_from([None, None, ("overlapping", AssignmentStatus.ACCEPTED),
                                  ("overlapping", AssignmentStatus.COMPLETED),
                                  ("overlapping", AssignmentStatus.DECLINED), ("after", AssignmentStatus.ACCEPTED)]),
    "current": st.sampled_from([None, None, ("fresh", 1.0), ("fresh", 10.0), ("stale", 0.5)]),
    "history": st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(0, 1)),
})


def plain(km, **spec):
    """A worker of the gig's trade, free, with no record, unless `spec` says otherwise."""
    return {"km": km, "bearing": 30.0, "own_trade": True, "availability": Availability.ANY_DAY, "suspended": False,
            "favourite": False, "on_this_gig": None, "other_gig": None, "current": None, "history": (0, 0, 0), **spec}


# Favourites beyond the wave, inside and outside their reach, nearby ones left out for a reason, and a worker
# whose home is far but whose fresh location is near.
FAVOURITES_AND_REASONS = [plain(12, favourite=True, history=(2, 1, 1)), plain(21, favourite=True),
                          plain(2, favourite=True, suspended=True), plain(2.5, favourite=True),
                          plain(1, other_gig=("overlapping", AssignmentStatus.COMPLETED)),
                          plain(1.5, on_this_gig=AssignmentStatus.DECLINED), plain(15, current=("fresh", 1.0)),
                          plain(2, own_trade=False)]


@AGAINST_A_NAIVE_WALK
@example(specs=FAVOURITES_AND_REASONS, wave=(3, 20))
@example(specs=FAVOURITES_AND_REASONS, wave=(3, 0))
@given(specs=st.lists(WORKER, max_size=8), wave=st.sampled_from([(3, 20), (3, 0), (8, 0), (20, 0), (8, 20)]))
def test_the_candidates_are_exactly_those_a_naive_walk_over_every_worker_finds(specs, wave):
    radius_km, include_favourites_within = wave
    now = timezone.now()
    with transaction.atomic():
        world = World(now)
        other_trade = TradeFactory()
        for spec in specs:
            worker = world.worker(
                spec["km"], spec["bearing"], trade=None if spec["own_trade"] else other_trade,
                availability=spec["availability"],
                suspended_until=now + dt.timedelta(days=2) if spec["suspended"] else None,
                completed=spec["history"][0], no_shows=spec["history"][1], late_cancels=spec["history"][2])
            if spec["favourite"]:
                FavouriteWorker.objects.create(employer=world.employer, worker=worker)
            if spec["on_this_gig"]:
                AssignmentFactory(gig=world.gig, worker=worker, status=spec["on_this_gig"])
            if spec["other_gig"]:
                when, status = spec["other_gig"]
                starts = world.gig.starts_at + dt.timedelta(hours=4 if when == "overlapping" else 8)
                AssignmentFactory(gig=world.gig_at(starts), worker=worker, status=status)
            if spec["current"]:
                freshness, km = spec["current"]
                worker.current_latitude, worker.current_longitude = there(km, spec["bearing"] + 90)
                worker.current_at = now - dt.timedelta(minutes=5 if freshness == "fresh" else 600)
                worker.save()
        found = matching.candidates_for(world.gig, radius_km, now, include_favourites_within=include_favourites_within)
        expected = naive_candidates(world.gig, radius_km, now, include_favourites_within)
        transaction.set_rollback(True)

    assert len(found) == len({c.worker_id for c in found}), "a worker came twice"
    assert {c.worker_id: (c.favourite, c.completed, c.no_shows, c.late_cancels) for c in found} == expected


def test_a_wave_reads_no_more_when_far_workers_and_long_histories_are_added(now, monkeypatch):
    """The first wave (3 km, favourites out to 20 km) makes the same queries and measures the same workers
    whether or not the city has many more workers beyond 3 km, each with a long record, and long records
    nearby: the old search widened to 20 km for everyone and joined every worker's whole history."""
    world = World(now)
    near = [world.worker(km) for km in (0.5, 1.0, 2.0)]
    far_favourite = world.worker(12)
    FavouriteWorker.objects.create(employer=world.employer, worker=far_favourite)
    measured = []
    monkeypatch.setattr(matching, "fast_distance_km", lambda a, b: measured.append(b) or fast_distance_km(a, b))

    def wave():
        measured.clear()
        with CaptureQueriesContext(connection) as queries:
            found = matching.candidates_for(world.gig, 3, now, include_favourites_within=20)
        return {c.worker_id: c.completed for c in found}, len(queries), len(measured)

    found, queries, workers_measured = wave()
    assert found == {w.pk: 0 for w in [*near, far_favourite]}
    for n in range(6):  # out to 20 km and beyond, in every direction, each with a record
        world.worker(4 + 3 * n, bearing=60 * n, completed=2, no_shows=1, late_cancels=1)
    for _ in range(5):
        AssignmentFactory(gig=world.gig_at(now - dt.timedelta(days=30), GigStatus.COMPLETED), worker=near[0],
                          status=AssignmentStatus.COMPLETED)
    assert wave() == ({**found, near[0].pk: 5}, queries, workers_measured)
    assert queries <= 3  # the employer's favourites, the workers in the wave's reach, the favourites beyond it
