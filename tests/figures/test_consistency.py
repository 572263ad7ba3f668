"""The pre-aggregates agree with a brute-force count of the raw rows, on the known quarter and on random
worlds; refreshing only the days that changed gives what a full rebuild gives."""

import datetime as dt
import random

import pytest

from centers import services as center_services
from centers.models import HallVisit
from figures import services
from figures.models import DirtyDay, Figure
from jobs.models import Assignment, AssignmentStatus, GigStatus
from programs.models import Course, Enrolment, FairGig, FairRegistration, JobFair
from tests.factories import CenterStaffFactory, ServiceCenterFactory, TradeFactory, WorkerFactory

from .brute import brute_figures, stored_figures
from .conftest import BJ, assignment, gig

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 10, tzinfo=BJ)  # the world straddles the end of Q1 and of an ISO week


def moment(rng: random.Random) -> dt.datetime:
    """Somewhere in six weeks, often within minutes of local midnight."""
    day = START + dt.timedelta(days=rng.randrange(42))
    if rng.random() < 0.4:
        return day + dt.timedelta(minutes=rng.choice((-30, -1, 0, 1, 30)))
    return day + dt.timedelta(minutes=rng.randrange(24 * 60))


def random_world(seed: int) -> None:
    rng = random.Random(seed)
    centers = [ServiceCenterFactory() for _ in range(3)]
    staff = CenterStaffFactory(center=centers[0]).user
    workers = [WorkerFactory() for _ in range(8)]
    statuses = [GigStatus.OPEN, GigStatus.FILLED, GigStatus.COMPLETED, GigStatus.CANCELLED, GigStatus.DRAFT,
                GigStatus.PENDING_REVIEW, GigStatus.EXPIRED]
    gigs = []
    for _ in range(14):
        created = moment(rng)
        reviewed = created + dt.timedelta(hours=rng.randrange(30)) if rng.random() < 0.3 else None
        headcount = rng.randint(1, 3)
        people = rng.sample(workers, rng.randint(0, 4))
        takers = people[:headcount]
        made = gig(rng.choice(centers), f"{created:%Y-%m-%dT%H:%M}", headcount=headcount, taken=len(takers),
                   status=rng.choice(statuses),
                   reviewed=f"{reviewed:%Y-%m-%dT%H:%M}" if reviewed else None)
        gigs.append(made)
        for worker in people:
            start = created + dt.timedelta(minutes=rng.randrange(3 * 24 * 60))
            took = worker in takers
            checked = start + dt.timedelta(hours=rng.randrange(48)) if took and rng.random() < 0.5 else None
            assignment(made, worker, created=f"{start:%Y-%m-%dT%H:%M}", offered=rng.random() < 0.5,
                       accepted=f"{start + dt.timedelta(hours=rng.randrange(20)):%Y-%m-%dT%H:%M}" if took else None,
                       checked_in=f"{checked:%Y-%m-%dT%H:%M}" if checked else None,
                       status=None if took else rng.choice([AssignmentStatus.APPLIED, AssignmentStatus.DECLINED]))
    for _ in range(10):
        when = moment(rng)
        HallVisit.objects.get_or_create(center=rng.choice(centers), worker=rng.choice(workers),
                                        day=when.astimezone(BJ).date(),
                                        defaults={"checked_in_at": when, "checked_in_by": staff,
                                                  "checked_out_at": when})
    course = Course.objects.create(center=centers[1], title="课", place="室", capacity=9, trade=TradeFactory())
    for worker in rng.sample(workers, 4):
        Enrolment.objects.create(course=course, worker=worker, signed_up_at=START,
                                 completed_at=moment(rng) if rng.random() < 0.7 else None)
    fair_start = moment(rng)
    fair = JobFair.objects.create(center=centers[2], title="会", place="厅", capacity=50, starts_at=fair_start,
                                  ends_at=fair_start + dt.timedelta(days=4))
    for made in rng.sample(gigs, 5):
        FairGig.objects.create(fair=fair, gig=made)
    for worker in rng.sample(workers, 5):
        FairRegistration.objects.create(fair=fair, worker=worker, signed_up_at=START)


