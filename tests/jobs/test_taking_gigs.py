"""Workers take gigs: first come first served, never more than the headcount, never two gigs at once."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from centers.services import check_in_to_hall
from jobs import services
from jobs.exceptions import Conflict
from jobs.models import Assignment, AssignmentStatus, Gig, GigStatus, HiringMode
from notifications.models import Kind, Notification
from tests.factories import AssignmentFactory, CenterStaffFactory, GigFactory, TradeFactory
from zero_gig.db import locked

pytestmark = pytest.mark.django_db


def test_the_first_workers_get_the_slots_and_a_late_one_hears_no_slots_left(open_gig, make_worker):
    first, second, late = make_worker(), make_worker(), make_worker()
    services.accept_gig(open_gig, actor=first.user)
    services.accept_gig(open_gig, actor=second.user)
    open_gig.refresh_from_db()
    assert open_gig.status == GigStatus.FILLED and open_gig.slots_left == 0
    with pytest.raises(Conflict) as refused:
        services.accept_gig(open_gig, actor=late.user)
    assert refused.value.code == "no_slots_left"


def _taken_instantly(gig, worker):
    return lambda: services.accept_gig(gig, actor=worker.user)


def _taken_from_an_offer(gig, worker):
    AssignmentFactory(gig=gig, worker=worker, status=AssignmentStatus.OFFERED, offered_at=timezone.now())
    return lambda: services.accept_gig(gig, actor=worker.user)


def _hired_from_the_applicants(gig, worker):
    Gig.objects.filter(pk=gig.pk).update(hiring_mode=HiringMode.APPLICATION)
    application = services.apply_to_gig(Gig.objects.get(pk=gig.pk), actor=worker.user)
    return lambda: services.hire_applicant(Assignment.objects.get(pk=application.pk), actor=gig.employer.owner)


def _sent_from_the_counter(gig, worker):
    desk = CenterStaffFactory(center=gig.center)
    check_in_to_hall(worker, actor=desk.user, center=desk.center)
    return lambda: services.assign_for_worker(gig, worker, actor=desk.user, center=desk.center, consent=True)


def _reads_under_the_gig_lock(hire, monkeypatch) -> list[str]:
    """The SELECTs a hire makes from the moment it holds the gig's row lock (noted by a spy on the one locking
    helper, as SQLite's statements carry no lock clause to find)."""
    statements = CaptureQueriesContext(connection)
    held_from = []

    def noting_the_gig_lock(queryset, pk):
        row = locked(queryset, pk)
        if queryset.model is Gig and not held_from:
            held_from.append(len(statements.captured_queries))
        return row

    monkeypatch.setattr(services, "locked", noting_the_gig_lock)
    with statements:
        hire()
    return [query["sql"] for query in statements.captured_queries[held_from[0]:] if query["sql"].startswith("SELECT")]


@pytest.mark.parametrize("hiring", [_taken_instantly, _taken_from_an_offer, _hired_from_the_applicants,
                                    _sent_from_the_counter])
def test_a_hire_reads_the_employer_center_trade_and_account_with_the_locks_not_while_holding_them(
        open_gig, make_worker, monkeypatch, hiring):
    """The winners of a rush are hired one after another under the gig's lock, whichever way they are hired: what
    the agreement and the news need of the employer, the center, the trade and the worker's account comes with the
    locked rows, not in more round trips while the next winners wait."""
    worker = make_worker(trade=open_gig.category)
    reads = _reads_under_the_gig_lock(hiring(open_gig, worker), monkeypatch)
    for table in ("jobs_employer", "centers_servicecenter", "accounts_user", "jobs_category"):
        assert not any(f'FROM "{table}"' in sql for sql in reads), [sql for sql in reads if table in sql]
    terms = Assignment.objects.get(gig=open_gig, worker=worker).agreement.terms
    assert terms["employer"]["name"] == open_gig.employer.name
    assert terms["worker"]["name"] == worker.display_name


def test_accepting_twice_is_harmless(open_gig, make_worker):
    worker = make_worker()
    once = services.accept_gig(open_gig, actor=worker.user)
    twice = services.accept_gig(open_gig, actor=worker.user)
    assert once.pk == twice.pk
    open_gig.refresh_from_db()
    assert open_gig.accepted_count == 1


