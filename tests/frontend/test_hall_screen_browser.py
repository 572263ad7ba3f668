"""The hall screen on a 1920×1080 TV: an employer posts a gig from a phone (through the API here) and the gig
appears on the screen without a reload; nothing scrolls sideways; no serious accessibility issue."""

import datetime as dt
import json
import time
import urllib.request

import pytest
from django.utils import timezone

from accounts.services import issue_api_token
from tests.factories import EmployerFactory, GigFactory, ServiceCenterFactory, TradeFactory, WageFloorFactory

from .conftest import fits_the_screen, screenshot, serious_violations, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def post_gig(server_url: str, key: str, center_id: int) -> dict:
    start = timezone.now() + dt.timedelta(days=1)
    body = {"trade": "labourer", "title": "搬家具上五楼", "headcount": 3, "pay_amount": "260", "pay_unit": "day",
            "address": "王益区", "latitude": 35.07, "longitude": 109.07, "center": center_id,
            "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=8)).isoformat()}
    request = urllib.request.Request(server_url + "/api/gigs/", data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.load(response)


def test_a_gig_posted_appears_on_the_hall_screen_without_a_reload(browser, live_asgi_server):
    WageFloorFactory()
    TradeFactory()
    center = ServiceCenterFactory(name="铜川市零工服务中心", latitude=35.0690, longitude=109.0756)
    for day in range(1, 4):
        GigFactory(center=center, starts_at=timezone.now() + dt.timedelta(days=day))
    employer = EmployerFactory()
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN",
                                  base_url=live_asgi_server.url)
    page = context.new_page()
    page.goto(f"/centers/{center.pk}/screen/")
    wait_until(page, "document.querySelector('[data-status]').hidden")  # the socket is open
    assert page.locator("tr[data-testid^=screen-gig-]").count() == 3

    reads = []
    page.on("request", lambda request: "part=gigs" in request.url and reads.append(time.monotonic()))
    key = issue_api_token(employer.owner)[1]
    gigs = [post_gig(live_asgi_server.url, key, center.pk) for _ in range(3)]  # a busy moment: changes in a row
    for gig in gigs:
        page.wait_for_selector(f"[data-testid=screen-gig-{gig['id']}]", timeout=15_000)
    assert page.locator("[data-testid=open-gigs]").inner_text() == "6"
    # Every change shows, yet the screen re-reads the list at most once every 3 s, however fast they come.
    assert all(later - earlier >= 2.9 for earlier, later in zip(reads, reads[1:], strict=False)), reads
    fits_the_screen(page, width=1920)
    assert serious_violations(page) == []
    screenshot(page, "hall-screen")
    context.close()


def test_the_column_headings_stay_in_view_while_the_list_scrolls_itself(browser, live_asgi_server):
    WageFloorFactory()
    center = ServiceCenterFactory(name="铜川市零工服务中心", latitude=35.0690, longitude=109.0756)
    for hour in range(30):  # more rows than a 1280×720 screen shows
        GigFactory(center=center, starts_at=timezone.now() + dt.timedelta(days=1, hours=hour))
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-CN",
                                  base_url=live_asgi_server.url)
    page = context.new_page()
    page.goto(f"/centers/{center.pk}/screen/")
    page.evaluate("document.querySelector('[data-scroller]').scrollTop = 400")
    heading = page.evaluate("""(() => {
        const scroller = document.querySelector('[data-scroller]').getBoundingClientRect();
        const th = document.querySelector('thead th').getBoundingClientRect();
        const seen = document.elementFromPoint(th.left + 5, th.top + th.height / 2);
        return {scrolled: document.querySelector('[data-scroller]').scrollTop, gap: th.top - scroller.top,
                seen: seen && seen.closest('thead') !== null};
    })()""")
    assert heading["scrolled"] >= 300  # the list did scroll
    assert abs(heading["gap"]) < 1 and heading["seen"], heading  # and the headings stayed on top of it
    context.close()
