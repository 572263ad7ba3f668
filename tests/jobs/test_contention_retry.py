"""A transaction that loses a deadlock or serialization race is run again from the start, and only what the
attempt that commits did is kept and pushed."""

import datetime as dt
import re
import threading

import psycopg.errors
import pytest
from django.db import IntegrityError, OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext

from jobs import events, services
from jobs.models import Assignment, AssignmentStatus, Gig, HiringMode
from notifications.models import Kind, Notification
from notifications.services import notify_user
from tests.factories import GigFactory
from zero_gig import db
from zero_gig.db import atomic_with_retry

pytestmark = pytest.mark.django_db(transaction=True)


def lost_race(cause: type[Exception] = psycopg.errors.DeadlockDetected) -> OperationalError:
    """The error Django raises when PostgreSQL breaks a deadlock: psycopg's error, wrapped."""
    try:
        raise OperationalError("deadlock detected") from cause("deadlock detected")
    except OperationalError as error:
        return error


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr(db, "BASE_DELAY", 0)


def test_an_accept_that_loses_a_deadlock_is_run_again_and_the_worker_is_told_once(open_gig, make_worker,
                                                                                 monkeypatch):
    worker = make_worker(trade=open_gig.category)
    pushed, failed = [], []
    took_slot = events.worker_took_slot

    def deadlocked_the_first_time(assignment):
        took_slot(assignment)  # stores the notifications and sets up their push on commit
        transaction.on_commit(lambda: pushed.append(assignment.pk))
        if not failed:
            failed.append(assignment.pk)
            raise lost_race()

    monkeypatch.setattr(events, "worker_took_slot", deadlocked_the_first_time)
    assignment = services.accept_gig(open_gig, actor=worker.user)

    assert assignment.status == AssignmentStatus.ACCEPTED
    assert pushed == [assignment.pk]  # the failed attempt's push was dropped with its transaction
    assert Notification.objects.filter(user=worker.user, kind=Kind.HIRED).count() == 1
    assert Gig.objects.get(pk=open_gig.pk).accepted_count == 1
    assert Assignment.objects.filter(gig=open_gig).count() == 1


@pytest.mark.parametrize("error", [
    lost_race(psycopg.errors.DeadlockDetected),
    lost_race(psycopg.errors.SerializationFailure),
    OperationalError("database is locked"),
], ids=["deadlock", "serialization failure", "sqlite busy"])
def test_a_lost_race_is_retried_a_bounded_number_of_times(error):
    attempts = []

    @atomic_with_retry(attempts=3)
    def always_losing():
        attempts.append(1)
        raise error

    with pytest.raises(OperationalError):
        always_losing()
    assert len(attempts) == 3


@pytest.mark.parametrize("error", [OperationalError("no such table: jobs_gig"), IntegrityError("duplicate key")],
                         ids=["broken database", "constraint"])
def test_other_database_errors_are_not_retried(error):
    attempts = []

    @atomic_with_retry
    def failing():
        attempts.append(1)
        raise error

    with pytest.raises(type(error)):
        failing()
    assert attempts == [1]


def test_inside_an_enclosing_transaction_a_lost_race_is_left_to_its_owner():
    """The enclosing transaction is already doomed: running the inner part again inside it would be wrong."""
    attempts = []

    @atomic_with_retry
    def losing():
        attempts.append(1)
        raise lost_race()

    with pytest.raises(OperationalError), transaction.atomic():
        losing()
    assert attempts == [1]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)")
