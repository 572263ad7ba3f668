"""On the day: check in inside the geofence or with the site's rotating code, check out, get paid, rate."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from jobs import services
from jobs.exceptions import Conflict
from jobs.models import AssignmentStatus, GigStatus, PayStatus, Rating, WageDispute
from jobs.selectors import employer_standing, worker_reliability
from tests.factories import GigFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hired(make_worker, now):
    gig = GigFactory(starts_at=now + dt.timedelta(hours=2), ends_at=now + dt.timedelta(hours=10),
                     pay_amount=Decimal("25"), pay_unit="hour")
    return services.accept_gig(gig, actor=make_worker(trade=gig.category).user, now=now)


def test_check_in_by_location_inside_the_300_m_geofence(hired, now):
    gig = hired.gig
    at = now + dt.timedelta(hours=1, minutes=30)
    with pytest.raises(ValidationError) as refused:  # about 450 m north of the site
        services.check_in(hired, actor=hired.worker.user, now=at, latitude=gig.latitude + 0.004,
                          longitude=gig.longitude)
    assert "within 300 m" in refused.value.message_dict["latitude"][0]
    checked = services.check_in(hired, actor=hired.worker.user, now=at, latitude=gig.latitude + 0.002,
                                longitude=gig.longitude)  # ~220 m
    assert checked.status == AssignmentStatus.CHECKED_IN
    assert checked.check_in_method == "gps" and 200 < checked.check_in_distance_m < 240
    gig.refresh_from_db()
    assert gig.status == GigStatus.IN_PROGRESS


def test_check_in_opens_an_hour_before_the_start(hired, now):
    with pytest.raises(Conflict) as refused:
        services.check_in(hired, actor=hired.worker.user, now=now + dt.timedelta(minutes=59),
                          latitude=hired.gig.latitude, longitude=hired.gig.longitude)
    assert refused.value.code == "too_early"


def test_check_in_with_the_rotating_code_shown_at_the_site(hired, now):
    at = now + dt.timedelta(hours=2)
    code, valid_until = services.check_in_code(hired.gig, at)
    assert len(code) == 6 and code.isdigit() and valid_until > at
    stale, _ = services.check_in_code(hired.gig, at - dt.timedelta(minutes=5))
    if stale != code:
        with pytest.raises(ValidationError) as refused:
            services.check_in(hired, actor=hired.worker.user, now=at, code=stale)
        assert "code" in refused.value.message_dict
    assert services.check_in(hired, actor=hired.worker.user, now=at, code=code).check_in_method == "code"


def test_codes_change_every_minute_and_differ_between_gigs(hired, now):
    other = GigFactory()
    minutes = [now + dt.timedelta(minutes=m) for m in range(10)]
    codes = [services.check_in_code(hired.gig, at)[0] for at in minutes]
    assert len(set(codes)) >= 8
    assert codes != [services.check_in_code(other, at)[0] for at in minutes]


def test_check_out_records_the_minutes_worked_and_pay_completes_the_work(hired, now):
    gig = hired.gig
    services.check_in(hired, actor=hired.worker.user, now=gig.starts_at, latitude=gig.latitude, longitude=gig.longitude)
    out = services.check_out(hired, actor=hired.worker.user, now=gig.starts_at + dt.timedelta(hours=7, minutes=30))
    assert out.minutes_worked == 450
    paid = services.record_pay(hired, actor=hired.gig.employer.owner, quantity=Decimal("7.5"), now=gig.ends_at)
    assert paid.amount_due == Decimal("187.50") and paid.pay_status == PayStatus.RECORDED
    assert paid.status == AssignmentStatus.COMPLETED
    gig.refresh_from_db()
    assert gig.status == GigStatus.COMPLETED
    assert services.confirm_paid(hired, actor=hired.worker.user).pay_status == PayStatus.CONFIRMED


def test_pay_cannot_be_recorded_before_the_work(hired):
    with pytest.raises(Conflict):
        services.record_pay(hired, actor=hired.gig.employer.owner, quantity=Decimal("8"))


def test_a_worker_disputes_unpaid_wages_and_it_counts_against_the_employer(hired, now):
    gig = hired.gig
    services.check_in(hired, actor=hired.worker.user, now=gig.starts_at, latitude=gig.latitude, longitude=gig.longitude)
    services.record_pay(hired, actor=hired.gig.employer.owner, quantity=Decimal("8"), now=gig.ends_at)
    dispute = services.dispute_pay(hired, actor=hired.worker.user, reason="干完活老板没给钱", now=gig.ends_at)
    assert dispute.amount_claimed == Decimal("200.00") and dispute.status == WageDispute.Status.OPEN
    hired.refresh_from_db()
    assert hired.pay_status == PayStatus.DISPUTED
    assert employer_standing(gig.employer).open_wage_disputes == 1
    services.confirm_paid(hired, actor=hired.worker.user)  # the money arrived after all
    dispute.refresh_from_db()
    assert dispute.status == WageDispute.Status.RESOLVED


def test_both_sides_rate_once_after_completion(hired, now):
    with pytest.raises(Conflict):
        services.rate(hired, actor=hired.worker.user, score=5)
    gig = hired.gig
    services.check_in(hired, actor=hired.worker.user, now=gig.starts_at, latitude=gig.latitude, longitude=gig.longitude)
    services.record_pay(hired, actor=hired.gig.employer.owner, quantity=Decimal("8"), now=gig.ends_at)
    services.rate(hired, actor=hired.worker.user, score=4, comment="按时结账")
    services.rate(hired, actor=hired.gig.employer.owner, score=5)
    with pytest.raises(Conflict) as refused:
        services.rate(hired, actor=hired.gig.employer.owner, score=1)
    assert refused.value.code == "already_rated"
    assert employer_standing(gig.employer).rating == 4.0
    reliability = worker_reliability(hired.worker)
    assert reliability.rating == 5.0 and reliability.completed == 1 and reliability.attendance_rate == 1.0


def test_a_score_outside_one_to_five_is_refused(hired):
    gig = hired.gig
    services.check_in(hired, actor=hired.worker.user, now=gig.starts_at, latitude=gig.latitude, longitude=gig.longitude)
    services.record_pay(hired, actor=hired.gig.employer.owner, quantity=Decimal("8"), now=gig.ends_at)
    with pytest.raises(ValidationError) as refused:
        services.rate(hired, actor=hired.gig.employer.owner, score=6)
    assert "1 to 5" in refused.value.message_dict["score"][0]
    assert not Rating.objects.exists()


def test_rating_counters_follow_every_rating_and_are_filled_for_old_ratings(hired):
    """Lists read the counters on the employer and the worker; the migration fills them from old ratings."""
    gig = hired.gig
    services.check_in(hired, actor=hired.worker.user, now=gig.starts_at, latitude=gig.latitude, longitude=gig.longitude)
    services.record_pay(hired, actor=hired.gig.employer.owner, quantity=Decimal("8"), now=gig.ends_at)
    services.rate(hired, actor=hired.worker.user, score=3)
    services.rate(hired, actor=hired.gig.employer.owner, score=5)
    gig.employer.refresh_from_db()
    hired.worker.refresh_from_db()
    assert (gig.employer.rating_total, gig.employer.rating_count) == (3, 1)
    assert (hired.worker.rating_total, hired.worker.rating_count) == (5, 1)
    type(gig.employer).objects.update(rating_total=0, rating_count=0)
    migration = importlib.import_module("jobs.migrations.0005_rating_counters")
    migration.count_existing_ratings(apps, None)
    gig.employer.refresh_from_db()
    assert (gig.employer.rating_total, gig.employer.rating_count) == (3, 1)
