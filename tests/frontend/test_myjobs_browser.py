"""A worker's day in a real browser: check in by the phone's location, check out, read the inbox."""

import datetime as dt

import pytest
from django.utils import timezone

from jobs.models import AssignmentStatus
from notifications.services import notify_user
from tests.factories import WANGYI, AssignmentFactory, GigFactory

from .conftest import fits_the_screen, screenshot, serious_violations
from .test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AT_THE_SITE = {"latitude": WANGYI[0] + 0.0005, "longitude": WANGYI[1]}


def fits_and_is_accessible(page, name: str) -> None:
    """The page fits a 360 px phone and passes axe (conftest's checks), and is saved as screenshot <name>."""
    fits_the_screen(page, name=name)
    assert serious_violations(page) == [], name
    screenshot(page, name)


def test_a_worker_checks_in_by_location_checks_out_and_reads_the_inbox(phone_page, live_asgi_server):
    now = timezone.now()
    gig = GigFactory(starts_at=now - dt.timedelta(minutes=10), ends_at=now + dt.timedelta(hours=8))
    assignment = AssignmentFactory(gig=gig, status=AssignmentStatus.ACCEPTED, accepted_at=now - dt.timedelta(days=1))
    notify_user(assignment.worker.user_id, "hired", {"assignment": assignment.pk, "gig": {
        "id": gig.pk, "trade": gig.category.name, "title": gig.title}})
    page = phone_page(geolocation=AT_THE_SITE, permissions=["geolocation"])
    log_in(page, live_asgi_server, assignment.worker.user)

    page.goto("/me/gigs/")
    assert page.get_by_test_id("group-today").get_by_test_id("my-gig").count() == 1
    fits_and_is_accessible(page, "my-gigs")

    page.goto(f"/me/gigs/{assignment.pk}/")
    fits_and_is_accessible(page, "my-gig")
    page.get_by_test_id("check-in-location").click()  # the script fills in where the phone is
    page.get_by_test_id("check-out").wait_for()
    assignment.refresh_from_db()
    assert (assignment.status, assignment.check_in_method) == (AssignmentStatus.CHECKED_IN, "gps")
    page.get_by_test_id("check-out").click()
    page.get_by_test_id("message").first.wait_for()
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.CHECKED_OUT

    page.goto("/inbox/")
    fits_and_is_accessible(page, "inbox")
    assert page.get_by_test_id("unread").count() == 2  # hired, and checked in
    page.get_by_test_id("mark-read").first.click()
    page.get_by_test_id("message").wait_for()
    assert page.get_by_test_id("unread").count() == 1
    page.get_by_test_id("read-all").click()
    page.get_by_test_id("message").wait_for()
    assert page.get_by_test_id("unread").count() == 0
