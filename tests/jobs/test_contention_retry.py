"""A transaction that loses a deadlock or serialization race is run again from the start, and only what the
attempt that commits did is kept and pushed."""

import threading

import psycopg.errors
import pytest
from django.db import IntegrityError, OperationalError, connection, transaction

from jobs import events, services
from jobs.models import Assignment, AssignmentStatus, Gig
from notifications.models import Kind, Notification
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
