"""Fairs, courses and sign-ups in the city's admin: what has rules goes through the services (checked and
audited as at the counter); statuses are read-only; sign-ups change only through the actions."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Role, User
from audit.models import AuditEntry
from programs import services
from programs.models import Enrolment, FairRegistration, JobFair
from tests.factories import QualifiedWorkerFactory
from workers.models import WorkerTrade

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(client):
    user = User.objects.create_superuser(phone="13700000001", password="admin-pass-123", role=Role.CITY_ADMIN)
    client.force_login(user)
    return user


def _split(when: dt.datetime, name: str) -> dict:
    return {f"{name}_0": when.strftime("%Y-%m-%d"), f"{name}_1": when.strftime("%H:%M:%S")}


def _inlines(fair: JobFair) -> dict:
    data = {}
    for prefix, count in (("employers", fair.employers.count()), ("fair_gigs", fair.fair_gigs.count()),
                          ("registrations", fair.registrations.count())):
        data |= {f"{prefix}-TOTAL_FORMS": count, f"{prefix}-INITIAL_FORMS": count, f"{prefix}-MIN_NUM_FORMS": 0,
                 f"{prefix}-MAX_NUM_FORMS": 1000}
    return data


def test_a_fair_added_in_the_admin_is_created_by_the_service_and_audited(client, city, center, now):
    starts = now + dt.timedelta(days=5)
    response = client.post(reverse("admin:programs_jobfair_add"), {
        "center": center.pk, "title": "市级招聘会", "place": "广场", "capacity": 100,
        **_split(starts, "starts_at"), **_split(starts + dt.timedelta(hours=3), "ends_at")})
    assert response.status_code == 302, response.content.decode()[-3000:]
    fair = JobFair.objects.get(title="市级招聘会")
    assert fair.created_by == city
    assert AuditEntry.objects.filter(action="fair_created", actor=city).exists()


def test_a_capacity_below_the_places_taken_is_refused_on_the_form(client, city, make_fair):
    fair = make_fair(capacity=3)
    for _ in range(2):
        services.register_for_fair(fair, actor=QualifiedWorkerFactory().user)
    url = reverse("admin:programs_jobfair_change", args=[fair.pk])
    page = client.get(url).content.decode()
    assert 'name="is_cancelled"' not in page and 'name="center"' not in page  # read-only
    data = {"title": fair.title, "place": fair.place, "capacity": 1, "description": "",
            **_split(fair.starts_at, "starts_at"), **_split(fair.ends_at, "ends_at"), **_inlines(fair)}
    response = client.post(url, data)
    assert response.status_code == 200 and "2 workers have signed up already" in response.content.decode()
    assert JobFair.objects.get(pk=fair.pk).capacity == 3
    response = client.post(url, {**data, "capacity": 5})
    assert response.status_code == 302
    assert JobFair.objects.get(pk=fair.pk).capacity == 5
    assert AuditEntry.objects.get(action="fair_updated").after["capacity"] == 5


def test_cancelling_a_fair_is_an_action_through_the_service(client, city, make_fair):
    fair = make_fair()
    client.post(reverse("admin:programs_jobfair_changelist"), {"action": "cancel_events",
                                                              "_selected_action": [fair.pk]})
    assert JobFair.objects.get(pk=fair.pk).is_cancelled
    assert AuditEntry.objects.get(action="fair_updated").after["is_cancelled"] is True


def test_sign_ups_are_read_only_and_the_actions_keep_the_rules(client, city, make_fair, make_course):
    fair, course = make_fair(), make_course()
    worker = QualifiedWorkerFactory()
    registration = services.register_for_fair(fair, actor=worker.user)
    enrolment = services.enrol(course, actor=worker.user)
    assert client.get(reverse("admin:programs_fairregistration_add")).status_code == 403
    assert client.post(reverse("admin:programs_enrolment_change", args=[enrolment.pk]),
                       {"completed_at_0": "2030-01-01"}).status_code == 403
    assert client.get(reverse("admin:programs_course_add")).status_code == 403

    client.post(reverse("admin:programs_enrolment_changelist"), {"action": "mark_completed",
                                                                "_selected_action": [enrolment.pk]})
    assert WorkerTrade.objects.get(worker=worker, category=course.trade).verified_by_course == course
    # A completed sign-up is not cancelled: refused, and said so.
    page = client.post(reverse("admin:programs_enrolment_changelist"),
                       {"action": "cancel", "_selected_action": [enrolment.pk]}, follow=True).content.decode()
    assert Enrolment.objects.filter(pk=enrolment.pk).exists() and "has completed this course" in page
    # A fair a week ahead: attendance is refused (on the day only), cancelling frees the place.
    page = client.post(reverse("admin:programs_fairregistration_changelist"),
                       {"action": "record_attendance", "_selected_action": [registration.pk]},
                       follow=True).content.decode()
    assert "on the day of the fair" in page
    client.post(reverse("admin:programs_fairregistration_changelist"),
                {"action": "cancel", "_selected_action": [registration.pk]})
    assert not FairRegistration.objects.exists()
    assert AuditEntry.objects.filter(action="fair_registration_cancelled", actor=city).exists()
