"""The review queue: center staff approve or send back the posts waiting at their centers."""

import datetime as dt

import pytest

from jobs.models import Employer, Gig, GigStatus
from tests.factories import (
    CenterStaffFactory,
    CityAdminFactory,
    EmployerFactory,
    GigFactory,
    ServiceCenterFactory,
    WorkerFactory,
    id_number_for,
)
from workers.id_numbers import parse_id_number
from workers.models import ClaimStatus, RealNameStatus, WorkerProfile
from workers.services import submit_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting():
    """A household's post waiting for review at one center, and staff of that center and of another."""
    center = ServiceCenterFactory()
    employer = EmployerFactory(name="张家装修", kind=Employer.Kind.INDIVIDUAL, verification_status="pending")
    gig = GigFactory(center=center, employer=employer, status=GigStatus.PENDING_REVIEW, description="搬运瓷砖上三楼",
                     address="王益区红旗街附近", site_address="王益区红旗街12号3单元", site_latitude=35.0695,
                     site_longitude=109.0760)
    return {"gig": gig, "staff": CenterStaffFactory(center=center).user, "other": CenterStaffFactory().user}


def test_staff_see_the_posts_waiting_at_their_center_with_the_exact_site(client, waiting):
    older = GigFactory(center=waiting["gig"].center, status=GigStatus.PENDING_REVIEW, title="更早的帖子")
    Gig.objects.filter(pk=older.pk).update(created_at=waiting["gig"].created_at - dt.timedelta(hours=1))
    client.force_login(waiting["staff"])

    page = client.get("/staff/reviews/")

    assert page.status_code == 200
    assert [item["gig"] for item in page.context["items"]] == [older, waiting["gig"]]
    html = page.content.decode()
    for shown in ("张家装修", "搬运瓷砖上三楼", "王益区红旗街12号3单元", "¥180"):
        assert shown in html
    assert 'href="/staff/reviews/"' in html  # the navigation links the queue for staff


def test_staff_approve_a_post_and_it_opens(client, waiting):
    client.force_login(waiting["staff"])

    response = client.post(f"/staff/reviews/{waiting['gig'].pk}/", {"decision": "approve"})

    assert response.status_code == 302 and response["Location"] == "/staff/reviews/"
    gig = Gig.objects.get(pk=waiting["gig"].pk)
    assert gig.status == GigStatus.OPEN and gig.reviewed_by == waiting["staff"]
    assert client.get("/staff/reviews/").context["items"] == []


def test_a_rejection_needs_a_reason_shown_beside_the_reason_box(client, waiting):
    client.force_login(waiting["staff"])
    url = f"/staff/reviews/{waiting['gig'].pk}/"
    prefix = f"gig{waiting['gig'].pk}"

    refused = client.post(url, {"decision": "reject", f"{prefix}-reason": "  "})

    assert refused.status_code == 400
    assert Gig.objects.get(pk=waiting["gig"].pk).status == GigStatus.PENDING_REVIEW
    form = next(item["form"] for item in refused.context["items"] if item["gig"] == waiting["gig"])
    assert form.errors["reason"]
    assert f'id="id_{prefix}-reason_error"' in refused.content.decode()

    client.post(url, {"decision": "reject", f"{prefix}-reason": "请写明工作时间内是否提供午饭"})
    gig = Gig.objects.get(pk=waiting["gig"].pk)
    assert gig.status == GigStatus.DRAFT and gig.review_note == "请写明工作时间内是否提供午饭"


def test_another_centers_staff_neither_see_nor_review_the_post(client, waiting):
    client.force_login(waiting["other"])

    assert client.get("/staff/reviews/").context["items"] == []
    response = client.post(f"/staff/reviews/{waiting['gig'].pk}/", {"decision": "approve"})

    assert response.status_code == 403
    gig = Gig.objects.get(pk=waiting["gig"].pk)
    assert gig.status == GigStatus.PENDING_REVIEW and gig.reviewed_by is None


