"""A worker who cannot come cancels their sign-up (online, or at the counter through staff) and the place is
free for the next worker; once the fair or the course has started, the sign-up stands and the refusal says why."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from jobs.exceptions import Conflict
from programs import services
from programs.models import Enrolment, FairRegistration
from tests.factories import CityAdminFactory, EmployerFactory, QualifiedWorkerFactory

pytestmark = pytest.mark.django_db


def test_a_worker_cancels_their_registration_and_the_place_goes_to_the_next(make_fair):
    fair = make_fair(capacity=1)
    first, second = QualifiedWorkerFactory(), QualifiedWorkerFactory()
    services.register_for_fair(fair, actor=first.user)
    with pytest.raises(Conflict):
        services.register_for_fair(fair, actor=second.user)
    services.cancel_fair_registration(fair, actor=first.user)
    assert not FairRegistration.objects.filter(worker=first).exists()
    services.register_for_fair(fair, actor=second.user)
    assert not AuditEntry.objects.filter(action="fair_registration_cancelled").exists()  # the worker's own


def test_staff_cancel_a_registration_at_the_counter_and_it_is_audited(make_fair, staff):
    fair = make_fair()
    walk_in = QualifiedWorkerFactory()
    services.register_for_fair(fair, actor=staff, worker=walk_in)
    services.cancel_fair_registration(fair, actor=staff, worker=walk_in)
    assert not fair.registrations.exists()
    entry = AuditEntry.objects.get(action="fair_registration_cancelled")
    assert (entry.actor, entry.subject, entry.center, entry.before["channel"]) == (
        staff, walk_in.user, fair.center, "counter")


def test_only_the_worker_and_the_fairs_center_staff_may_cancel(make_fair, other_staff):
    fair = make_fair()
    me = QualifiedWorkerFactory()
    services.register_for_fair(fair, actor=me.user)
    for outsider in (other_staff, EmployerFactory().owner):
        with pytest.raises(PermissionDenied):
            services.cancel_fair_registration(fair, actor=outsider, worker=me)
    with pytest.raises(PermissionDenied):
        services.cancel_fair_registration(fair, actor=QualifiedWorkerFactory().user, worker=me)
    with pytest.raises(ValidationError) as unnamed:
        services.cancel_fair_registration(fair, actor=CityAdminFactory())
    assert "worker" in unnamed.value.message_dict
    assert fair.registrations.filter(worker=me).exists()


def test_a_registration_stands_once_the_fair_has_started(make_fair, now):
    fair = make_fair()
    me = QualifiedWorkerFactory()
    services.register_for_fair(fair, actor=me.user)
    with pytest.raises(Conflict) as refused:
        services.cancel_fair_registration(fair, actor=me.user, now=fair.starts_at + dt.timedelta(minutes=1))
    assert refused.value.code == "started" and "no longer" in refused.value.message
    assert fair.registrations.filter(worker=me).exists()


def test_cancelling_without_a_registration_says_so(make_fair):
    with pytest.raises(Conflict) as refused:
        services.cancel_fair_registration(make_fair(), actor=QualifiedWorkerFactory().user)
    assert refused.value.code == "not_signed_up"


def test_a_worker_cancels_a_course_and_staff_cancel_at_the_counter(make_course, staff):
    course = make_course(capacity=1)
    me, walk_in = QualifiedWorkerFactory(), QualifiedWorkerFactory()
    services.enrol(course, actor=me.user)
    services.cancel_enrolment(course, actor=me.user)
    services.enrol(course, actor=staff, worker=walk_in)  # the freed place
    services.cancel_enrolment(course, actor=staff, worker=walk_in)
    assert not Enrolment.objects.exists()
    assert AuditEntry.objects.get(action="enrolment_cancelled").subject == walk_in.user


def test_a_sign_up_stands_once_the_first_session_has_started(make_course, other_staff):
    course = make_course()
    me = QualifiedWorkerFactory()
    services.enrol(course, actor=me.user)
    with pytest.raises(PermissionDenied):
        services.cancel_enrolment(course, actor=other_staff, worker=me)
    first = course.sessions.order_by("starts_at").first()
    with pytest.raises(Conflict) as refused:
        services.cancel_enrolment(course, actor=me.user, now=first.starts_at)
    assert refused.value.code == "started"
    assert course.enrolments.filter(worker=me).exists()
