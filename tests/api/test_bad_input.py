"""Bad input answers 400 with the field and the rule, never 500, and changes nothing."""

import base64
import datetime as dt
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from jobs.models import Gig
from tests.factories import (
    AssignmentFactory,
    EmployerFactory,
    GigFactory,
    ServiceCenterFactory,
    TradeFactory,
    WageFloorFactory,
)
from tests.helpers import field_errors

pytestmark = pytest.mark.django_db
NEARBY = "/api/gigs/nearby/"


@pytest.fixture
def employer_client():
    WageFloorFactory()
    ServiceCenterFactory()
    TradeFactory()
    client = APIClient()
    client.force_authenticate(EmployerFactory().owner)
    return client


def good_gig(**overrides):
    start = timezone.now() + dt.timedelta(days=1)
    body = {"trade": "labourer", "title": "小工", "headcount": 2, "pay_amount": "200", "pay_unit": "day",
            "address": "王益区", "latitude": 35.07, "longitude": 109.07, "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=8)).isoformat()}
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"pay_amount": "150"}, "pay_amount", "legal minimum"),
        ({"pay_amount": "0"}, "pay_amount", "greater than or equal to 0.01"),
        ({"pay_amount": "200.123"}, "pay_amount", "2 decimal places"),
        ({"pay_amount": "lots"}, "pay_amount", "valid number"),
        ({"headcount": 0}, "headcount", "greater than or equal to 1"),
        ({"headcount": 501}, "headcount", "less than or equal to 500"),
        ({"trade": "astronaut"}, "trade", "does not exist"),
        ({"pay_unit": "piece"}, "pay_unit", "not paid per piece"),
        ({"pay_unit": "week"}, "pay_unit", "not a valid choice"),
        ({"latitude": 95}, "latitude", "less than or equal to 53.6"),
        ({"longitude": "east"}, "longitude", "valid number"),
        ({"starts_at": "yesterday"}, "starts_at", "wrong format"),
        ({"starts_at": (timezone.now() - dt.timedelta(hours=2)).isoformat()}, "starts_at", "future"),
        ({"ends_at": timezone.now().isoformat()}, "ends_at", "after the start"),
        ({"title": "工" * 81}, "title", "no more than 80 characters"),
        ({"description": "x" * 2001}, "description", "no more than 2000 characters"),
    ],
)
def test_posting_a_gig_with_bad_input_names_the_field_and_the_rule(employer_client, overrides, field, words):
    response = employer_client.post("/api/gigs/", good_gig(**overrides), format="json")
    assert response.status_code == 400
    assert words in " ".join(field_errors(response)[field])
    assert Gig.objects.count() == 0


def test_malformed_json_is_a_400(employer_client):
    response = employer_client.post("/api/gigs/", "{not json", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"latitude": 35.07, "longitude": 109.07, "radius_km": 51}, "radius_km", "at most 50 km"),
        ({"latitude": 35.07, "longitude": 109.07, "radius_km": 0}, "radius_km", "greater than or equal to 0.1"),
        ({"latitude": "north", "longitude": 109.07}, "latitude", "valid number"),
        ({"longitude": 109.07}, "latitude", "required"),
        ({"latitude": 35.07, "longitude": 109.07, "trades": "labourer,astronaut"}, "trades", "Unknown trade"),
        ({"latitude": 35.07, "longitude": 109.07, "cursor": "%%%"}, "cursor", "not valid"),
        ({"latitude": 35.07, "longitude": 109.07, "starts_after": "soon"}, "starts_after", "wrong format"),
        ({"latitude": 35.07, "longitude": 109.07, "min_pay": "200"}, "pay_unit", "pay unit"),
        ({"latitude": 35.07, "longitude": 109.07, "sort": "random"}, "sort", "not a valid choice"),
        ({"latitude": 35.07, "longitude": 109.07, "limit": 500}, "limit", "less than or equal to 50"),
    ],
)
def test_the_nearby_feed_refuses_bad_queries_by_field(params, field, words):
    TradeFactory()
    response = APIClient().get(NEARBY, params)
    assert response.status_code == 400
    assert words in " ".join(field_errors(response)[field])


def test_a_bad_check_in_body_is_a_400(employer_client):
    gig = GigFactory()
    worker_client = APIClient()
    assignment = AssignmentFactory(gig=gig, status="accepted")
    worker_client.force_authenticate(assignment.worker.user)
    response = worker_client.post(f"/api/assignments/{assignment.pk}/check-in/", {"code": "12ab"}, format="json")
    assert response.status_code == 400 and "6 digits" in field_errors(response)["code"][0]
    response = worker_client.post(f"/api/assignments/{assignment.pk}/check-in/", {}, format="json")
    assert response.status_code == 400 and "latitude" in field_errors(response)


def cursor(position: str) -> str:
    """A cursor made as DRF makes them (base64 of its query string), holding a position the list never gave."""
    return base64.b64encode(urlencode({"p": position}).encode()).decode()


@pytest.mark.parametrize("position", ["abc", "", "1e309", "a\x00b", "9" * 30, "true"])
def test_a_forged_cursor_position_is_refused_by_field_on_a_public_list(position):
    ServiceCenterFactory()
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/centers/", {"cursor": cursor(position)})
    assert response.status_code == 400
    assert field_errors(response) == {"cursor": ["This cursor is not one the list gave out."]}


@pytest.mark.parametrize("position", ["2024-02-30 08:00:00+00:00", "soon", "10000-01-01 00:00:00+00:00"])
def test_a_forged_cursor_on_a_list_ordered_by_time_is_refused_by_field(world, position):
    response = world.client("employer").get("/api/gigs/", {"cursor": cursor(position)})
    assert response.status_code == 400 and set(field_errors(response)) == {"cursor"}


def test_a_cursor_the_list_gave_out_still_turns_the_page():
    for _ in range(3):
        ServiceCenterFactory()
    client = APIClient()
    first = client.get("/api/centers/", {"limit": 2}).json()
    second = client.get(first["next"]).json()
    assert len(first["results"]) == 2 and len(second["results"]) == 1
