"""The figures page in Chromium at desktop size: charts drawn, the table beside them, no serious accessibility
violation (axe), and a screenshot for docs/screenshots."""

import datetime as dt

import pytest

from centers.models import HallVisit
from figures import services
from jobs.models import Gig, GigStatus
from tests.factories import CenterStaffFactory, GigFactory, WorkerFactory

from .conftest import screenshot, serious_violations
from .test_browser import log_in
from .test_console_browser import DESKTOP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_staff_member_reads_a_year_of_figures_by_month(browser, live_asgi_server):
    staff = CenterStaffFactory(center__name="王益区零工服务中心")
    workers = [WorkerFactory() for _ in range(3)]
    today = dt.date.today()
    for months_back in range(12):
        day = today - dt.timedelta(days=30 * months_back + 3)
        for n in range(1 + months_back % 4):
            gig = GigFactory(center=staff.center, headcount=1 + n, accepted_count=n, status=GigStatus.OPEN)
            Gig.objects.filter(pk=gig.pk).update(created_at=dt.datetime.combine(day, dt.time(9), dt.UTC))
            HallVisit.objects.create(center=staff.center, worker=workers[n % 3], day=day, checked_in_by=staff.user,
                                     checked_out_at=dt.datetime.now(dt.UTC))
    services.rebuild()
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", base_url=live_asgi_server.url,
                                  service_workers="block")
    page = context.new_page()
    log_in(page, live_asgi_server, staff.user)

    page.goto(f"/staff/figures/?center={staff.center.pk}&period=month")
    assert page.locator("svg.figure-chart").count() == 8
    assert page.locator("#figures-table tbody tr").count() >= 12
    assert page.locator("svg#chart-openings rect.bar").count() >= 10  # few bars: one rect (and title) each
    assert serious_violations(page) == []
    screenshot(page, "figures-desktop")
    context.close()
