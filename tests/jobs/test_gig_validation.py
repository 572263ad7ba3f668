"""A gig is refused, field by field, when its pay, headcount, times, place or pay unit break a rule."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jobs.models import Assignment, AssignmentStatus, Gig, GigStatus
from jobs.services import create_gig
from tests.factories import EmployerFactory, ServiceCenterFactory, TradeFactory

pytestmark = pytest.mark.django_db


def post(employer=None, **fields):
    """The employer (a verified one by default) posts a gig with these fields."""
    return create_gig(actor=(employer or EmployerFactory()).owner, **fields)


def gig_fields(**overrides):
    start = timezone.now() + dt.timedelta(days=1)
    fields = dict(
        category=TradeFactory(), title="工地小工", headcount=3,
        pay_amount=Decimal("180"), pay_unit="day", address="王益区", latitude=35.069, longitude=109.0756,
        starts_at=start, ends_at=start + dt.timedelta(hours=8),
    )
    fields.update(overrides)
    return fields


def errors_of(**overrides) -> dict:
    with pytest.raises(ValidationError) as error:
        post(**gig_fields(**overrides))
    return error.value.message_dict


def test_a_good_gig_is_created_and_taken_by_the_nearest_center():
    ServiceCenterFactory(name="印台", latitude=35.1145, longitude=109.1000)
    wangyi = ServiceCenterFactory(name="王益", latitude=35.0690, longitude=109.0756)
    gig = post(**gig_fields())
    assert gig.center == wangyi
    assert gig.status == GigStatus.OPEN  # a verified employer's post is open at once
    assert len(gig.code) == 8
    assert post(**gig_fields(), publish=False).status == GigStatus.DRAFT


@pytest.mark.parametrize(
    ("pay", "words"),
    [(Decimal("0"), "more than zero"), (Decimal("-5"), "more than zero"), (Decimal("180.005"), "2 decimal places")],
)
def test_pay_must_be_positive_with_at_most_two_decimals(pay, words):
    ServiceCenterFactory()
    assert words in " ".join(errors_of(pay_amount=pay)["pay_amount"])


@pytest.mark.parametrize(("headcount", "words"), [(0, "at least 1"), (501, "at most 500")])
def test_headcount_is_between_1_and_500(headcount, words):
    ServiceCenterFactory()
    assert words in " ".join(errors_of(headcount=headcount)["headcount"])


def test_the_end_must_be_after_the_start():
    ServiceCenterFactory()
    start = timezone.now() + dt.timedelta(days=1)
    errors = errors_of(starts_at=start, ends_at=start - dt.timedelta(hours=1))
    assert "after the start" in errors["ends_at"][0]


@pytest.mark.parametrize(
    ("lat", "lng", "field"),
    [(95, 109.0, "latitude"), (35.0, 200, "longitude"), (40.7, -74.0, "longitude"), (1.35, 103.8, "latitude")],
)
def test_the_site_must_be_a_real_point_in_mainland_china(lat, lng, field):
    ServiceCenterFactory()
    assert field in errors_of(latitude=lat, longitude=lng)


def test_the_pay_unit_must_be_one_the_trade_allows():
    ServiceCenterFactory()
    security = TradeFactory(code="security_guard", name="保安", pay_units=["day"])
    errors = errors_of(category=security, pay_unit="piece")
    assert "保安" in errors["pay_unit"][0] and "per day" in errors["pay_unit"][0]
    assert "pay_unit" in errors_of(category=security, pay_unit="fortnight")


def test_a_group_of_trades_is_not_a_trade():
    ServiceCenterFactory()
    trade = TradeFactory()
    assert "category" in errors_of(category=trade.parent)


def test_nothing_is_saved_when_a_gig_is_refused():
    ServiceCenterFactory()
    errors_of(headcount=0)
    assert Gig.objects.count() == 0


def test_status_transitions_follow_the_state_machine():
    gig = Gig(status=GigStatus.OPEN)
    assert gig.can_become(GigStatus.FILLED)
    assert not gig.can_become(GigStatus.DRAFT)
    assert not Gig(status=GigStatus.COMPLETED).can_become(GigStatus.OPEN)
    assignment = Assignment(status=AssignmentStatus.ACCEPTED)
    assert assignment.can_become(AssignmentStatus.CHECKED_IN)
    assert not assignment.can_become(AssignmentStatus.COMPLETED)
    # Every state in the enums has an entry in the machine.
    assert set(Gig.TRANSITIONS) == set(GigStatus)
    assert set(Assignment.TRANSITIONS) == set(AssignmentStatus)
