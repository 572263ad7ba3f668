"""Staff at a center take a gig's slot for a waiting worker (派工): the same slot, locks, rules and refusals as the
worker's own accept, the consent recorded, and the worker leaves the hall for the gig."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from centers.models import HallVisit
from centers.services import check_in_to_hall, check_out_of_hall
from jobs.exceptions import Conflict
from jobs.models import AssignmentStatus, Gig, GigStatus
from jobs.selectors import board_gigs, dispatch_slip
from jobs.services import accept_gig, assign_for_worker
from tests.factories import CenterStaffFactory, GigFactory, ServiceCenterFactory, WageFloorFactory, WorkerTradeFactory
from workers import consents
from workers.services import register_walk_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(db):
    return CenterStaffFactory()


def waiting(desk, trade, name="王师傅"):
    worker = register_walk_in(actor=desk.user, center=desk.center, display_name=name, trades={trade: 3},
                              consent=True).profile
    check_in_to_hall(worker, actor=desk.user, center=desk.center)
    return worker


def test_staff_assign_a_waiting_worker_who_then_leaves_the_hall(desk):
    WageFloorFactory()
    gig = GigFactory(center=ServiceCenterFactory(), headcount=2)  # another center's gig: the city's gigs are shared
    worker = waiting(desk, gig.category)
    assignment = assign_for_worker(gig, worker, actor=desk.user, center=desk.center, consent=True)
    assert assignment.status == AssignmentStatus.ACCEPTED
    assert Gig.objects.get(pk=gig.pk).accepted_count == 1
    consent = assignment.dispatch_consent
    assert (consent.center, consent.recorded_by, consent.text_version) == (desk.center, desk.user,
                                                                            consents.DISPATCH.version)
    assert not HallVisit.objects.filter(worker=worker, checked_out_at__isnull=True).exists()
    assert dispatch_slip(assignment.pk, viewer=desk.user) == assignment
    with pytest.raises(PermissionDenied):
        dispatch_slip(assignment.pk, viewer=CenterStaffFactory().user)
    assert worker.user.notifications.filter(kind="hired").exists()  # the center reads it for them


def test_a_full_gig_is_refused_with_the_reason(desk):
    WageFloorFactory()
    gig = GigFactory(headcount=1, center=desk.center)
    first, second = waiting(desk, gig.category, "甲"), waiting(desk, gig.category, "乙")
    assign_for_worker(gig, first, actor=desk.user, center=desk.center, consent=True)
    with pytest.raises(Conflict) as refusal:
        assign_for_worker(gig, second, actor=desk.user, center=desk.center, consent=True)
    assert refusal.value.code == "no_slots_left"
    assert HallVisit.objects.filter(worker=second, checked_out_at__isnull=True).exists()  # still waiting


def test_an_overlapping_gig_is_refused_naming_the_worker_and_the_clash(desk):
    WageFloorFactory()
    gig = GigFactory(center=desk.center)
    clash = GigFactory(center=desk.center, category=gig.category, starts_at=gig.starts_at + dt.timedelta(hours=2))
    worker = waiting(desk, gig.category)
    assign_for_worker(gig, worker, actor=desk.user, center=desk.center, consent=True)
    check_in_to_hall(worker, actor=desk.user, center=desk.center)
    with pytest.raises(Conflict) as refusal:
        assign_for_worker(clash, worker, actor=desk.user, center=desk.center, consent=True)
    assert refusal.value.code == "overlap"
    assert "王师傅" in str(refusal.value.message) and gig.code in str(refusal.value.message)


def test_a_wrong_trade_is_refused_and_consent_is_needed(desk):
    WageFloorFactory()
    gig = GigFactory(center=desk.center)
    other_trade = WorkerTradeFactory().category
    worker = waiting(desk, other_trade)
    with pytest.raises(ValidationError):
        assign_for_worker(gig, worker, actor=desk.user, center=desk.center, consent=False)
    if other_trade != gig.category:
        with pytest.raises(Conflict) as refusal:
            assign_for_worker(gig, worker, actor=desk.user, center=desk.center, consent=True)
        assert refusal.value.code == "not_qualified"


def test_staff_of_another_center_cannot_dispatch_someone_not_in_their_hall(desk):
    WageFloorFactory()
    gig = GigFactory(center=desk.center)
    worker = register_walk_in(actor=desk.user, center=desk.center, display_name="x", trades={gig.category: 1},
                              consent=True).profile
    other = CenterStaffFactory()
    with pytest.raises(PermissionDenied):
        assign_for_worker(gig, worker, actor=other.user, center=other.center, consent=True)
    with pytest.raises(PermissionDenied):
        assign_for_worker(gig, worker, actor=other.user, center=desk.center, consent=True)
    check_in_to_hall(worker, actor=other.user, center=other.center)  # the worker walks into the other hall
    assert assign_for_worker(gig, worker, actor=other.user, center=other.center, consent=True).status == "accepted"


def test_hall_check_in_twice_is_one_visit_and_check_out_ends_it(desk, trade):
    worker = waiting(desk, trade)
    visit = check_in_to_hall(worker, actor=desk.user, center=desk.center)
    assert HallVisit.objects.filter(worker=worker).count() == 1
    with pytest.raises(PermissionDenied):
        check_out_of_hall(visit, actor=CenterStaffFactory().user)
    check_out_of_hall(visit, actor=desk.user)
    visit.refresh_from_db()
    assert visit.checked_out_at is not None and visit.checked_out_by == desk.user


def test_a_worker_checked_in_at_another_center_leaves_the_first_hall(desk, trade):
    worker = waiting(desk, trade)
    other = CenterStaffFactory()
    check_in_to_hall(worker, actor=other.user, center=other.center)
    assert list(HallVisit.objects.filter(worker=worker, checked_out_at__isnull=True)
                .values_list("center", flat=True)) == [other.center.pk]


def test_the_board_suggests_waiting_workers_of_the_trade(desk):
    WageFloorFactory()
    gig = GigFactory(center=desk.center)
    worker = waiting(desk, gig.category)
    board = board_gigs(desk.center, viewer=desk.user, waiting_ids=[worker.pk])
    assert [item.gig for item in board] == [gig]
    assert [c.worker_id for c in board[0].suggestions] == [worker.pk]
    with pytest.raises(PermissionDenied):
        board_gigs(desk.center, viewer=CenterStaffFactory().user, waiting_ids=[])


@pytest.mark.django_db(transaction=True)
def test_staff_dispatch_and_a_worker_accept_race_for_the_last_slot(desk):
    """Two desks of different centers and the worker's own phone at once: one slot, one winner."""
    if connection.vendor == "sqlite":
        pytest.skip("the race needs concurrent transactions (PostgreSQL); SQLite serialises writers")
    WageFloorFactory()
    gig = GigFactory(headcount=1, center=desk.center)
    walk_in = waiting(desk, gig.category)
    phone_worker = WorkerTradeFactory(category=gig.category).worker
    outcomes = []

    def staff():
        try:
            outcomes.append(assign_for_worker(gig, walk_in, actor=desk.user, center=desk.center, consent=True))
        except Conflict as refusal:
            outcomes.append(refusal.code)
        finally:
            connection.close()

    def phone():
        try:
            outcomes.append(accept_gig(gig, actor=phone_worker.user))
        except Conflict as refusal:
            outcomes.append(refusal.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=staff), threading.Thread(target=phone)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(str(o) if isinstance(o, str) else "won" for o in outcomes) == ["no_slots_left", "won"]
    gig.refresh_from_db()
    assert (gig.accepted_count, gig.status) == (1, GigStatus.FILLED)


def test_the_board_reads_the_gigs_it_shows_a_slice_at_a_time(desk):
    """A city has tens of thousands of open gigs around a center: the board reads them in slices until it has its
    30, soonest first, never the whole box at once."""
    from jobs.selectors import BOARD_GIGS

    WageFloorFactory()
    now = timezone.now()
    gigs = [GigFactory(center=desk.center, starts_at=now + dt.timedelta(hours=2, minutes=i))
            for i in range(BOARD_GIGS * 2 + 5)]
    with CaptureQueriesContext(connection) as queries:
        board = board_gigs(desk.center, viewer=desk.user, waiting_ids=[], now=now)
    assert [item.gig.pk for item in board] == [gig.pk for gig in gigs[:BOARD_GIGS]]
    gig_reads = [q["sql"] for q in queries.captured_queries if 'FROM "jobs_gig"' in q["sql"]]
    assert gig_reads and all("LIMIT" in sql for sql in gig_reads)
