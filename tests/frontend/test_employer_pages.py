"""The employer's pages through Django's test client: posting a gig in one screen, my gigs, one gig with
its people (hire, decline), cancelling with its cost shown first, and the site code."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from jobs.models import AssignmentStatus, Gig, GigStatus
from tests.factories import (
    AssignmentFactory,
    EmployerFactory,
    GigFactory,
    QualifiedWorkerFactory,
    WageFloorFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db


def local(moment: dt.datetime) -> str:
    """A time as a datetime-local input sends it, in the site's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def employer(client, center, trade):
    employer = EmployerFactory()
    client.force_login(employer.owner)
    return employer


def post_form(trade, **changes) -> dict:
    start = timezone.now() + dt.timedelta(days=2)
    form = {"category": trade.pk, "title": "搬砖", "pay_amount": "200", "pay_unit": "day", "headcount": "2",
            "starts_at": local(start), "ends_at": local(start + dt.timedelta(hours=8)), "hiring_mode": "instant",
            "address": "王益区红旗街 1 号", "latitude": "35.0700", "longitude": "109.0760",
            "description": "搬砖和清理", "action": "publish"}
    form.update(changes)
    return form


def test_an_employer_posts_a_gig_in_one_screen_and_lands_on_it(client, employer, trade):
    page = client.get("/employer/gigs/new/")
    assert page.status_code == 200
    assert page.context["units_by_trade"] == {trade.pk: ["day", "hour"]}  # for the script that narrows units

    response = client.post("/employer/gigs/new/", post_form(trade))

    gig = Gig.objects.get(employer=employer)
    assert response.status_code == 302 and response["Location"] == f"/employer/gigs/{gig.pk}/"
    assert gig.status == GigStatus.OPEN and gig.headcount == 2 and gig.pay_amount == Decimal("200")
    assert timezone.localtime(gig.starts_at).strftime("%Y-%m-%dT%H:%M") == post_form(trade)["starts_at"]
    assert (gig.site_latitude, gig.site_longitude) == (35.07, 109.076)
    assert "published" in client.get(response["Location"]).content.decode()


def test_pay_under_the_minimum_wage_is_refused_beside_the_pay_field_naming_the_floor(client, employer, trade):
    WageFloorFactory(hourly_minimum=Decimal("20.00"))

    page = client.post("/employer/gigs/new/", post_form(trade, pay_amount="100"))

    assert page.status_code == 200 and not Gig.objects.exists()
    errors = page.context["form"].errors["pay_amount"]
    assert any("minimum wage" in error and "160.00" in error for error in errors)
    html = page.content.decode()
    assert 'id="id_pay_amount_error"' in html and "160.00" in html.split('id="id_pay_amount_error"')[1][:400]


def test_a_pay_unit_the_trade_does_not_use_is_refused_naming_the_allowed_ones(client, employer, trade):
    page = client.post("/employer/gigs/new/", post_form(trade, pay_unit="piece", expected_pieces_per_day="100",
                                                         max_pieces="200"))
    assert any("allowed" in error for error in page.context["form"].errors["pay_unit"])


def test_a_draft_is_saved_and_published_later(client, employer, trade):
    response = client.post("/employer/gigs/new/", post_form(trade, action="draft"))
    gig = Gig.objects.get(employer=employer)
    assert gig.status == GigStatus.DRAFT
    assert 'data-testid="publish"' in client.get(response["Location"]).content.decode()

    client.post(f"/employer/gigs/{gig.pk}/publish/")

    gig.refresh_from_db()
    assert gig.status == GigStatus.OPEN


def test_an_unverified_employer_is_told_the_post_waits_for_review(client, center, trade):
    employer = EmployerFactory(verification_status="unverified")
    client.force_login(employer.owner)
    assert 'data-testid="unverified"' in client.get("/employer/gigs/new/").content.decode()

    response = client.post("/employer/gigs/new/", post_form(trade), follow=True)

    assert Gig.objects.get(employer=employer).status == GigStatus.PENDING_REVIEW
    assert "waits for a service center" in response.content.decode()


