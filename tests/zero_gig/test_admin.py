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


# --- Statuses, money and rule-bearing rows change only through the services -----------------------

# The city's own reference tables, which the admin is where they are kept: the legal minimum wages and the
# published wage guide. Every other amount of money is set by the services under the market's rules.
CITY_TABLES_WITH_MONEY = {"jobs.WageFloor", "wages.WageGuide"}


def _form_fields(model_admin, request, obj):
    """Every field an administrator could type into on this admin's add or change page, inlines included."""
    fields = set()
    if model_admin.has_add_permission(request) or model_admin.has_change_permission(request, obj):
        fields |= {(model_admin.model, name) for name in model_admin.get_form(request, obj).base_fields}
    for inline in model_admin.get_inline_instances(request, obj):
        if inline.has_add_permission(request, obj) or inline.has_change_permission(request, obj):
            form = inline.get_formset(request, obj).form
            fields |= {(inline.model, name) for name in form.base_fields}
    return fields


def test_no_admin_page_edits_a_status_or_an_amount_of_money(admin_client):
    from django.db import models

    request = RequestFactory().get("/")
    request.user = User.objects.get(phone="13700000000")
    offending = []
    for model, model_admin in admin.site._registry.items():
        for form_model, name in _form_fields(model_admin, request, model.objects.first()):
            try:
                field = form_model._meta.get_field(name)
            except Exception:  # a form-only field (a password, a checkbox list)
                continue
            if name == "status" or name.endswith("_status"):
                offending.append(f"{form_model._meta.label}.{name}")
            if isinstance(field, models.DecimalField) and form_model._meta.label not in CITY_TABLES_WITH_MONEY:
                offending.append(f"{form_model._meta.label}.{name}")
    assert offending == []


def test_an_administrator_cannot_open_a_wage_dispute_for_work_not_done(admin_client):
    """A dispute is the worker's, raised after the work (jobs.services.dispute_pay); the admin only settles."""
    from jobs.models import WageDispute

    assignment = AssignmentFactory(status="accepted")
    add = reverse("admin:jobs_wagedispute_add")
    assert admin_client.get(add).status_code == 403
    assert admin_client.post(add, {"assignment": assignment.pk, "reason": "x", "amount_claimed": "100"}
                             ).status_code == 403
    assert not WageDispute.objects.exists()
    assignment.refresh_from_db()
    assert assignment.pay_status == "not_due"


def test_an_employers_kind_name_and_credit_code_change_only_where_the_employer_does_it(admin_client):
    """Changing them sends a verified employer back to review (jobs.services.update_employer): the admin shows
    them, and the city verifies or rejects through the actions; a contact may still be corrected here."""
    from jobs.models import Employer, VerificationStatus
    from tests.factories import EmployerFactory

    employer = EmployerFactory(kind="organisation", name="王益建筑队", credit_code="91610200MA6Y000000",
                               verification_status=VerificationStatus.VERIFIED)
    url = reverse("admin:jobs_employer_change", args=[employer.pk])
    page = admin_client.get(url).content.decode()
    for field in ("owner", "kind", "name", "credit_code", "verification_status", "suspended_until"):
        assert f'name="{field}"' not in page
    response = admin_client.post(url, {"owner": employer.owner_id, "kind": "individual", "name": "全新名字",
                                       "credit_code": "", "contact_name": "李四", "contact_phone": "13912345678"})
    assert response.status_code == 302
    employer.refresh_from_db()
    assert (employer.kind, employer.name, employer.credit_code, employer.verification_status) == (
        "organisation", "王益建筑队", "91610200MA6Y000000", VerificationStatus.VERIFIED)
    assert (employer.contact_name, employer.contact_phone) == ("李四", "13912345678")
    assert admin_client.get(reverse("admin:jobs_employer_add")).status_code == 403
    assert Employer.objects.count() == 2  # the fixture's and this one


def test_strikes_ratings_compensation_and_offer_waves_are_read_not_written(admin_client):
    """They decide a suspension, an average, what an employer owes and who is offered a gig: the services
    write them under the market's rules."""
    from decimal import Decimal

    from jobs.models import Compensation, GigMatching, Rating, Strike
    from tests.factories import StrikeFactory

    assignment = AssignmentFactory(status="cancelled")
    compensation = Compensation.objects.create(assignment=assignment, amount=Decimal("50"), reason="临时取消")
    rows = {"compensation": compensation,
            "strike": StrikeFactory(worker=assignment.worker, assignment=assignment),
            "rating": Rating.objects.create(assignment=AssignmentFactory(status="completed"),
                                            direction="of_worker", score=5),
            "gigmatching": GigMatching.objects.create(gig=assignment.gig)}
    for name, row in rows.items():
        assert admin_client.get(reverse(f"admin:jobs_{name}_add")).status_code == 403, name
        change = reverse(f"admin:jobs_{name}_change", args=[row.pk])
        assert admin_client.get(change).status_code == 200, name  # still read here
        assert admin_client.post(change, {"amount": "5000", "score": "1", "reason": "x"}).status_code == 403, name
    compensation.refresh_from_db()
    assert compensation.amount == Decimal("50")
    assert Rating.objects.get().score == 5
    assert Strike.objects.count() == 1


def test_workers_are_not_created_suspended_or_handed_to_another_account_in_the_admin(admin_client):
    from workers.models import WorkerProfile

    worker = WorkerProfile.objects.first()
    page = admin_client.get(reverse("admin:workers_workerprofile_change", args=[worker.pk])).content.decode()
    for field in ("user", "real_name_status", "suspended_until_0", "verified_at"):
        assert f'name="{field}"' not in page
    assert admin_client.get(reverse("admin:workers_workerprofile_add")).status_code == 403