def test_a_worker_cannot_hold_two_gigs_at_the_same_time(open_gig, make_worker):
    worker = make_worker()
    services.accept_gig(open_gig, actor=worker.user)
    clash = GigFactory(category=open_gig.category, starts_at=open_gig.starts_at + dt.timedelta(hours=4))
    with pytest.raises(Conflict) as refused:
        services.accept_gig(clash, actor=worker.user)
    assert refused.value.code == "overlap" and open_gig.code in refused.value.message
    later = GigFactory(category=open_gig.category, starts_at=open_gig.ends_at + dt.timedelta(minutes=30))
    assert services.accept_gig(later, actor=worker.user).status == AssignmentStatus.ACCEPTED


def test_only_workers_of_the_trade_may_take_an_instant_gig(open_gig, make_worker):
    cleaner = make_worker(trade=TradeFactory(code="cleaner", name="保洁员", pay_units=["hour"]))
    with pytest.raises(Conflict) as refused:
        services.accept_gig(open_gig, actor=cleaner.user)
    assert refused.value.code == "not_qualified"


def test_a_gig_that_has_started_or_is_not_open_cannot_be_taken(open_gig, make_worker, now):
    worker = make_worker()
    started = GigFactory(category=open_gig.category, starts_at=now - dt.timedelta(minutes=1))
    with pytest.raises(Conflict, match="already started"):
        services.accept_gig(started, actor=worker.user)
    draft = GigFactory(category=open_gig.category, status=GigStatus.DRAFT)
    with pytest.raises(Conflict) as refused:
        services.accept_gig(draft, actor=worker.user)
    assert refused.value.code == "not_open"


def test_by_application_the_employer_chooses_and_hiring_uses_the_same_slots(open_gig, make_worker):
    Gig.objects.filter(pk=open_gig.pk).update(hiring_mode=HiringMode.APPLICATION, headcount=1)
    open_gig.refresh_from_db()
    alice, bob = make_worker(), make_worker()
    with pytest.raises(Conflict) as refused:
        services.accept_gig(open_gig, actor=alice.user)
    assert refused.value.code == "needs_application"
    application = services.apply_to_gig(open_gig, actor=alice.user)
    assert services.apply_to_gig(open_gig, actor=alice.user).pk == application.pk  # applying twice is harmless
    other = services.apply_to_gig(open_gig, actor=bob.user)
    assert services.hire_applicant(application,
                                   actor=application.gig.employer.owner).status == AssignmentStatus.ACCEPTED
    with pytest.raises(Conflict) as refused:
        services.hire_applicant(other, actor=other.gig.employer.owner)
    assert refused.value.code == "no_slots_left"
    assert services.decline_applicant(other, actor=other.gig.employer.owner).status == AssignmentStatus.DECLINED


