"""Staff can use the admin: every list, search, filter, change and add page answers."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import Role, User
from tests.factories import AssignmentFactory, CenterStaffFactory, WageFloorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser(phone="13700000000", password="admin-pass-123", role=Role.CITY_ADMIN)
    client.force_login(user)
    AssignmentFactory()
    CenterStaffFactory()
    WageFloorFactory()
    return client


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_every_admin_page_answers(admin_client, model):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    changelist = reverse(f"{prefix}_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "王"}).status_code == 200
    request = RequestFactory().get("/")
    request.user = User.objects.get(phone="13700000000")
    addable = admin.site._registry[model].has_add_permission(request)
    assert admin_client.get(reverse(f"{prefix}_add")).status_code == (200 if addable else 403)
    obj = model.objects.first()
    if obj is not None:
        assert admin_client.get(reverse(f"{prefix}_change", args=[obj.pk])).status_code == 200


def test_phone_numbers_are_masked_in_the_user_list(admin_client):
    User.objects.create_user(phone="13912345678", name="张三", role=Role.WORKER)
    page = admin_client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "139****5678" in page
    assert "13912345678" not in page


def test_center_staff_cannot_use_the_admin(client):
    staff = CenterStaffFactory().user
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response.url


def test_statuses_are_read_only_and_actions_call_the_services(admin_client):
    from jobs.models import Employer, Gig, GigStatus, VerificationStatus, WageDispute
    from tests.factories import EmployerFactory, GigFactory

    employer = EmployerFactory(verification_status=VerificationStatus.PENDING)
    page = admin_client.get(reverse("admin:jobs_employer_change", args=[employer.pk])).content.decode()
    assert 'name="verification_status"' not in page
    admin_client.post(reverse("admin:jobs_employer_changelist"),
                      {"action": "verify", "_selected_action": [employer.pk]})
    assert Employer.objects.get(pk=employer.pk).verification_status == VerificationStatus.VERIFIED

    waiting = GigFactory(status=GigStatus.PENDING_REVIEW)
    done = GigFactory(status=GigStatus.COMPLETED)
    response = admin_client.post(reverse("admin:jobs_gig_changelist"),
                                 {"action": "approve", "_selected_action": [waiting.pk, done.pk]}, follow=True)
    assert Gig.objects.get(pk=waiting.pk).status == GigStatus.OPEN
    assert Gig.objects.get(pk=waiting.pk).reviewed_by.phone == "13700000000"
    assert Gig.objects.get(pk=done.pk).status == GigStatus.COMPLETED  # refused by the service, reported
    assert "not waiting for review" in response.content.decode()
    assert admin_client.post(reverse("admin:jobs_gig_change", args=[done.pk]),
                             {"status": "open"}).status_code == 403

    assignment = AssignmentFactory(status="completed", pay_status="disputed")
    dispute = WageDispute.objects.create(assignment=assignment, reason="没给钱", amount_claimed=100)
    admin_client.post(reverse("admin:jobs_wagedispute_changelist"),
                      {"action": "settle", "_selected_action": [dispute.pk]})
    assert WageDispute.objects.get(pk=dispute.pk).status == WageDispute.Status.RESOLVED


def test_an_employers_contact_phone_typed_in_the_admin_is_stored_in_ascii(admin_client):
    from jobs.models import Employer
    from tests.factories import EmployerFactory

    employer = EmployerFactory()
    url = reverse("admin:jobs_employer_change", args=[employer.pk])
    form = {"owner": employer.owner_id, "kind": employer.kind, "name": employer.name,
            "contact_name": employer.contact_name, "contact_phone": "+86 １３９ １２３４ ５６７８"}
    assert admin_client.post(url, form).status_code == 302
    assert Employer.objects.get(pk=employer.pk).contact_phone == "13912345678"


def test_a_city_administrator_who_is_not_a_superuser_works_in_the_admin_and_staff_do_not(client):
    from tests.factories import CityAdminFactory

    city_admin = CityAdminFactory(is_superuser=False)
    client.force_login(city_admin)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:jobs_gig_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403  # read-only records stay so
    staff = CenterStaffFactory().user
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get(reverse("admin:jobs_gig_changelist")).status_code == 302  # to the admin's login
