"""The home page, the public center and trade lists, and Chinese as the default language."""

import pytest

from tests.factories import GigFactory, ServiceCenterFactory, TradeFactory
from tests.helpers import listed

pytestmark = pytest.mark.django_db


def test_centers_are_public_and_demo_centers_say_so(client):
    ServiceCenterFactory(name="印台区零工服务中心（示例）", is_demo=True)
    body = listed(client.get("/api/centers/"))
    assert body[0]["name"] == "印台区零工服务中心（示例）"
    assert body[0]["is_demo"] is True
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "the address is illustrative" in page


def test_trades_are_listed_in_two_levels_with_pay_units(client):
    TradeFactory()
    body = client.get("/api/trades/").json()
    assert body[0]["code"] == "construction"
    assert body[0]["trades"][0]["pay_units"] == ["day", "hour"]


def test_chinese_is_the_default_language_and_english_the_second(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    GigFactory()
    chinese = client.get("/").content.decode()
    assert "零工服务中心" in chinese and "1 个零工正在招" in chinese
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 gig open now" in english