def accept_all_at_once(pairs) -> list[str]:
    """Each (worker, gig) accepts in its own thread and connection, released together; returns the outcomes."""
    barrier = threading.Barrier(len(pairs))
    outcomes: list[str] = []

    def take(worker, gig):
        try:
            barrier.wait(timeout=10)
            services.accept_gig(gig, actor=worker.user)
            outcomes.append("accepted")
        except Conflict as refused:
            outcomes.append(refused.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_many_workers_accepting_the_last_slots_at_once_never_overbook(make_worker):
    """Real threads, real connections: on PostgreSQL row locks decide, on SQLite the write lock does."""
    gig = GigFactory(headcount=3)
    workers = [make_worker(trade=gig.category) for _ in range(12)]
    outcomes = accept_all_at_once([(worker, gig) for worker in workers])
    assert outcomes.count("accepted") == 3
    assert outcomes.count("no_slots_left") == 9
    gig.refresh_from_db()
    assert gig.accepted_count == 3 and gig.status == GigStatus.FILLED
    assert Assignment.objects.filter(gig=gig, status=AssignmentStatus.ACCEPTED).count() == 3


@pytest.mark.django_db(transaction=True)
def test_one_worker_accepting_two_overlapping_gigs_at_once_gets_only_one(make_worker):
    trade = TradeFactory()
    first, second = GigFactory(category=trade), GigFactory(category=trade)
    worker = make_worker(trade=trade)
    outcomes = accept_all_at_once([(worker, first), (worker, second)])
    assert sorted(outcomes) == ["accepted", "overlap"]


def test_a_full_gig_refuses_newcomers_at_once_and_still_answers_its_own_workers(open_gig, make_worker):
    """The late ones of a rush are refused from one unlocked read; the workers who hold a slot, or were offered one,
    still go the locked way and get their own answer."""
    first, second, late = make_worker(), make_worker(), make_worker()
    taken = services.accept_gig(open_gig, actor=first.user)
    services.accept_gig(open_gig, actor=second.user)
    with CaptureQueriesContext(connection) as refusal, pytest.raises(Conflict) as refused:
        services.accept_gig(open_gig, actor=late.user)
    assert refused.value.code == "no_slots_left"
    assert len(refusal.captured_queries) == 1 and "FOR UPDATE" not in refusal.captured_queries[0]["sql"]
    assert services.accept_gig(open_gig, actor=first.user).pk == taken.pk  # accepting twice stays harmless


def test_only_a_worker_is_turned_away_from_a_full_gig_and_others_hear_who_may_act(open_gig, make_worker):
    """The one-read refusal says nothing a full gig's public page does not, and only to workers: an employer,
    or a worker whose account has no worker profile, is refused for who they are, as on an open gig."""
    services.accept_gig(open_gig, actor=make_worker().user)
    services.accept_gig(open_gig, actor=make_worker().user)
    services.turn_away_when_full(open_gig.pk, actor=open_gig.employer.owner)  # not a worker: the full way decides
    with pytest.raises(PermissionDenied):
        services.accept_gig(open_gig, actor=open_gig.employer.owner)
    profileless = make_worker()
    user = profileless.user
    profileless.delete()
    user.refresh_from_db()
    services.turn_away_when_full(open_gig.pk, actor=user)
    with pytest.raises(PermissionDenied):
        services.accept_gig(open_gig, actor=user)
    services.turn_away_when_full(10**9, actor=make_worker().user)  # no such gig: the full way answers 404


def test_a_full_gig_hiring_by_application_still_says_to_apply(open_gig, make_worker):
    open_gig.hiring_mode, open_gig.headcount = HiringMode.APPLICATION, 1
    open_gig.save()
    Gig.objects.filter(pk=open_gig.pk).update(status=GigStatus.FILLED, accepted_count=1)
    with pytest.raises(Conflict) as refused:
        services.accept_gig(open_gig, actor=make_worker().user)
    assert refused.value.code == "needs_application"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks across connections need PostgreSQL")
def test_a_late_worker_is_refused_while_the_winners_still_hold_the_gigs_lock(open_gig, make_worker):
    """While one transaction holds the gig's row (a winner being hired), a worker tapping the full gig is answered
    without waiting for it."""
    services.accept_gig(open_gig, actor=make_worker().user)
    services.accept_gig(open_gig, actor=make_worker().user)
    late = make_worker()
    holding, answered = threading.Event(), threading.Event()
    waited_out = []

    def hold_the_gig():
        from django.db import transaction

        with transaction.atomic():
            Gig.objects.select_for_update().get(pk=open_gig.pk)
            holding.set()
            waited_out.append(not answered.wait(timeout=20))
        connection.close()

    holder = threading.Thread(target=hold_the_gig)
    holder.start()
    assert holding.wait(timeout=20)
    try:
        with pytest.raises(Conflict) as refused:
            services.accept_gig(open_gig, actor=late.user)
    finally:
        answered.set()
        holder.join()
    assert refused.value.code == "no_slots_left"
    assert waited_out == [False]  # answered while the lock was still held


@pytest.mark.parametrize("hiring", [_taken_instantly, _hired_from_the_applicants])
def test_each_hire_tells_the_employer_and_the_board_how_many_slots_are_left_and_the_last_that_it_filled(
        open_gig, make_worker, hiring):
    for left in (1, 0):
        hiring(open_gig, make_worker(trade=open_gig.category))()
        news = Notification.objects.filter(user=open_gig.employer.owner, kind=Kind.ACCEPTED).latest("seq")
        board = Notification.objects.filter(center=open_gig.center, kind=Kind.BOARD).latest("seq")
        assert news.payload["gig"]["slots_left"] == board.payload["gig"]["slots_left"] == left
        assert board.payload["change"] == ("filled" if left == 0 else "slots")
        assert news.payload["gig"]["status"] == (GigStatus.FILLED if left == 0 else GigStatus.OPEN)
    assert Gig.objects.get(pk=open_gig.pk).status == GigStatus.FILLED