def test_the_city_administrator_sees_every_centers_posts(client, waiting):
    elsewhere = GigFactory(status=GigStatus.PENDING_REVIEW)
    client.force_login(CityAdminFactory())

    items = client.get("/staff/reviews/").context["items"]

    assert {item["gig"] for item in items} == {waiting["gig"], elsewhere}


@pytest.mark.parametrize("who", ["worker", "employer"])
def test_workers_and_employers_get_a_plain_403(client, waiting, who):
    user = WorkerFactory().user if who == "worker" else waiting["gig"].employer.owner
    client.force_login(user)

    assert client.get("/staff/reviews/").status_code == 403
    assert client.post(f"/staff/reviews/{waiting['gig'].pk}/", {"decision": "approve"}).status_code == 403
    assert Gig.objects.get(pk=waiting["gig"].pk).status == GigStatus.PENDING_REVIEW
    assert 'href="/staff/reviews/"' not in client.get("/gigs/").content.decode()


def test_logged_out_people_are_sent_to_log_in_first(client, waiting):
    response = client.get("/staff/reviews/")

    assert response.status_code == 302 and response["Location"] == "/login/?next=/staff/reviews/"


def test_a_post_already_reviewed_by_a_colleague_says_so(client, waiting):
    Gig.objects.filter(pk=waiting["gig"].pk).update(status=GigStatus.OPEN)
    client.force_login(waiting["staff"])

    page = client.post(f"/staff/reviews/{waiting['gig'].pk}/", {"decision": "approve"}, follow=True)

    assert [m.extra_tags for m in page.context["messages"]] == ["code-not_pending"]


# --- Employers waiting for verification -------------------------------------------------------------

def test_staff_verify_an_employer_with_a_post_waiting_at_their_center(client, waiting):
    employer = waiting["gig"].employer
    client.force_login(waiting["staff"])
    assert [e.pk for e in client.get("/staff/reviews/").context["employers"]] == [employer.pk]

    response = client.post(f"/staff/employers/{employer.pk}/verify/", {"decision": "approve"})

    assert response.status_code == 302
    assert Employer.objects.get(pk=employer.pk).verification_status == "verified"
    assert client.get("/staff/reviews/").context["employers"] == []


def test_another_centers_staff_cannot_verify_the_employer(client, waiting):
    employer = waiting["gig"].employer
    client.force_login(waiting["other"])

    assert client.get("/staff/reviews/").context["employers"] == []
    assert client.post(f"/staff/employers/{employer.pk}/verify/", {"decision": "approve"}).status_code == 404
    assert Employer.objects.get(pk=employer.pk).verification_status == "pending"


# --- Identity claims ----------------------------------------------------------------------------------

@pytest.fixture
def claim(waiting):
    """A worker at the post's center says the ID number another account holds is theirs."""
    number = id_number_for(dt.date(1975, 3, 8))
    holder = WorkerFactory(display_name="先登记的人")
    holder.set_resident_id(parse_id_number(number))
    holder.real_name_status = RealNameStatus.VERIFIED
    holder.save()
    claimant = WorkerFactory(display_name="真正的持证人")
    return submit_id_number(claimant, number, actor=waiting["staff"]).claim  # at the desk of the post's center


def test_staff_settle_an_identity_claim_of_their_center(client, waiting, claim):
    client.force_login(waiting["staff"])
    page = client.get("/staff/reviews/")
    assert [item["claim"] for item in page.context["claims"]] == [claim]
    assert "真正的持证人" in page.content.decode() and claim.id_number_masked in page.content.decode()

    response = client.post(f"/staff/claims/{claim.pk}/",
                           {"decision": "approve", f"claim{claim.pk}-note": "看过身份证原件"})

    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.note == "看过身份证原件"
    assert WorkerProfile.objects.get(pk=claim.claimant_id).real_name_status == RealNameStatus.VERIFIED


def test_another_centers_staff_cannot_settle_the_claim(client, waiting, claim):
    client.force_login(waiting["other"])

    assert client.get("/staff/reviews/").context["claims"] == []
    assert client.post(f"/staff/claims/{claim.pk}/", {"decision": "approve"}).status_code == 403
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING
