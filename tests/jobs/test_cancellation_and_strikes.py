"""Cancellations and no-shows: free just after accepting, strikes close to the start, suspension after three,
show-up pay when an employer cancels late, and strikes cleared by clean work."""

import datetime as dt
from decimal import Decimal

import pytest

from jobs import services
from jobs.exceptions import Conflict
from jobs.models import Assignment, AssignmentStatus, Compensation, GigStatus, Strike
from jobs.selectors import worker_reliability
from tests.factories import GigFactory
from tests.helpers import at_site

pytestmark = pytest.mark.django_db


def accepted(worker, gig, at):
    return services.accept_gig(gig, actor=worker.user, now=at)


def test_a_worker_may_cancel_free_within_five_minutes_of_accepting(make_worker, now):
    gig = GigFactory(starts_at=now + dt.timedelta(hours=3))
    worker = make_worker(trade=gig.category)
    assignment = accepted(worker, gig, now)
    services.cancel_assignment(assignment, actor=assignment.worker.user, now=now + dt.timedelta(minutes=4))
    assert not Strike.objects.filter(worker=worker).exists()
    gig.refresh_from_db()
    assert gig.accepted_count == 0 and gig.status == GigStatus.OPEN


def test_cancelling_later_and_close_to_the_start_is_a_strike(make_worker, now):
    gig = GigFactory(starts_at=now + dt.timedelta(hours=10))
    worker = make_worker(trade=gig.category)
    assignment = accepted(worker, gig, now)
    services.cancel_assignment(assignment, actor=assignment.worker.user, now=now + dt.timedelta(minutes=30))
    assert Strike.objects.get(worker=worker).reason == Strike.Reason.LATE_CANCEL


def test_cancelling_well_before_the_start_is_no_strike(make_worker, now):
    gig = GigFactory(starts_at=now + dt.timedelta(days=2))
    worker = make_worker(trade=gig.category)
    assignment = accepted(worker, gig, now)
    services.cancel_assignment(assignment, actor=assignment.worker.user, now=now + dt.timedelta(hours=1))
    assert not Strike.objects.exists()


def test_cancelling_frees_the_slot_of_a_filled_gig(make_worker, now):
    gig = GigFactory(starts_at=now + dt.timedelta(days=2), headcount=1)
    first, second = make_worker(trade=gig.category), make_worker(trade=gig.category)
    assignment = accepted(first, gig, now)
    gig.refresh_from_db()
    assert gig.status == GigStatus.FILLED
    services.cancel_assignment(assignment, actor=assignment.worker.user, now=now)
    assert accepted(second, gig, now).status == AssignmentStatus.ACCEPTED


def test_three_strikes_in_thirty_days_suspend_the_worker_for_seven_days(make_worker, now):
    worker = make_worker()
    for day in range(3):
        gig = GigFactory(category=worker.worker_trades.get().category,
                         starts_at=now + dt.timedelta(days=day, hours=8))
        assignment = accepted(worker, gig, now + dt.timedelta(days=day))
        services.cancel_assignment(assignment, actor=assignment.worker.user, now=now + dt.timedelta(days=day, hours=1))
    worker.refresh_from_db()
    assert worker.suspended_until == now + dt.timedelta(days=2, hours=1) + dt.timedelta(days=7)
    gig = GigFactory(category=worker.worker_trades.get().category, starts_at=now + dt.timedelta(days=5))
    with pytest.raises(Conflict) as refused:
        accepted(worker, gig, now + dt.timedelta(days=3))
    assert refused.value.code == "suspended"
    assert worker_reliability(worker).late_cancellations == 3
    # After the suspension ends the worker can take gigs again.
    later = GigFactory(category=gig.category, starts_at=now + dt.timedelta(days=11))
    assert accepted(worker, later, now + dt.timedelta(days=10)).status == AssignmentStatus.ACCEPTED


