"""A worker sets up their profile on a 360×640 phone: ticks a trade, puts their home by tapping the map, saves."""

import pytest

from tests.factories import QualifiedWorkerFactory, TradeFactory, TradeGroupFactory
from workers.models import Availability, WorkerProfile

from .conftest import fits_the_screen, screenshot, serious_violations
from .test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("senior", [False, True])
def test_a_worker_ticks_a_trade_pins_their_home_on_the_map_and_saves(phone_page, live_asgi_server, senior):
    group = TradeGroupFactory()
    labourer, mason = TradeFactory(parent=group), TradeFactory(parent=group, code="mason", name="瓦工")
    worker = QualifiedWorkerFactory(trades=[labourer])
    page = phone_page(senior=senior)
    log_in(page, live_asgi_server, worker.user)

    page.goto("/me/gigs/")
    page.click("[data-testid=profile-link]")
    page.wait_for_url("**/me/profile/")
    page.check(f"input[name=trades][value='{mason.pk}']")
    page.check(f"input[name=availability][value='{Availability.WEEKENDS}']")
    before = page.input_value("#id_latitude")
    page.locator("#map.leaflet-container").wait_for()
    box = page.locator("#map").bounding_box()
    page.locator("#map").click(position={"x": box["width"] * 0.8, "y": box["height"] * 0.2})  # north-east of home
    assert page.input_value("#id_latitude") != before
    fits_the_screen(page)
    assert serious_violations(page) == []
    screenshot(page, "worker-profile-senior" if senior else "worker-profile")

    page.click("[data-testid=save-profile]")
    page.wait_for_selector("[data-testid=message]")
    saved = WorkerProfile.objects.get(pk=worker.pk)
    assert {t.category_id for t in saved.worker_trades.all()} == {labourer.pk, mason.pk}
    assert saved.availability == Availability.WEEKENDS
    assert saved.latitude > worker.latitude and saved.longitude > worker.longitude
