"""The map of centers in a real browser on a 360×640 phone: the visitor allows their location and the nearest
center comes first, open or closed as its hours say; nothing scrolls sideways; no serious accessibility issue."""

import datetime as dt

import pytest

from centers.models import CenterLevel
from tests.factories import ServiceCenterFactory

from .conftest import fits_the_screen, screenshot, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("senior", [False, True])
def test_a_visitor_near_yijun_sees_yijuns_center_first_on_the_map_of_centers(phone_page, senior):
    ServiceCenterFactory(name="铜川市零工服务中心", level=CenterLevel.CITY, latitude=35.0690, longitude=109.0756,
                         opening_hours="周一至周日 6:30–18:00", opens_at=dt.time(0), closes_at=dt.time(23, 59),
                         services=["onsite_hiring", "policy"], amenities=["shelter", "phone_charging"], is_demo=True)
    yijun = ServiceCenterFactory(name="宜君县零工服务中心", level=CenterLevel.COUNTY, latitude=35.3986,
                                 longitude=109.1169, contact_phone="0919-1234567")
    page = phone_page(senior=senior, geolocation={"latitude": 35.40, "longitude": 109.12},
                      permissions=["geolocation"])

    page.goto("/")
    page.click("[data-testid=centers-link]")
    page.wait_for_url("**/centers/?lat=*")  # the page asked the browser where it is, and reloaded with it
    first = page.locator("article.center").first
    assert first.get_attribute("data-testid") == f"center-{yijun.pk}"
    assert "公里" in first.locator("[data-testid=distance]").inner_text()
    assert page.locator("[data-testid=map] .leaflet-interactive").count() >= 2  # the pins are drawn
    fits_the_screen(page)
    assert serious_violations(page) == []
    screenshot(page, "centers-map-senior" if senior else "centers-map")
