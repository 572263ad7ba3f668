"""PostgreSQL stopped during traffic: a request fails fast with 503 and Retry-After, a JSON error body under
/api/ and a page saying to try again elsewhere, never a 500; once the database answers again, so does the app,
without a restart. The outage is simulated: every query raises the OperationalError psycopg raises when the
server is gone (connection.execute_wrapper)."""

import contextlib

import pytest
from django.db import OperationalError, connection
from rest_framework.test import APIClient

from tests.factories import GigFactory, WorkerFactory

pytestmark = pytest.mark.django_db


def server_gone(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly\n\tThis probably means the server "
                           "terminated abnormally before or while processing the request.")


@contextlib.contextmanager
def database_down():
    with connection.execute_wrapper(server_gone):
        yield


def test_the_api_answers_503_with_a_json_body_while_the_database_is_down_and_recovers_after():
    gig = GigFactory()
    worker = WorkerFactory()
    client = APIClient()
    client.force_authenticate(worker.user)
    with database_down():
        response = client.get(f"/api/gigs/{gig.pk}/")
        accept = client.post(f"/api/gigs/{gig.pk}/accept/")
    for answer in (response, accept):
        assert answer.status_code == 503
        assert answer["Content-Type"] == "application/json"
        assert answer["Retry-After"] == "10"
        assert answer.json()["code"] == "service_unavailable" and answer.json()["detail"]
    assert client.get(f"/api/gigs/{gig.pk}/").status_code == 200  # back: no restart needed


def test_a_page_says_to_try_again_in_a_minute_while_the_database_is_down(client):
    with database_down():
        response = client.get("/gigs/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "Nothing you did was lost" in response.content.decode() or "没有丢失" in response.content.decode()


def test_the_sign_in_answers_503_not_500_while_the_database_is_down(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    worker = WorkerFactory()
    with database_down():
        response = APIClient().post("/api/auth/login/", {"phone": worker.user.phone, "password": "x" * 10},
                                    format="json")
    assert response.status_code == 503 and response.json()["code"] == "service_unavailable"