def test_the_known_quarter_matches_a_brute_force_count(known):
    services.rebuild()
    assert stored_figures() == brute_figures()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_worlds_match_a_brute_force_count(seed):
    random_world(seed)
    services.rebuild()
    expected = brute_figures()
    assert expected, "the world has facts"
    assert stored_figures() == expected


def test_refreshing_the_changed_days_equals_a_full_rebuild(known, django_capture_on_commit_callbacks):
    services.rebuild()
    w1, w2, w3, w4 = known.workers
    with django_capture_on_commit_callbacks(execute=True):
        # Today a walk-in at 甲 through the console; earlier facts change through the models' own saves.
        center_services.check_in_to_hall(w3, actor=known.staff_a, center=known.a)
        taken = Assignment.objects.get(gig__center=known.b, worker=w2)
        taken.move_to(AssignmentStatus.CANCELLED)  # the fair hire at 乙 on 30 March is cancelled
        taken.cancelled_at = taken.accepted_at + dt.timedelta(hours=1)
        taken.save()
        enrolment = Enrolment.objects.get(worker=w1)
        enrolment.completed_at = dt.datetime(2026, 2, 27, 23, 59, tzinfo=BJ)
        enrolment.save()
        late = gig(known.a, "2026-03-31T23:59", headcount=2, taken=0)
        assignment(late, w4, created="2026-04-01T00:01")
    assert DirtyDay.objects.exists()
    assert services.refresh() > 0
    assert not DirtyDay.objects.exists()
    refreshed = stored_figures()
    assert refreshed == brute_figures()

    services.rebuild()
    assert stored_figures() == refreshed


def test_a_rolled_back_change_marks_nothing(known, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        HallVisit.objects.create(center=known.a, worker=known.workers[0], day=dt.date(2026, 5, 5),
                                 checked_in_by=known.staff_a)
        raise RuntimeError
    assert not DirtyDay.objects.exists()


def test_rebuild_clears_rows_of_days_that_no_longer_have_facts(known):
    services.rebuild()
    HallVisit.objects.all().delete()
    services.rebuild()
    assert not Figure.objects.filter(walk_ins__gt=0).exists()


def test_deleting_a_fair_refreshes_its_hires_away(known, django_capture_on_commit_callbacks):
    services.rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        JobFair.objects.all().delete()
    assert not FairGig.objects.exists() and not FairRegistration.objects.exists()
    services.refresh()
    assert not Figure.objects.filter(fair_hires__gt=0).exists()
    assert stored_figures() == brute_figures()


def test_a_day_marked_again_keeps_one_row_and_moves_its_mark_on(db):
    """A day re-marked while a refresh runs must be refreshed again: its mark moves past the refresh's start."""
    day = dt.date(2026, 11, 30)
    services.mark_dirty([day, None, day - dt.timedelta(days=1)])
    first = DirtyDay.objects.get(day=day).marked_at
    DirtyDay.objects.filter(day=day).update(marked_at=first - dt.timedelta(minutes=5))
    services.mark_dirty([day])
    assert DirtyDay.objects.count() == 2
    assert DirtyDay.objects.get(day=day).marked_at > first


def test_a_day_at_the_calendars_end_is_not_marked_and_a_stray_mark_does_not_stop_the_refresh(db):
    """A fair typed for 9999-12-31 marked its days; the refresh then failed on every run (the period after the
    calendar's last day), and with it every later figure. Figures are kept for 2000-2099 only."""
    services.mark_dirty([dt.date(9999, 12, 31), dt.date(1, 1, 1), dt.date(2026, 11, 30)])
    assert list(DirtyDay.objects.values_list("day", flat=True)) == [dt.date(2026, 11, 30)]
    DirtyDay.objects.create(day=dt.date(9999, 12, 31), marked_at=DirtyDay.objects.get().marked_at)  # from before
    assert services.refresh() == 2
    assert not DirtyDay.objects.exists()
