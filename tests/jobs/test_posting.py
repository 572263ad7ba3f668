"""Employers post gigs: legal pay, a start in the future, review of unverified employers' posts, edits and reopening."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jobs import services
from jobs.exceptions import Conflict
from jobs.models import GigStatus
from tests.factories import (
    CenterStaffFactory,
    EmployerFactory,
    GigFactory,
    ServiceCenterFactory,
    TradeFactory,
    WageFloorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def wangyi():
    WageFloorFactory(region_code="610202", hourly_minimum=Decimal("20.00"))
    WageFloorFactory(region_code="610000", area_class="三类", hourly_minimum=Decimal("19.00"))
    return ServiceCenterFactory(region_code="610202")


def post(employer=None, **overrides):
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    fields = dict(category=TradeFactory(), title="搬砖", headcount=2, pay_amount=Decimal("180"), pay_unit="day",
                  address="王益区", latitude=35.069, longitude=109.0756, starts_at=start,
                  ends_at=start + dt.timedelta(hours=8))
    fields.update(overrides)
    return services.create_gig(actor=(employer or EmployerFactory()).owner, **fields)


def test_pay_below_the_areas_minimum_wage_is_refused_naming_the_floor(wangyi):
    with pytest.raises(ValidationError) as refused:
        post(pay_amount=Decimal("150"), pay_unit="day")
    message = refused.value.message_dict["pay_amount"][0]
    assert "160.00" in message and "20.00" in message and "二类" in message
    with pytest.raises(ValidationError) as refused:
        post(pay_amount=Decimal("19.50"), pay_unit="hour")
    assert "20.00 yuan per hour" in refused.value.message_dict["pay_amount"][0]
    assert post(pay_amount=Decimal("20"), pay_unit="hour").status == GigStatus.OPEN


def test_the_province_wide_floor_applies_where_a_district_has_none(wangyi):
    ServiceCenterFactory(name="宜君", region_code="610222", latitude=35.3986, longitude=109.1169)
    with pytest.raises(ValidationError) as refused:
        post(pay_amount=Decimal("18"), pay_unit="hour", latitude=35.3986, longitude=109.1169)
    assert "19.00" in refused.value.message_dict["pay_amount"][0]


def test_piece_rates_are_held_to_the_hourly_floor_through_the_stated_output(wangyi):
    bagging = TradeFactory(code="apple_bagging", name="苹果套袋", pay_units=["piece", "day"])
    gig = post(category=bagging, pay_amount=Decimal("0.09"), pay_unit="piece", expected_pieces_per_day=5000,
               max_pieces=8000)
    assert gig.pay_amount == Decimal("0.09")  # 450 yuan for an 8-hour day's 5,000 bags: 56.25 yuan per hour


def test_the_start_must_be_in_the_future(wangyi):
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    with pytest.raises(ValidationError) as refused:
        post(starts_at=past, ends_at=past + dt.timedelta(hours=8))
    assert "future" in refused.value.message_dict["starts_at"][0]


def test_an_unverified_employers_post_waits_for_review_by_its_centers_staff(wangyi):
    employer = EmployerFactory(verification_status="unverified")
    gig = post(employer)
    assert gig.status == GigStatus.PENDING_REVIEW and gig.center == wangyi
    outsider = CenterStaffFactory(center=ServiceCenterFactory(name="印台")).user
    with pytest.raises(PermissionDenied):
        services.review_gig(gig, actor=outsider, approve=True)
    staff = CenterStaffFactory(center=wangyi).user
    with pytest.raises(ValidationError) as refused:
        services.review_gig(gig, actor=staff, approve=False)
    assert "reason" in refused.value.message_dict
    rejected = services.review_gig(gig, actor=staff, approve=False, reason="工资写得不清楚")
    assert rejected.status == GigStatus.DRAFT and rejected.review_note == "工资写得不清楚"
    again = services.publish_gig(rejected, actor=rejected.employer.owner)
    assert again.status == GigStatus.PENDING_REVIEW
    approved = services.review_gig(again, actor=staff, approve=True)
    assert approved.status == GigStatus.OPEN and approved.reviewed_by == staff


def test_a_gig_can_be_edited_until_someone_accepts(wangyi, make_worker):
    gig = post()
    edited = services.update_gig(gig, actor=gig.employer.owner, title="搬砖（加急）", pay_amount=Decimal("200"))
    assert edited.title == "搬砖（加急）" and edited.pay_amount == Decimal("200")
    services.accept_gig(gig, actor=make_worker(trade=gig.category).user)
    with pytest.raises(Conflict) as refused:
        services.update_gig(gig, actor=gig.employer.owner, pay_amount=Decimal("170"))
    assert refused.value.code == "not_editable"


def test_headcount_cannot_drop_below_the_workers_already_taken_by_editing(wangyi):
    gig = post()
    with pytest.raises(ValidationError) as refused:
        services.update_gig(gig, actor=gig.employer.owner, headcount=0)
    assert "headcount" in refused.value.message_dict


def test_an_edit_by_an_unverified_employer_goes_back_to_review(wangyi):
    employer = EmployerFactory(verification_status="unverified")
    gig = post(employer)
    staff = CenterStaffFactory(center=wangyi).user
    services.review_gig(gig, actor=staff, approve=True)
    assert services.update_gig(gig, actor=gig.employer.owner,
                               pay_amount=Decimal("300")).status == GigStatus.PENDING_REVIEW


def test_moving_the_site_moves_the_gig_to_the_nearest_center(wangyi):
    yintai = ServiceCenterFactory(name="印台", region_code="610203", latitude=35.1145, longitude=109.1000)
    WageFloorFactory(region_code="610203")
    gig = post()
    assert services.update_gig(gig, actor=gig.employer.owner, latitude=35.115, longitude=109.101).center == yintai


def test_unknown_fields_are_refused_by_name(wangyi):
    with pytest.raises(ValidationError) as refused:
        post(accepted_count=0)
    assert "accepted_count" in refused.value.message_dict


def test_only_a_draft_is_published_a_cancelled_gig_is_reopened(now):
    gig = GigFactory(status=GigStatus.CANCELLED, starts_at=now + dt.timedelta(days=2))
    with pytest.raises(Conflict) as refused:
        services.publish_gig(gig, actor=gig.employer.owner)
    assert refused.value.code == "not_draft"
    assert services.reopen_gig(gig, actor=gig.employer.owner).status == GigStatus.OPEN
