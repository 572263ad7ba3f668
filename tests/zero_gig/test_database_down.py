"""PostgreSQL stopped during traffic: a request fails fast with 503 and Retry-After, a JSON error body under
/api/ and a page saying to try again elsewhere, never a 500; once the database answers again, so does the app,
without a restart. The outage is simulated: every query raises the OperationalError psycopg raises when the
server is gone (connection.execute_wrapper)."""

import contextlib

import pytest
from django.db import OperationalError, connection
from rest_framework.test import APIClient

from tests.factories import GigFactory, WorkerFactory
from zero_gig import unavailable

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def breaker_closed():
    """Each test starts with a database this process believes is up, and leaves it so for the next test."""
    unavailable.reset()
    yield
    unavailable.reset()


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
    unavailable.reset()  # the breaker's two seconds are over
    assert client.get(f"/api/gigs/{gig.pk}/").status_code == 200  # back: no restart needed


def test_while_the_database_is_out_the_next_requests_are_refused_at_once_without_waiting_for_it(monkeypatch):
    gig = GigFactory()
    clock = [1000.0]
    monkeypatch.setattr(unavailable.time, "monotonic", lambda: clock[0])
    with database_down():
        assert APIClient().get(f"/api/gigs/{gig.pk}/").status_code == 503  # this one waited for the pool
    tried = []
    with connection.execute_wrapper(lambda execute, *args: tried.append(args) or execute(*args)):
        refused = APIClient().get(f"/api/gigs/{gig.pk}/")
        assert refused.status_code == 503 and refused.json()["code"] == "service_unavailable"
        assert tried == []  # answered without trying the database
        clock[0] += unavailable.OUTAGE_SECONDS + 0.1  # then requests try again, and find it back
        assert APIClient().get(f"/api/gigs/{gig.pk}/").status_code == 200


def test_a_race_still_lost_after_the_retries_answers_503_but_does_not_refuse_the_next_requests():
    from django.db import OperationalError as DjangoOperationalError

    gig = GigFactory()

    def locked(execute, sql, params, many, context):
        raise DjangoOperationalError("database is locked")

    with connection.execute_wrapper(locked):
        assert APIClient().get(f"/api/gigs/{gig.pk}/").status_code == 503
    assert APIClient().get(f"/api/gigs/{gig.pk}/").status_code == 200


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