def test_a_worker_not_checked_in_an_hour_after_the_start_is_a_no_show(make_worker, now):
    gig = GigFactory(starts_at=now + dt.timedelta(hours=2), headcount=2)
    worker = make_worker(trade=gig.category)
    assignment = accepted(worker, gig, now)
    assert services.mark_no_shows(now + dt.timedelta(hours=2, minutes=59)) == 0
    assert services.mark_no_shows(now + dt.timedelta(hours=3, minutes=1)) == 1
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.NO_SHOW
    assert Strike.objects.get(worker=worker).reason == Strike.Reason.NO_SHOW
    assert services.mark_no_shows(now + dt.timedelta(hours=4)) == 0  # idempotent
    assert worker_reliability(worker).no_shows == 1


def test_an_employer_cancelling_under_24_hours_owes_each_accepted_worker_four_hours(make_worker, now):
    gig = GigFactory(starts_at=now + dt.timedelta(hours=20), headcount=3, pay_amount=Decimal("200"), pay_unit="day")
    workers = [make_worker(trade=gig.category) for _ in range(2)]
    for worker in workers:
        accepted(worker, gig, now)
    services.cancel_gig(gig, actor=gig.employer.owner, reason="下雨停工", now=now + dt.timedelta(hours=1))
    gig.refresh_from_db()
    assert gig.status == GigStatus.CANCELLED and gig.accepted_count == 0
    owed = Compensation.objects.filter(assignment__gig=gig)
    assert owed.count() == 2
    assert {c.amount for c in owed} == {Decimal("100.00")}  # 200/day ÷ 8 h × 4 h
    assert set(Assignment.objects.filter(gig=gig).values_list("status", flat=True)) == {AssignmentStatus.CANCELLED}


def test_an_employer_cancelling_early_owes_nothing_and_can_reopen(make_worker, now):
    gig = GigFactory(starts_at=now + dt.timedelta(days=3))
    accepted(make_worker(trade=gig.category), gig, now)
    services.cancel_gig(gig, actor=gig.employer.owner, now=now)
    assert not Compensation.objects.exists()
    reopened = services.reopen_gig(gig, actor=gig.employer.owner, now=now)
    assert reopened.status == GigStatus.OPEN and reopened.accepted_count == 0


def test_show_up_pay_is_capped_at_the_length_of_the_gig(now):
    gig = GigFactory(pay_amount=Decimal("30"), pay_unit="hour", starts_at=now + dt.timedelta(hours=5),
                     ends_at=now + dt.timedelta(hours=7))
    assert services.show_up_pay(gig) == Decimal("60.00")


def complete(worker, at):
    gig = GigFactory(category=worker.worker_trades.get().category, starts_at=at + dt.timedelta(hours=1),
                     ends_at=at + dt.timedelta(hours=2))
    assignment = accepted(worker, gig, at)
    services.check_in(assignment, actor=assignment.worker.user, now=at + dt.timedelta(hours=1),
                      **at_site(gig))
    services.record_pay(assignment, actor=assignment.gig.employer.owner, quantity=Decimal("1"),
                        now=at + dt.timedelta(hours=2))


def test_a_strike_clears_after_ten_clean_gigs(make_worker, now):
    worker = make_worker()
    gig = GigFactory(category=worker.worker_trades.get().category, starts_at=now + dt.timedelta(hours=2))
    assignment = accepted(worker, gig, now)
    services.cancel_assignment(assignment, actor=assignment.worker.user, now=now + dt.timedelta(minutes=10))
    strike = Strike.objects.get(worker=worker)
    for n in range(9):
        complete(worker, now + dt.timedelta(days=n + 1))
    strike.refresh_from_db()
    assert strike.cleared_at is None
    complete(worker, now + dt.timedelta(days=10))
    strike.refresh_from_db()
    assert strike.cleared_at is not None
    assert worker_reliability(worker).active_strikes == 0


def test_show_up_pay_for_a_job_uses_the_hours_the_employer_said_it_takes(now):
    """200 yuan for a 2-hour job in a 10-hour window pays 100 an hour, not 20: 4 hours' show-up pay is 400."""
    gig = GigFactory(pay_unit="job", pay_amount=Decimal("200"), expected_hours=Decimal("2"),
                     starts_at=now + dt.timedelta(hours=5), ends_at=now + dt.timedelta(hours=15))
    assert services.show_up_pay(gig) == Decimal("400.00")
