"""The employer's pages in a real browser: Chromium at 360×640 against the live ASGI server."""

import datetime as dt

import pytest
from django.utils import timezone

from jobs.models import Gig, GigStatus
from tests.factories import EmployerFactory, ServiceCenterFactory, TradeFactory

from .conftest import fits_the_screen, screenshot, serious_violations
from .test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_gig_form(page, title: str, pay: str, headcount: int, start: dt.datetime) -> None:
    """The post form's title, pay per day, headcount, a day of 8 hours from `start` and the address."""
    page.fill("[name=title]", title)
    page.fill("[name=pay_amount]", pay)
    page.select_option("[name=pay_unit]", "day")
    page.fill("[name=headcount]", str(headcount))
    page.fill("[name=starts_at]", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("[name=ends_at]", (start + dt.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("[name=address]", "王益区红旗街 1 号")


def test_an_employer_posts_a_gig_with_a_pin_on_the_map_and_sees_it_among_their_gigs(phone_page, live_asgi_server):
    ServiceCenterFactory(name="王益区零工服务中心")
    trade = TradeFactory()  # paid per day or per hour
    employer = EmployerFactory()
    page = phone_page()
    log_in(page, live_asgi_server, employer.owner)
    start = timezone.localtime(timezone.now() + dt.timedelta(days=2)).replace(hour=8, minute=0)
    problems = {}

    page.goto("/employer/gigs/new/")
    page.select_option("[name=category]", str(trade.pk))
    assert page.locator("[name=pay_unit] option[value=piece]").is_disabled()  # not a way this trade pays
    assert page.locator("[name=expected_hours]").is_hidden()  # only for pay per job
    fill_gig_form(page, "工地搬砖", pay="200", headcount=2, start=start)
    page.locator("#map").click()  # the pin goes where the map is tapped
    assert page.input_value("[name=latitude]") and page.input_value("[name=longitude]")
    fits_the_screen(page)
    problems["post"] = serious_violations(page)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "employer-post-form")

    page.click("[data-testid=publish]")
    gig = Gig.objects.get(employer=employer)
    page.wait_for_url(f"**/employer/gigs/{gig.pk}/")
    assert gig.status == GigStatus.OPEN and gig.site_latitude is not None
    assert page.locator("[data-testid=message]").is_visible()
    problems["gig"] = serious_violations(page)
    screenshot(page, "employer-gig")

    page.goto("/employer/gigs/")
    assert page.locator("[data-testid=my-gig]").count() == 1
    fits_the_screen(page)
    problems["my gigs"] = serious_violations(page)
    screenshot(page, "employer-my-gigs")

    page.goto(f"/employer/gigs/{gig.pk}/code/")
    assert page.locator("[data-testid=qr] svg").is_visible()
    problems["code"] = serious_violations(page)
    screenshot(page, "employer-site-code")
    assert {name: found for name, found in problems.items() if found} == {}