def test_my_gigs_lists_the_employers_gigs_newest_first_with_fill_progress(client, employer):
    older = GigFactory(employer=employer, headcount=3, accepted_count=1)
    newer = GigFactory(employer=employer, hiring_mode="application")
    AssignmentFactory(gig=newer, worker=WorkerFactory(), status=AssignmentStatus.APPLIED)
    GigFactory()  # another employer's

    page = client.get("/employer/gigs/")

    assert [row["gig"] for row in page.context["rows"]] == [newer, older]
    assert page.context["rows"][0]["gig"].applicants == 1
    assert "1 of 3 slots taken" in page.content.decode()


def test_other_employers_and_workers_cannot_open_an_employers_gig(client, employer):
    gig = GigFactory()
    assert client.get(f"/employer/gigs/{gig.pk}/").status_code == 404
    assert client.get(f"/employer/gigs/{gig.pk}/cancel/").status_code == 404
    client.force_login(WorkerFactory().user)
    assert client.get("/employer/gigs/").status_code == 403


def test_the_employer_hires_one_applicant_and_declines_another_and_sees_the_hired_phone(client, employer, trade):
    gig = GigFactory(employer=employer, category=trade, hiring_mode="application")
    chosen = AssignmentFactory(gig=gig, worker=QualifiedWorkerFactory(user__phone="13800001111"),
                               status=AssignmentStatus.APPLIED)
    other = AssignmentFactory(gig=gig, worker=QualifiedWorkerFactory(user__phone="13800002222"),
                              status=AssignmentStatus.APPLIED)
    before = client.get(f"/employer/gigs/{gig.pk}/").content.decode()
    assert "13800001111" not in before and "138****1111" in before

    client.post(f"/employer/gigs/{gig.pk}/people/{chosen.pk}/hire/")
    client.post(f"/employer/gigs/{gig.pk}/people/{other.pk}/decline/")

    chosen.refresh_from_db()
    other.refresh_from_db()
    assert chosen.status == AssignmentStatus.ACCEPTED and other.status == AssignmentStatus.DECLINED
    after = client.get(f"/employer/gigs/{gig.pk}/").content.decode()
    assert "tel:13800001111" in after and "13800002222" not in after


def test_cancelling_close_to_the_start_shows_the_show_up_pay_owed_before_confirming(client, employer, trade):
    start = timezone.now() + dt.timedelta(hours=5)
    gig = GigFactory(employer=employer, category=trade, pay_unit="hour", pay_amount=Decimal("25"),
                     starts_at=start, ends_at=start + dt.timedelta(hours=8), accepted_count=2)
    for phone in ("13800003333", "13800004444"):
        AssignmentFactory(gig=gig, worker=QualifiedWorkerFactory(user__phone=phone),
                          status=AssignmentStatus.ACCEPTED)

    page = client.get(f"/employer/gigs/{gig.pk}/cancel/")

    assert page.context["cost"]["each"] == Decimal("100.00")  # 4 h of 25 yuan
    assert "¥200" in page.content.decode() and "¥100" in page.content.decode()
    gig.refresh_from_db()
    assert gig.status == GigStatus.OPEN  # nothing happens before the confirmation

    client.post(f"/employer/gigs/{gig.pk}/cancel/", {"reason": "下雨"})
    gig.refresh_from_db()
    assert gig.status == GigStatus.CANCELLED


def test_the_reason_for_cancelling_is_read_as_typed_text_and_a_too_long_one_cancels_nothing(client, employer,
                                                                                          trade):
    gig = GigFactory(employer=employer, category=trade)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    refused = client.post(f"/employer/gigs/{gig.pk}/cancel/", {"reason": "雨" * 201}, follow=True)
    assert [str(m) for m in refused.context["messages"]] == [
        "Ensure this value has at most 200 characters (it has 201)."]
    gig.refresh_from_db()
    assert gig.status == GigStatus.OPEN
    client.post(f"/employer/gigs/{gig.pk}/cancel/", {"reason": "  ＡＢＣ工地停工１２３  "})
    gig.refresh_from_db()
    assert (gig.status, gig.cancel_reason) == (GigStatus.CANCELLED, "ABC工地停工123")


def test_the_site_code_page_shows_the_current_code_and_its_qr(client, employer):
    gig = GigFactory(employer=employer)
    page = client.get(f"/employer/gigs/{gig.pk}/code/")
    html = page.content.decode()
    assert page.status_code == 200 and page.context["code"] in html
    assert "<svg" in html and 'http-equiv="refresh"' in html
