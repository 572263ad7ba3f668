"""A gig is refused, field by field, when its pay, headcount, times, place or pay unit break a rule."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jobs.models import Assignment, AssignmentStatus, Gig, GigStatus
from jobs.services import create_gig
from tests.factories import EmployerFactory, ServiceCenterFactory, TradeFactory, WageFloorFactory

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


# --- Minimum wage through the stated hours or output; sane bounds; the area the platform serves --------------

@pytest.fixture
def wangyi():
    WageFloorFactory(region_code="610202", hourly_minimum=Decimal("20.00"))
    return ServiceCenterFactory(name="王益", region_code="610202", latitude=35.0690, longitude=109.0756)


def locksmith():
    return TradeFactory(code="locksmith", name="开锁换锁", pay_units=["job"])


def bagging():
    return TradeFactory(code="apple_bagging", name="苹果套袋", pay_units=["piece", "day"])


def test_per_job_pay_states_the_hours_and_is_held_to_the_minimum_wage(wangyi):
    assert "expected_hours" in errors_of(category=locksmith(), pay_unit="job", pay_amount=Decimal("100"))
    message = errors_of(category=locksmith(), pay_unit="job", pay_amount=Decimal("100"),
                        expected_hours=Decimal("6"))["pay_amount"][0]
    assert "16.67 yuan per hour" in message and "20.00 yuan per hour" in message  # the implied rate and the floor
    gig = post(**gig_fields(category=locksmith(), pay_unit="job", pay_amount=Decimal("100"), expected_hours=5))
    assert gig.expected_hours == 5
    # The job must fit in the gig's hours: a 20-hour job in an 8-hour window would dodge the floor.
    assert "fit" in errors_of(category=locksmith(), pay_unit="job", pay_amount=Decimal("800"),
                              expected_hours=Decimal("20"))["expected_hours"][0]


def test_per_piece_pay_states_a_days_output_and_is_held_to_the_minimum_wage(wangyi):
    missing = errors_of(category=bagging(), pay_unit="piece", pay_amount=Decimal("0.09"))
    assert {"expected_pieces_per_day", "max_pieces"} <= set(missing)
    message = errors_of(category=bagging(), pay_unit="piece", pay_amount=Decimal("0.09"),
                        expected_pieces_per_day=1500, max_pieces=3000)["pay_amount"][0]
    assert "16.88 yuan per hour" in message and "20.00 yuan per hour" in message  # 0.09 × 1,500 / 8 h
    gig = post(**gig_fields(category=bagging(), pay_unit="piece", pay_amount=Decimal("0.09"),
                            expected_pieces_per_day=5000, max_pieces=8000))
    assert (gig.expected_pieces_per_day, gig.max_pieces) == (5000, 8000)


def test_stated_quantities_belong_only_to_the_units_that_use_them(wangyi):
    errors = errors_of(expected_hours=Decimal("4"), max_pieces=100)
    assert "per job" in errors["expected_hours"][0] and "per piece" in errors["max_pieces"][0]


@pytest.mark.parametrize(("unit", "pay", "cap"), [("hour", "501", "500"), ("day", "3000.01", "3000"),
                                                  ("job", "50001", "50000")])
def test_pay_per_unit_has_a_ceiling(wangyi, unit, pay, cap):
    trade = TradeFactory(code="electrician", name="电工", pay_units=["day", "job", "hour"])
    message = errors_of(category=trade, pay_unit=unit, pay_amount=Decimal(pay),
                        expected_hours=Decimal("2") if unit == "job" else None)["pay_amount"][0]
    assert f"at most {cap}" in message


def test_a_gig_lasts_at_most_31_days_and_is_posted_at_most_a_year_ahead(wangyi):
    start = timezone.now() + dt.timedelta(days=1)
    assert "31 days" in errors_of(starts_at=start, ends_at=start + dt.timedelta(days=31, minutes=1))["ends_at"][0]
    post(**gig_fields(starts_at=start, ends_at=start + dt.timedelta(days=31)))
    far = timezone.now() + dt.timedelta(days=366)
    assert "365 days" in errors_of(starts_at=far, ends_at=far + dt.timedelta(hours=8))["starts_at"][0]


def test_a_gig_ending_in_the_year_9999_is_refused_naming_the_field(wangyi):
    start = timezone.now() + dt.timedelta(days=1)
    end_of_time = dt.datetime(9999, 12, 31, 15, 0, tzinfo=dt.UTC)
    assert "ends_at" in errors_of(starts_at=start, ends_at=end_of_time)
    errors = errors_of(starts_at=end_of_time - dt.timedelta(hours=8), ends_at=end_of_time)
    assert "starts_at" in errors  # and no crash reading the year-9999 day's minimum wage


def test_a_gig_at_beijings_coordinates_is_refused_not_given_to_the_nearest_center(wangyi):
    ServiceCenterFactory(name="宜君", region_code="610222", latitude=35.3986, longitude=109.1169)
    errors = errors_of(latitude=39.9042, longitude=116.4074)
    assert "80 km" in errors["latitude"][0] and "80 km" in errors["longitude"][0]
    assert not Gig.objects.exists()
    # 耀州区, ~20 km from the 王益 center, is served.
    assert post(**gig_fields(latitude=34.9089, longitude=108.9805)).center == wangyi


def test_the_served_area_is_a_configurable_rule(wangyi, settings):
    settings.GIG_RULES = {**settings.GIG_RULES, "SERVICE_AREA_KM": 15}
    assert "15 km" in errors_of(latitude=34.9089, longitude=108.9805)["latitude"][0]


def test_a_chosen_center_does_not_let_a_far_site_in(wangyi):
    assert "latitude" in errors_of(latitude=39.9042, longitude=116.4074, center=wangyi)
