"""The public map of centers: every center nearest first from the visitor, open now or not, with what it offers
and a navigation link; and the same centers as GeoJSON for other maps."""

import datetime as dt

import geojson
import pytest
from django.utils import timezone

from centers.models import CenterLevel, OpenDays
from frontend.gcj02 import wgs84_to_gcj02
from tests.factories import ServiceCenterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def midday(monkeypatch):
    """Local noon: the city center below is open 00:00–23:59, so at 23:59 it was closed and the tests failed."""
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: noon)


@pytest.fixture
def centers(db):
    """The city center in 王益区, and 宜君县's about 50 km north."""
    city = ServiceCenterFactory(name="铜川市零工服务中心", level=CenterLevel.CITY, latitude=35.0690,
                                longitude=109.0756, opens_at=dt.time(0), closes_at=dt.time(23, 59),
                                services=["onsite_hiring", "wage_guidance"], amenities=["shelter", "drinking_water"],
                                contact_phone="12333", is_demo=True)
    yijun = ServiceCenterFactory(name="宜君县零工服务中心", level=CenterLevel.COUNTY, latitude=35.3986,
                                 longitude=109.1169, open_days=OpenDays.WORKING_DAYS)
    return city, yijun


def names_in_order(html: str, names) -> list[str]:
    return sorted(names, key=html.index)


def test_the_page_lists_the_nearest_center_first_from_where_the_visitor_is(client, centers):
    city, yijun = centers
    near_yijun = client.get("/centers/", {"lat": "35.40", "lng": "109.12"}, HTTP_ACCEPT_LANGUAGE="en")
    html = near_yijun.content.decode()
    assert near_yijun.status_code == 200
    assert names_in_order(html, [city.name, yijun.name]) == [yijun.name, city.name]
    assert "km away" in html
    without_location = client.get("/centers/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert names_in_order(without_location, [city.name, yijun.name]) == [city.name, yijun.name]  # city first


def test_a_card_says_open_now_what_the_center_offers_and_that_demo_data_is_illustrative(client, centers):
    html = client.get("/centers/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    city_card = html[html.index(f'data-testid="center-{centers[0].pk}"'):]
    city_card = city_card[:city_card.index("</article>")]
    assert "Open now" in city_card
    assert "Wage guidance" in city_card and "Shelter from wind and rain" in city_card
    assert "Demo data" in city_card and 'href="tel:12333"' in city_card
    yijun_card = html[html.index(f'data-testid="center-{centers[1].pk}"'):]
    assert "Opening times not given" in yijun_card[:yijun_card.index("</article>")]


def test_the_navigation_link_gives_the_map_app_gcj02_coordinates(client, centers):
    html = client.get("/centers/").content.decode()
    lat, lng = wgs84_to_gcj02(centers[0].latitude, centers[0].longitude)
    assert f"position={lng:.6f}%2C{lat:.6f}" in html


def test_a_bad_location_is_ignored_rather_than_an_error(client, centers):
    assert client.get("/centers/", {"lat": "north", "lng": "999"}).status_code == 200


def test_the_geojson_is_a_valid_feature_collection_in_longitude_latitude_order(client, centers):
    response = client.get("/api/centers/geojson/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/geo+json")
    collection = geojson.loads(response.content.decode())
    assert isinstance(collection, geojson.FeatureCollection) and collection.is_valid, collection.errors()
    by_name = {feature["properties"]["name"]: feature for feature in collection["features"]}
    city = by_name["铜川市零工服务中心"]
    assert city["geometry"]["coordinates"] == [109.0756, 35.069]
    assert city["properties"]["open_now"] is True and city["properties"]["is_demo"] is True
    assert by_name["宜君县零工服务中心"]["properties"]["open_now"] is None  # no hours given
