"""What is personal is not kept by browsers or proxies, and pages may ask the phone only for the camera and the
location (zero_gig.privacy_headers)."""

import pytest
from rest_framework.test import APIClient

from accounts.services import issue_api_token
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    return WorkerFactory()


def test_a_logged_in_workers_pages_are_not_stored_anywhere(client, worker):
    client.force_login(worker.user)
    for path in ("/me/gigs/", "/inbox/", "/gigs/"):
        response = client.get(path)
        assert response.status_code == 200 and response["Cache-Control"] == "no-store", path


def test_an_api_answer_to_a_token_is_not_stored_either(worker):
    key = issue_api_token(worker.user)[1]
    response = APIClient().get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"


def test_public_pages_for_anonymous_visitors_stay_cacheable(client):
    response = client.get("/centers/")
    assert response.status_code == 200 and "no-store" not in response.get("Cache-Control", "")


def test_pages_may_use_the_camera_and_location_themselves_and_nothing_else(client):
    policy = client.get("/centers/")["Permissions-Policy"]
    assert "camera=(self)" in policy and "geolocation=(self)" in policy and "microphone=()" in policy
    assert client.get("/api/centers/")["Permissions-Policy"] == policy
