"""Every action staff or a city administrator take on a worker, an employer or a gig is in the audit log: who,
what, when, for which center, before and after; administrators read it filtered by person, center and day."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEntry
from audit.selectors import audit_log
from jobs import services
from jobs.models import AssignmentStatus, GigStatus, VerificationStatus, WageDispute
from tests.factories import (
    AssignmentFactory,
    CenterStaffFactory,
    CityAdminFactory,
    EmployerFactory,
    GigFactory,
    ServiceCenterFactory,
    TradeFactory,
    WageFloorFactory,
    WorkerFactory,
    id_number_for,
)
from tests.helpers import field_errors, listed
from workers.services import register_worker, submit_id_number, verify_worker_identity

pytestmark = pytest.mark.django_db

ID_NUMBER = id_number_for(dt.date(1970, 5, 4))


@pytest.fixture
def wangyi(db):
    return ServiceCenterFactory(name="王益区零工服务中心")


@pytest.fixture
def yijun(db):
    return ServiceCenterFactory(name="宜君县零工服务中心", region_code="610222", latitude=35.3986,
                                longitude=109.1169)


def staff_of(center):
    return CenterStaffFactory(center=center).user


def test_staff_approving_a_post_is_logged_with_who_what_center_and_the_status_before_and_after(wangyi):
    WageFloorFactory()
    employer = EmployerFactory(verification_status=VerificationStatus.UNVERIFIED)
    gig = GigFactory(center=wangyi, employer=employer, status=GigStatus.PENDING_REVIEW)
    clerk = staff_of(wangyi)

    services.review_gig(gig, actor=clerk, approve=True)

    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.actor_role, entry.center, entry.action) == (clerk, "center_staff", wangyi,
                                                                          "post_approved")
    assert (entry.target_type, entry.target_id, entry.subject) == ("jobs.gig", str(gig.pk), employer.owner)
    assert entry.before == {"status": "pending_review", "review_note": ""}
    assert entry.after == {"status": "open", "review_note": ""}
    assert timezone.now() - entry.at < dt.timedelta(minutes=1)


def test_a_refused_action_leaves_no_entry(wangyi, yijun):
    gig = GigFactory(center=wangyi, status=GigStatus.PENDING_REVIEW)
    with pytest.raises(PermissionDenied):
        services.review_gig(gig, actor=staff_of(yijun), approve=True)
    assert not AuditEntry.objects.exists()


def test_verifying_an_employer_and_settling_a_wage_dispute_are_logged(wangyi):
    admin = CityAdminFactory()
    employer = EmployerFactory(verification_status=VerificationStatus.PENDING)
    services.verify_employer(employer, actor=admin, approve=False)
    assignment = AssignmentFactory(gig=GigFactory(center=wangyi), status=AssignmentStatus.COMPLETED)
    dispute = WageDispute.objects.create(assignment=assignment, reason="没给钱", amount_claimed=Decimal("180"))
    clerk = staff_of(wangyi)
    services.settle_wage_dispute(dispute, actor=clerk)

    rejected, settled = AuditEntry.objects.order_by("at", "id")
    assert (rejected.action, rejected.actor, rejected.subject) == ("employer_rejected", admin, employer.owner)
    assert (rejected.before, rejected.after) == ({"verification_status": "pending"},
                                                 {"verification_status": "rejected"})
    assert (settled.action, settled.center, settled.subject) == ("wage_dispute_settled", wangyi,
                                                                 assignment.worker.user)
    assert settled.before == {"status": "open"} and settled.after["status"] == "resolved"


def test_a_walk_in_registered_at_the_counter_and_their_id_checked_leave_entries_without_the_numbers(wangyi):
    clerk = staff_of(wangyi)
    worker = register_worker(phone="13912345678", display_name="张师傅", latitude=35.07, longitude=109.07,
                             trades={TradeFactory(): 10}, id_number=ID_NUMBER, center=wangyi, actor=clerk)
    verify_worker_identity(worker, actor=clerk)

    actions = list(AuditEntry.objects.order_by("at", "id").values_list("action", flat=True))
    assert actions == ["walk_in_registered", "id_number_taken", "worker_verified"]
    assert set(AuditEntry.objects.values_list("subject", flat=True)) == {worker.user_id}
    assert set(AuditEntry.objects.values_list("center", flat=True)) == {wangyi.pk}
    logged = json.dumps(list(AuditEntry.objects.values()), default=str, ensure_ascii=False)
    for secret in ("13912345678", ID_NUMBER, ID_NUMBER[-4:], "35.07"):
        assert secret not in logged


def test_a_worker_giving_their_own_id_number_is_not_a_staff_action(wangyi):
    worker = WorkerFactory()
    submit_id_number(worker, ID_NUMBER, actor=worker.user)
    assert not AuditEntry.objects.exists()


@pytest.fixture
def log(wangyi, yijun):
    """Three entries: a clerk at each center, and the city, on two days."""
    here, there, admin = staff_of(wangyi), staff_of(yijun), CityAdminFactory()
    employer = EmployerFactory()
    day = timezone.make_aware(dt.datetime(2026, 11, 2, 23, 30))  # 23:30 in Tongchuan
    services.review_gig(GigFactory(center=wangyi, status=GigStatus.PENDING_REVIEW, employer=employer),
                        actor=here, approve=True, now=day)
    services.review_gig(GigFactory(center=yijun, status=GigStatus.PENDING_REVIEW), actor=there, approve=False,
                        reason="地址不清楚", now=day + dt.timedelta(hours=1))  # just after midnight
    services.verify_employer(employer, actor=admin)
    return {"here": here, "there": there, "admin": admin, "employer": employer}


def test_the_city_reads_the_whole_log_and_a_clerk_only_their_centers(log, wangyi):
    assert audit_log(log["admin"]).count() == 3
    assert [entry.center for entry in audit_log(log["here"])] == [wangyi]


@pytest.mark.parametrize("role", ["worker", "employer", "anonymous"])
def test_nobody_else_reads_the_log(role, log):
    from django.contrib.auth.models import AnonymousUser
    viewer = {"worker": WorkerFactory().user, "employer": log["employer"].owner, "anonymous": AnonymousUser()}
    with pytest.raises(PermissionDenied):
        audit_log(viewer[role])


def test_the_log_filters_by_person_center_and_day_in_the_citys_time(log, wangyi, yijun):
    admin = log["admin"]
    about_employer = audit_log(admin, person=log["employer"].owner_id)
    assert sorted(entry.action for entry in about_employer) == ["employer_verified", "post_approved"]
    assert [entry.actor for entry in audit_log(admin, person=log["there"].pk)] == [log["there"]]
    assert [entry.center for entry in audit_log(admin, center=yijun.pk)] == [yijun]
    assert [entry.action for entry in audit_log(admin, day=dt.date(2026, 11, 2))] == ["post_approved"]
    assert [entry.action for entry in audit_log(admin, day=dt.date(2026, 11, 3))] == ["post_rejected"]


def test_the_api_lists_the_log_for_administrators_and_names_a_bad_filter(log, client):
    client.force_login(log["admin"])
    listed_entries = listed(client.get("/api/audit/", {"center": log["here"].center_memberships.get().center_id}))
    assert [entry["action"] for entry in listed_entries] == ["post_approved"]
    assert listed_entries[0]["before"] == {"status": "pending_review", "review_note": ""}
    bad = client.get("/api/audit/", {"day": "2026-13-40"})
    assert bad.status_code == 400 and "day" in field_errors(bad)
    for day in ("9999-12-31", "0001-01-01"):  # the day's bounds overflowed (a 500)
        edge = client.get("/api/audit/", {"day": day}, HTTP_ACCEPT_LANGUAGE="en")
        assert field_errors(edge) == {"day": ["Give a date between 2000-01-01 and 2099-12-31."]}
    client.force_login(WorkerFactory().user)
    assert client.get("/api/audit/").status_code == 403


def test_the_audit_page_shows_entries_filtered_by_phone_and_refuses_a_worker(log, client):
    client.force_login(log["admin"])
    page = client.get("/staff/audit/", {"phone": log["employer"].owner.phone}, HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Employer verified" in text and "Post approved" in text and "Post sent back" not in text
    unknown = client.get("/staff/audit/", {"phone": "１３９００００００００"}, HTTP_ACCEPT_LANGUAGE="en")
    assert unknown.status_code == 400 and "Nobody has this number." in unknown.content.decode()
    client.force_login(WorkerFactory().user)
    assert client.get("/staff/audit/").status_code == 403


def test_the_audit_page_filters_by_day_alone_with_the_phone_left_empty(log, client):
    """The phone is optional: left empty (as the form sends it) it filters nothing and is no error."""
    client.force_login(log["admin"])
    today = timezone.localdate().isoformat()
    page = client.get("/staff/audit/", {"phone": "", "center": "", "day": today}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "Employer verified" in page.content.decode()
    assert client.get("/staff/audit/", {"day": "9999-12-31"}).status_code == 400
