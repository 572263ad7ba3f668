"""On the day: check in inside the geofence or with the site's rotating code, check out, get paid, rate."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError

from jobs import services
from jobs.exceptions import Conflict
from jobs.models import AssignmentStatus, Gig, GigStatus, PayStatus, Rating, Strike, WageDispute
from jobs.selectors import employer_standing, worker_reliability
from notifications.models import Notification
from tests.factories import EmployerFactory, GigFactory
from tests.helpers import at_site

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
        services.check_in(hired, actor=hired.worker.user, now=at, **at_site(gig, metres=450))
    assert "within 300 m" in refused.value.message_dict["latitude"][0]
    checked = services.check_in(hired, actor=hired.worker.user, now=at, **at_site(gig, metres=220))
    assert checked.status == AssignmentStatus.CHECKED_IN
    assert checked.check_in_method == "gps" and 200 < checked.check_in_distance_m < 240
    gig.refresh_from_db()
    assert gig.status == GigStatus.IN_PROGRESS


def test_check_in_opens_an_hour_before_the_start(hired, now):
    with pytest.raises(Conflict) as refused:
        services.check_in(hired, actor=hired.worker.user, now=now + dt.timedelta(minutes=59),
                          **at_site(hired.gig))
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
    services.check_in(hired, actor=hired.worker.user, now=gig.starts_at, **at_site(gig))
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
    services.check_in(hired, actor=hired.worker.user, now=gig.starts_at, **at_site(gig))
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
    services.check_in(hired, actor=hired.worker.user, now=gig.starts_at, **at_site(gig))
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
    services.check_in(hired, actor=hired.worker.user, now=gig.starts_at, **at_site(gig))
    services.record_pay(hired, actor=hired.gig.employer.owner, quantity=Decimal("8"), now=gig.ends_at)
    with pytest.raises(ValidationError) as refused:
        services.rate(hired, actor=hired.gig.employer.owner, score=6)
    assert "1 to 5" in refused.value.message_dict["score"][0]
    assert not Rating.objects.exists()


def test_rating_counters_follow_every_rating_and_are_filled_for_old_ratings(hired):
    """Lists read the counters on the employer and the worker; the migration fills them from old ratings."""
    gig = hired.gig
    services.check_in(hired, actor=hired.worker.user, now=gig.starts_at, **at_site(gig))
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


# --- Time adds up: no check-out before the start; an employer may end a gig early, saying why -------------

def test_a_worker_who_checked_in_early_cannot_check_out_before_the_start(hired):
    gig = hired.gig
    services.check_in(hired, actor=hired.worker.user, now=gig.starts_at - dt.timedelta(minutes=30),
                      **at_site(gig))
    for actor in (hired.worker.user, gig.employer.owner):
        with pytest.raises(Conflict) as refused:
            services.check_out(hired, actor=actor, now=gig.starts_at - dt.timedelta(minutes=10))
        assert refused.value.code == "not_started"
    with pytest.raises(Conflict) as refused:  # recording pay would check the worker out too
        services.record_pay(hired, actor=gig.employer.owner, quantity=Decimal("1"),
                            now=gig.starts_at - dt.timedelta(minutes=10))
    assert refused.value.code == "not_started"
    hired.refresh_from_db()
    assert hired.status == AssignmentStatus.CHECKED_IN and hired.checked_out_at is None
    out = services.check_out(hired, actor=hired.worker.user, now=gig.starts_at + dt.timedelta(hours=1))
    assert out.status == AssignmentStatus.CHECKED_OUT and out.minutes_worked == 90


@pytest.fixture
def two_hired(hired, make_worker, now):
    """The hourly gig of `hired` with a second worker on it."""
    gig = hired.gig
    Gig.objects.filter(pk=gig.pk).update(headcount=2)
    second = services.accept_gig(gig, actor=make_worker(trade=gig.category).user, now=now)
    return hired, second


def test_the_employer_ends_a_gig_early_with_a_reason_and_everyone_on_site_is_checked_out(two_hired):
    on_site, on_the_way = two_hired
    gig = on_site.gig
    planned_end = gig.ends_at
    services.check_in(on_site, actor=on_site.worker.user, now=gig.starts_at, **at_site(gig))
    stop = gig.starts_at + dt.timedelta(minutes=50)

    ended = services.end_gig_early(gig, actor=gig.employer.owner, reason="下暴雨，停工", now=stop)

    assert (ended.ends_at, ended.planned_ends_at, ended.ended_early_at) == (stop, planned_end, stop)
    assert ended.end_early_reason == "下暴雨，停工" and ended.status == GigStatus.IN_PROGRESS
    on_site.refresh_from_db()
    assert on_site.status == AssignmentStatus.CHECKED_OUT and on_site.minutes_worked == 50
    # The worker still on the way (within the no-show grace) is let go and owed show-up pay, with no strike.
    on_the_way.refresh_from_db()
    assert on_the_way.status == AssignmentStatus.CANCELLED and on_the_way.cancelled_by == "employer"
    assert on_the_way.compensation.amount == Decimal("100.00")  # 4 hours at 25 yuan
    assert not Strike.objects.exists()
    assert Notification.objects.filter(user=on_the_way.worker.user, kind="cancelled",
                                       payload__reason="下暴雨，停工").exists()
    # The gig is over: nobody checks in to it any more.
    with pytest.raises(Conflict) as refused:
        services.check_in(on_the_way, actor=on_the_way.worker.user, now=stop + dt.timedelta(minutes=5),
                          **at_site(gig))
    assert refused.value.code in ("ended", "bad_transition")


def test_ending_early_needs_a_reason_a_started_gig_and_its_own_employer(hired, make_worker):
    gig = hired.gig
    with pytest.raises(ValidationError) as refused:
        services.end_gig_early(gig, actor=gig.employer.owner, reason="  ", now=gig.starts_at + dt.timedelta(hours=1))
    assert "reason" in refused.value.message_dict
    with pytest.raises(Conflict) as refused:
        services.end_gig_early(gig, actor=gig.employer.owner, reason="不干了",
                               now=gig.starts_at - dt.timedelta(hours=1))
    assert refused.value.code == "not_started"  # before the start the employer cancels instead
    with pytest.raises(PermissionDenied):
        services.end_gig_early(gig, actor=EmployerFactory().owner, reason="不干了", now=gig.starts_at)
    with pytest.raises(PermissionDenied):
        services.end_gig_early(gig, actor=hired.worker.user, reason="不干了", now=gig.starts_at)
    with pytest.raises(Conflict) as refused:
        services.end_gig_early(gig, actor=gig.employer.owner, reason="不干了", now=gig.ends_at)
    assert refused.value.code == "ended"
    gig.refresh_from_db()
    assert gig.ended_early_at is None and gig.planned_ends_at is None


# --- A finished assignment does not block an overlapping new gig ---------------------------------------------

@pytest.mark.parametrize("finished", ["checked_out", "completed"])
def test_a_worker_who_has_finished_a_gig_may_take_one_that_overlaps_its_posted_hours(hired, finished):
    gig = hired.gig
    services.check_in(hired, actor=hired.worker.user, now=gig.starts_at, **at_site(gig))
    left = gig.starts_at + dt.timedelta(hours=3)
    evening = GigFactory(category=gig.category, starts_at=left + dt.timedelta(hours=1),
                         ends_at=gig.ends_at + dt.timedelta(hours=2))  # overlaps the first gig's posted end
    with pytest.raises(Conflict) as refused:  # while still on site, the worker is busy then
        services.accept_gig(evening, actor=hired.worker.user, now=left - dt.timedelta(minutes=1))
    assert refused.value.code == "overlap"
    services.check_out(hired, actor=hired.worker.user, now=left)
    if finished == "completed":
        services.record_pay(hired, actor=gig.employer.owner, quantity=Decimal("3"), now=left)
    taken = services.accept_gig(evening, actor=hired.worker.user, now=left)
    assert taken.status == AssignmentStatus.ACCEPTED


def test_an_employers_standing_counts_its_completed_and_cancelled_gigs_and_no_others(db):
    employer = EmployerFactory()
    for status in (GigStatus.COMPLETED, GigStatus.COMPLETED, GigStatus.CANCELLED, GigStatus.OPEN, GigStatus.DRAFT):
        GigFactory(employer=employer, status=status)
    GigFactory(status=GigStatus.COMPLETED)  # someone else's
    standing = employer_standing(employer)
    assert (standing.gigs_completed, standing.cancellations) == (2, 1)
