"""The admin and the API docs work under their Content-Security-Policy in a real browser.

The site's own pages are covered by every other browser test: the suite fails on any violation Chromium reports
(tests/frontend/conftest.py). These two are served by Django's admin and by drf-spectacular's Swagger UI, whose
templates carry a <style> element each: they may inline styles, nothing more (zero_gig/csp.py).
"""

import pytest

from tests.factories import CityAdminFactory, GigFactory

from .test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_city_administrator_uses_the_admin_under_its_policy(phone_page, live_asgi_server):
    admin = CityAdminFactory()
    gig = GigFactory()
    page = phone_page()
    log_in(page, live_asgi_server, admin)
    page.goto("/admin/")
    assert page.locator("#site-name").is_visible()
    page.goto("/admin/jobs/gig/")
    page.wait_for_selector("#result_list")
    page.check("#action-toggle")  # the admin's own script (actions.js) ticks every row
    assert page.locator("#result_list input.action-select:checked").count() >= 1
    page.goto(f"/admin/jobs/gig/{gig.pk}/change/")
    page.wait_for_selector("form#gig_form")


def test_the_api_docs_draw_the_schema_under_their_policy(phone_page):
    page = phone_page()
    page.goto("/api/docs/")
    page.wait_for_selector(".opblock-summary", timeout=20_000)  # Swagger UI fetched the schema and drew it
    assert page.locator(".opblock").count() > 10
