"""A location check-in must be a phone's reading at the site: the gig's published point copied from its page is
refused, the phone must say how exact it is, and a jump from the worker's last known location that no vehicle
could make is refused; a fast but possible one checks in and is flagged. Staff of the gig's center see each of
these, and mark them reviewed (audited)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from audit.models import AuditEntry
from jobs import selectors, services
from jobs.models import Assignment, AssignmentStatus, SuspiciousCheckIn
from tests.factories import WANGYI, CenterStaffFactory, GigFactory, WageFloorFactory
from tests.helpers import at_site
from workers.models import WorkerProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(make_worker, trade):
    WageFloorFactory()
    return make_worker(trade=trade)


def hire(worker, now, **fields):
    gig = GigFactory(starts_at=now + dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=9),
                     pay_amount=Decimal("25"), pay_unit="hour", category=worker.trades.first(), **fields)
    return services.accept_gig(gig, actor=worker.user, now=now)


def last_seen(worker, km_north: float, minutes_ago: float, now):
    WorkerProfile.objects.filter(pk=worker.pk).update(
        current_latitude=WANGYI[0] + km_north / 111.32, current_longitude=WANGYI[1],
        current_at=now - dt.timedelta(minutes=minutes_ago))


def status_of(assignment) -> str:
    return Assignment.objects.get(pk=assignment.pk).status


def test_the_published_point_copied_from_the_gig_page_is_refused_and_kept_for_staff(worker, now):
    assignment = hire(worker, now)
    gig, at = assignment.gig, now + dt.timedelta(minutes=30)
    for _ in range(2):
        with pytest.raises(ValidationError) as refused:
            services.check_in(assignment, actor=worker.user, now=at, latitude=gig.latitude,
                              longitude=gig.longitude + 4e-7, accuracy=5)
        assert "published point" in refused.value.message_dict["latitude"][0]
    assert status_of(assignment) == AssignmentStatus.ACCEPTED
    flag = SuspiciousCheckIn.objects.get(assignment=assignment)
    assert (flag.reason, flag.refused, flag.attempts, flag.distance_m, flag.accuracy_m) == (
        "copied_point", True, 2, 0, 5)
    # A real reading a few metres away is not a copy.
    assert services.check_in(assignment, actor=worker.user, now=at, **at_site(gig, metres=3)).status == "checked_in"


def test_a_households_public_point_is_refused_as_well_as_its_site(worker, now):
    # A household's gig shows the centre of its H3 cell, not the door: copying either is not a reading.
    assignment = hire(worker, now, latitude=WANGYI[0] + 0.001, longitude=WANGYI[1] + 0.001,
                      site_latitude=WANGYI[0], site_longitude=WANGYI[1])
    gig, at = assignment.gig, now + dt.timedelta(minutes=30)
    for point in ((gig.latitude, gig.longitude), (gig.site_latitude, gig.site_longitude)):
        with pytest.raises(ValidationError):
            services.check_in(assignment, actor=worker.user, now=at, latitude=point[0], longitude=point[1],
                              accuracy=8)
    assert status_of(assignment) == AssignmentStatus.ACCEPTED


def test_a_location_without_its_accuracy_is_refused_naming_the_field(worker, now):
    assignment = hire(worker, now)
    gig, at = assignment.gig, now + dt.timedelta(minutes=30)
    reading = at_site(gig)
    del reading["accuracy"]
    with pytest.raises(ValidationError) as refused:
        services.check_in(assignment, actor=worker.user, now=at, **reading)
    assert list(refused.value.message_dict) == ["accuracy"]
    api = APIClient()
    api.force_authenticate(worker.user)
    answer = api.post(f"/api/assignments/{assignment.pk}/check-in/", reading, format="json")
    assert answer.status_code == 400 and list(answer.json()["fields"]) == ["accuracy"]
    assert status_of(assignment) == AssignmentStatus.ACCEPTED


def test_a_jump_no_vehicle_could_make_is_refused(worker, now):
    assignment = hire(worker, now)
    at = now + dt.timedelta(minutes=30)
    last_seen(worker, km_north=60, minutes_ago=3, now=at)  # 60 km in 3 minutes: 1200 km/h
    with pytest.raises(ValidationError) as refused:
        services.check_in(assignment, actor=worker.user, now=at, **at_site(assignment.gig))
    assert "59.8 km from here 3 minutes ago" in refused.value.message_dict["latitude"][0]
    assert status_of(assignment) == AssignmentStatus.ACCEPTED
    flag = SuspiciousCheckIn.objects.get(assignment=assignment)
    assert (flag.reason, flag.refused, flag.jump_minutes) == ("impossible_jump", True, 3)
    assert flag.speed_kmh > 1000 and 59 < flag.jump_km < 61


def test_a_jump_faster_than_a_vehicle_in_town_checks_in_but_is_flagged(worker, now):
    assignment = hire(worker, now)
    at = now + dt.timedelta(minutes=30)
    last_seen(worker, km_north=20, minutes_ago=5, now=at)  # 20 km in 5 minutes: 240 km/h
    checked = services.check_in(assignment, actor=worker.user, now=at, **at_site(assignment.gig, accuracy=9))
    assert checked.status == AssignmentStatus.CHECKED_IN and checked.check_in_accuracy_m == 9
    flag = SuspiciousCheckIn.objects.get(assignment=assignment)
    assert (flag.reason, flag.refused, flag.accuracy_m) == ("fast_jump", False, 9)
    assert 230 < flag.speed_kmh < 250


def test_an_ordinary_trip_is_not_flagged_and_the_check_in_becomes_the_last_known_location(worker, now):
    assignment = hire(worker, now)
    at = now + dt.timedelta(minutes=30)
    last_seen(worker, km_north=12, minutes_ago=25, now=at)  # 12 km by bus in 25 minutes
    services.check_in(assignment, actor=worker.user, now=at, **at_site(assignment.gig))
    assert not SuspiciousCheckIn.objects.exists()
    profile = WorkerProfile.objects.get(pk=worker.pk)
    assert profile.current_at == at and abs(profile.current_latitude - WANGYI[0]) < 0.001


def test_staff_of_the_gigs_center_see_and_review_it_others_do_not(worker, now):
    assignment = hire(worker, now)
    center = assignment.gig.center
    gig, at = assignment.gig, now + dt.timedelta(minutes=30)
    with pytest.raises(ValidationError):
        services.check_in(assignment, actor=worker.user, now=at, latitude=gig.latitude, longitude=gig.longitude,
                          accuracy=5)
    staff, elsewhere = CenterStaffFactory(center=center).user, CenterStaffFactory().user
    flag = selectors.suspicious_check_ins(center, viewer=staff).get()
    with pytest.raises(PermissionDenied):
        selectors.suspicious_check_ins(center, viewer=elsewhere)
    with pytest.raises(PermissionDenied):
        services.review_suspicious_check_in(flag, actor=elsewhere)
    services.review_suspicious_check_in(flag, actor=staff, now=at)
    assert not selectors.suspicious_check_ins(center, viewer=staff).exists()
    assert selectors.suspicious_check_ins(center, viewer=staff, reviewed=True).get().reviewed_by == staff
    entry = AuditEntry.objects.get(action="suspicious_check_in_reviewed")
    assert entry.actor == staff and entry.subject_id == worker.user_id and entry.center == center