def test_a_real_deadlock_on_postgresql_is_broken_and_both_transactions_complete():
    """Two transactions lock two gigs in opposite orders: PostgreSQL fails one, which runs again and succeeds."""
    first, second = GigFactory(), GigFactory()
    barrier = threading.Barrier(2)
    attempts: dict[str, int] = {"forward": 0, "backward": 0}
    errors = []

    def lock_both(name: str, order: list[int]) -> None:
        @atomic_with_retry
        def run():
            attempts[name] += 1
            list(Gig.objects.select_for_update().filter(pk=order[0]))
            if attempts[name] == 1:
                barrier.wait(timeout=10)  # both hold their first gig before either asks for its second
            list(Gig.objects.select_for_update().filter(pk=order[1]))

        try:
            run()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=lock_both, args=("forward", [first.pk, second.pk])),
               threading.Thread(target=lock_both, args=("backward", [second.pk, first.pk]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(attempts.values()) == [1, 2]


# Notifications come last: each recipient's stream row is locked when they are stored, at the transaction's end.
LOCK_ORDER = ["workers_workerprofile", "jobs_gig", "jobs_assignment", "notifications_stream"]


def tables_in_locking_order(queries) -> list[str]:
    """The tables of LOCK_ORDER in the order the statements first lock a row of each (SELECT ... FOR ... UPDATE,
    or UPDATE)."""
    first = []
    for query in queries:
        sql = query["sql"]
        found = re.match(r'UPDATE "(\w+)"', sql) or (re.search(r' FOR (NO KEY )?UPDATE', sql)
                                                      and re.search(r'FROM "(\w+)"', sql))
        if found and found.group(1) in LOCK_ORDER and found.group(1) not in first:
            first.append(found.group(1))
    return first


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are taken on PostgreSQL only")
def test_every_service_locks_workers_then_gigs_then_assignments(open_gig, make_worker, now):
    """One global order makes a cycle of waits (a deadlock) impossible between the services."""
    trade, employer = open_gig.category, open_gig.employer.owner
    workers = [make_worker(trade=trade) for _ in range(4)]  # the last ones are offered the freed slot
    by_application = GigFactory(category=trade, employer=open_gig.employer, hiring_mode=HiringMode.APPLICATION,
                                starts_at=open_gig.starts_at + dt.timedelta(days=1))
    on_the_day = open_gig.starts_at - dt.timedelta(minutes=30)
    steps = {
        "accept": lambda: services.accept_gig(open_gig, actor=workers[0].user, now=now),
        "accept again": lambda: services.accept_gig(open_gig, actor=workers[1].user, now=now),
        "cancel (the slot is offered on)": lambda: services.cancel_assignment(
            Assignment.objects.get(gig=open_gig, worker=workers[1]), actor=workers[1].user, now=now),
        "apply": lambda: services.apply_to_gig(by_application, actor=workers[2].user, now=now),
        "hire": lambda: services.hire_applicant(Assignment.objects.get(gig=by_application),
                                                actor=employer, now=now),
        "check in": lambda: services.check_in(
            Assignment.objects.get(gig=open_gig, worker=workers[0]), actor=workers[0].user, now=on_the_day,
            code=services.check_in_code(open_gig, on_the_day)[0]),
        "record pay": lambda: services.record_pay(Assignment.objects.get(gig=open_gig, worker=workers[0]),
                                                  actor=employer, quantity=1, now=open_gig.ends_at),
        "no-shows": lambda: services.mark_no_shows(by_application.starts_at + dt.timedelta(hours=2)),
        "cancel the gig": lambda: services.cancel_gig(by_application, actor=employer, now=now),
    }
    for name, step in steps.items():
        with CaptureQueriesContext(connection) as statements:
            step()
        tables = tables_in_locking_order(statements.captured_queries)
        assert tables == sorted(tables, key=LOCK_ORDER.index), name
        stream_locks = [query for query in statements.captured_queries
                        if re.search(r'FROM "notifications_stream".* FOR UPDATE', query["sql"])]
        assert len(stream_locks) <= 1, f"{name} locked streams {len(stream_locks)} times, so in no one order"


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)")
def test_two_services_notifying_the_same_people_in_opposite_orders_do_not_deadlock(make_worker):
    """Before, each notification locked its recipient's stream at once: one service telling A then B and another
    telling B then A deadlocked. Now a service's notifications are stored together at its end, in one order."""
    a, b = make_worker().user, make_worker().user
    barrier = threading.Barrier(2)
    attempts: dict[str, int] = {"a first": 0, "b first": 0}
    errors = []

    def tell(name: str, order: list) -> None:
        @atomic_with_retry
        def run():
            attempts[name] += 1
            notify_user(order[0].pk, Kind.REMINDER, {"n": 1})
            if attempts[name] == 1:
                barrier.wait(timeout=10)  # both have told their first person before either tells the second
            notify_user(order[1].pk, Kind.REMINDER, {"n": 2})

        try:
            run()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tell, args=("a first", [a, b])),
               threading.Thread(target=tell, args=("b first", [b, a]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert attempts == {"a first": 1, "b first": 1}  # neither lost a deadlock
    for user in (a, b):
        assert sorted(Notification.objects.filter(user=user).values_list("seq", flat=True)) == [1, 2]
