"""Two days after the work with no pay confirmation, both sides are reminded, once; show-up pay owed for a late
cancellation is shown as money owed until the worker confirms it arrived."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from complaints import services
from complaints.selectors import money_owed
from jobs.models import AssignmentStatus, Compensation, PayStatus
from notifications.models import Notification
from notifications.sentences import sentence
from tests.complaints.conftest import at

pytestmark = pytest.mark.django_db

DONE = at(2025, 11, 3, 16)


def reminders(user):
    return [sentence(n.kind, n.payload)
            for n in Notification.objects.filter(user=user, payload__reminder__isnull=False)]


def test_both_sides_are_reminded_two_days_after_the_work_once(market):
    market.done_assignment(DONE)
    market.done_assignment(DONE, worker=market.other_worker, pay_status=PayStatus.CONFIRMED)  # paid: no reminder
    assert services.remind_unconfirmed_pay(DONE + dt.timedelta(days=1, hours=23)) == 0
    assert services.remind_unconfirmed_pay(DONE + dt.timedelta(days=2)) == 1
    assert services.remind_unconfirmed_pay(DONE + dt.timedelta(days=3)) == 0
    assert reminders(market.worker.user) == [
        "Has the pay for 小工/力工, 工地小工 arrived? Confirm it, or file a wage complaint."]
    assert len(reminders(market.employer.owner)) == 1 and "record it and pay" in reminders(market.employer.owner)[0]
    assert reminders(market.other_worker.user) == []


def test_work_that_fell_due_long_ago_is_not_reminded_of(market):
    market.done_assignment(DONE)
    assert services.remind_unconfirmed_pay(DONE + dt.timedelta(days=10)) == 0


def test_work_done_but_never_recorded_is_reminded_too(market):
    market.done_assignment(DONE, status=AssignmentStatus.CHECKED_OUT, pay_status=PayStatus.NOT_DUE,
                           amount_due=None, completed_at=None, pay_recorded_at=None, pay_quantity=None)
    assert services.remind_unconfirmed_pay(DONE + dt.timedelta(days=2, minutes=1)) == 1


def owed_to(market) -> list:
    return money_owed(viewer=market.worker.user).rows


def owed_by(market) -> list:
    return money_owed(viewer=market.employer.owner).rows


def test_show_up_pay_is_money_owed_until_the_worker_confirms_it(market):
    cancelled = market.done_assignment(DONE, status=AssignmentStatus.CANCELLED, pay_status=PayStatus.NOT_DUE,
                                       cancelled_by="employer", amount_due=None, checked_in_at=None,
                                       checked_out_at=None, completed_at=None, pay_recorded_at=None)
    owed = Compensation.objects.create(assignment=cancelled, amount=Decimal("100.00"), reason="临时取消")
    assert [(row.kind, row.amount) for row in owed_to(market)] == [("show_up", Decimal("100.00"))]
    assert [(row.kind, row.amount) for row in owed_by(market)] == [("show_up", Decimal("100.00"))]
    with pytest.raises(PermissionDenied):
        services.confirm_show_up_pay(owed, actor=market.employer.owner)
    services.confirm_show_up_pay(owed, actor=market.worker.user)
    assert owed_to(market) == [] and owed_by(market) == []


def test_recorded_pay_is_owed_until_confirmed(market):
    market.done_assignment(DONE)
    assert [(row.kind, row.amount) for row in owed_to(market)] == [("pay", Decimal("180.00"))]


def test_money_owed_is_a_workers_or_an_employers_own(market):
    from tests.factories import CenterStaffFactory, CityAdminFactory

    market.done_assignment(DONE)
    assert money_owed(viewer=market.worker.user).side == "worker"
    assert money_owed(viewer=market.employer.owner).side == "employer"
    for someone_else in (CenterStaffFactory().user, CityAdminFactory()):
        with pytest.raises(PermissionDenied):
            money_owed(viewer=someone_else)
