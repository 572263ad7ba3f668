"""The review queue in a real browser: a center's staff member approves a post on a 360×640 phone."""

import datetime as dt

import pytest

from jobs.models import Gig, GigStatus
from tests.factories import CenterStaffFactory, EmployerFactory, GigFactory, WorkerFactory, id_number_for
from workers.id_numbers import parse_id_number
from workers.services import submit_id_number

from .conftest import fits_the_screen, screenshot, serious_violations
from .test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_approve_a_post_from_the_review_queue_on_a_phone(phone_page, live_asgi_server):
    staff = CenterStaffFactory()
    gig = GigFactory(center=staff.center, status=GigStatus.PENDING_REVIEW, description="搬运瓷砖上三楼，需自带手套",
                     employer=EmployerFactory(verification_status="pending"))
    holder, claimant = WorkerFactory(), WorkerFactory()
    holder.set_resident_id(parse_id_number(id_number_for(dt.date(1975, 3, 8))))
    holder.save()
    submit_id_number(claimant, id_number_for(dt.date(1975, 3, 8)), actor=staff.user)  # a claim to check too
    page = phone_page()
    log_in(page, live_asgi_server, staff.user)

    page.goto("/")
    page.click("[data-testid=nav-reviews]")
    page.wait_for_url("**/staff/reviews/")
    card = page.locator(f"[data-testid=review-{gig.pk}]")
    assert card.is_visible()
    assert page.locator("article[data-testid^=employer-]").count() == 1
    assert page.locator("article[data-testid^=claim-]").count() == 1
    fits_the_screen(page)
    assert serious_violations(page) == []
    screenshot(page, "staff-review-queue")

    card.locator("[data-testid=approve]").click()
    page.wait_for_selector("[data-testid=message]")
    page.wait_for_load_state("load")  # is_visible does not wait: the rest of the page, laid out
    assert page.locator("[data-testid=no-reviews]").is_visible()
    assert Gig.objects.get(pk=gig.pk).status == GigStatus.OPEN
