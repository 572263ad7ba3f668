"""Skills training (技能培训): courses per center with sessions and capacity; sign-up online or at the counter;
attendance; completion marked by staff makes the course's trade a verified skill, shown on the worker's card and
preferred by matching."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from jobs import matching
from jobs.exceptions import Conflict
from jobs.selectors import worker_card
from programs import selectors, services
from programs.models import Enrolment, SessionAttendance
from tests.factories import CityAdminFactory, GigFactory, TradeFactory, WageFloorFactory, WorkerFactory
from workers.models import WorkerTrade

pytestmark = pytest.mark.django_db


def test_a_full_course_refuses_the_next_sign_up_with_the_reason(make_course, staff):
    course = make_course(capacity=1)
    services.enrol(course, actor=WorkerFactory().user)
    with pytest.raises(Conflict) as refused:
        services.enrol(course, actor=staff, worker=WorkerFactory())
    assert refused.value.code == "full" and "1" in refused.value.message
    assert Enrolment.objects.count() == 1


def test_a_course_over_takes_no_sign_ups(make_course, staff, now):
    course = make_course()
    services.update_course(course, actor=staff, sessions=[(now - dt.timedelta(days=2),
                                                           now - dt.timedelta(days=2, hours=-2))])
    with pytest.raises(Conflict) as refused:
        services.enrol(course, actor=WorkerFactory().user)
    assert refused.value.code == "over"


def test_staff_of_another_center_cannot_take_attendance_or_mark_completion(make_course, other_staff):
    course = make_course()
    enrolment = services.enrol(course, actor=WorkerFactory().user)
    with pytest.raises(PermissionDenied):
        services.record_session_attendance(course.sessions.first(), enrolment, actor=other_staff)
    with pytest.raises(PermissionDenied):
        services.mark_completed(enrolment, actor=other_staff)
    with pytest.raises(PermissionDenied):
        services.mark_completed(enrolment, actor=enrolment.worker.user)  # nor the worker themselves
    assert not WorkerTrade.objects.filter(verified_at__isnull=False).exists()


def test_completion_adds_a_verified_skill_shown_on_the_worker_card(make_course, staff, electrician):
    course = make_course()
    worker = WorkerFactory()
    enrolment = services.enrol(course, actor=worker.user)
    for session in course.sessions.all():
        services.record_session_attendance(session, enrolment, actor=staff)
    assert SessionAttendance.objects.filter(enrolment=enrolment).count() == 2

    services.mark_completed(enrolment, actor=staff)

    skill = WorkerTrade.objects.get(worker=worker, category=electrician)  # a trade they did not list before
    assert skill.verified_by_course == course and skill.verified_at is not None
    card = worker_card(worker.pk, viewer=CityAdminFactory())
    assert [(t["code"], t["verified_by_course"]) for t in card["trades"]] == [("electrician", course.pk)]
    entry = AuditEntry.objects.get(action="course_completed")
    assert entry.subject == worker.user and entry.before == {"verified_at": None, "verified_by_course": None}
    assert selectors.course_detail(course.pk, viewer=staff)["completed"] == 1


def test_matching_prefers_the_worker_with_a_verified_skill(make_course, staff, electrician, now):
    """Two electricians at the same distance with the same record: the one a course verified is ranked first."""
    WageFloorFactory()
    # The trained one has the larger id, so the ids' tie-break alone would rank them the other way.
    trained, untrained = sorted((WorkerFactory(), WorkerFactory()), key=lambda w: -w.pk)
    for worker in (trained, untrained):
        WorkerTrade.objects.create(worker=worker, category=electrician, years_experience=3)
    services.mark_completed(services.enrol(make_course(), actor=trained.user), actor=staff)
    gig = GigFactory(category=electrician, starts_at=now + dt.timedelta(days=1), pay_amount="300.00")

    candidates = matching.candidates_for(gig, 3, now)
    ranked = [c.worker_id for c in matching.rank(candidates, 3)]

    assert {c.worker_id: c.skill_verified for c in candidates} == {trained.pk: True, untrained.pk: False}
    assert ranked == [trained.pk, untrained.pk]


def test_a_verified_skill_weighs_a_seventh_of_the_radius_in_distance():
    def electrician(worker_id, km, skill_verified):
        return matching.Candidate(worker_id, km, 3, True, False, completed=0, no_shows=0, late_cancels=0,
                                  skill_verified=skill_verified)

    trained_a_bit_further = electrician(1, 0.4, True)
    untrained_nearer = electrician(2, 0.0, False)
    trained_much_further = electrician(3, 0.5, True)
    order = [c.worker_id for c in matching.rank([trained_much_further, untrained_nearer, trained_a_bit_further], 3)]
    assert order == [1, 2, 3]


def test_completing_twice_changes_nothing(make_course, staff):
    enrolment = services.enrol(make_course(), actor=WorkerFactory().user)
    first = services.mark_completed(enrolment, actor=staff).completed_at
    assert services.mark_completed(enrolment, actor=CityAdminFactory()).completed_at == first
    assert AuditEntry.objects.filter(action="course_completed").count() == 1


def test_a_session_is_dated_near_today_and_lasts_at_most_a_long_working_day(make_course, staff, now):
    course = make_course()
    day = now + dt.timedelta(days=5)
    for sessions, rule in (([(day, day + dt.timedelta(hours=13))], "A training session lasts at most 12 hours."),
                           ([(day, day + dt.timedelta(hours=2)), (day.replace(year=9999), day.replace(year=9999)
                                                                  + dt.timedelta(hours=2))],
                            "A fair or a training session is dated at most 365 days from today.")):
        with pytest.raises(ValidationError) as error:
            services.update_course(course, actor=staff, sessions=sessions)
        assert error.value.message_dict == {"sessions": [rule]}
    assert course.sessions.count() == 2  # the refused sessions replaced nothing


def test_a_course_verifies_a_trade_not_a_group(staff, center):
    group = TradeFactory().parent
    with pytest.raises(ValidationError) as error:
        services.create_course(actor=staff, center=center, trade=group, title="x", place="y", capacity=3,
                               sessions=[])
    assert "trade" in error.value.message_dict
