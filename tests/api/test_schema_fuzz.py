"""The API keeps its OpenAPI contract, whatever it is sent.

Schemathesis reads the schema the app serves at /api/schema/ and fuzzes every operation in it through the
Django WSGI app, inside the test database, as an anonymous visitor, a worker, an employer and a center's staff.
Every answer must be a non-5xx with a documented status code and the documented body (the refusals of the
permission matrix are checked, without fuzzing, in test_permissions.py). Requests that carry an `{id}` are
pointed at the seeded gigs, assignments and workers (in every state) as often as at random ids, so that the
fuzzed bodies reach the services and not just the 404s.

Logged-in calls use a real session cookie and CSRF token (no test-only shortcuts in the request path).
Each example runs in a savepoint that is rolled back, so every example sees the same seeded market and a failure
replays the same way. The search is small and derandomized so that CI is quick and stable; for a deeper one:

    API_FUZZ_EXAMPLES=200 API_FUZZ_MODES=positive,negative pytest tests/api/test_schema_fuzz.py

(negative mode sends data that breaks the schema, which must be a 4xx, never a 5xx).

The bugs this fuzzing found are pinned by the tests at the end of this file.
"""

import contextlib
import json
import os
import re
import sys
import traceback

import pytest
import schemathesis
import yaml
from django.conf import settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import Client
from django.utils.crypto import get_random_string
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from werkzeug.test import Client as WsgiClient

from tests.api.conftest import World
from tests.helpers import field_errors

pytestmark = pytest.mark.django_db

FUZZ_ROLES = ("anonymous", "worker", "employer", "staff")
MAX_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "8"))
MODES = [schemathesis.GenerationMode(mode) for mode in os.environ.get("API_FUZZ_MODES", "positive").split(",")]
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
HTTP_METHODS = ("get", "put", "post", "patch", "delete")


def documented_operations() -> list[str]:
    """Every operationId of the schema, as drf-spectacular generates it (read at collection time)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(operation["operationId"] for item in document["paths"].values()
                  for method, operation in item.items() if method in HTTP_METHODS)


OPERATION_IDS = documented_operations()


# --- The app, its schema, and logging in ----------------------------------------------------------------------

@contextlib.contextmanager
def connections_kept():
    """Django closes "old" database connections when a request starts and ends. In a test that would drop the
    connection that holds the test transaction, so while the raw WSGI app is called those hooks are off (the
    Django test client does the same around each of its requests, and turns them back on after)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def django_app():
    return get_wsgi_application()


@pytest.fixture(scope="module")
def api_schema(django_app):
    with connections_kept():
        return schemathesis.openapi.from_wsgi("/api/schema/?format=json", django_app)


@pytest.fixture
def server_errors():
    """Tracebacks of the exceptions behind any 500 of this test, newest last."""
    errors = []

    def keep(sender, request=None, **kwargs):
        errors.append("".join(traceback.format_exception(*sys.exc_info())))

    signals.got_request_exception.connect(keep)
    yield errors
    signals.got_request_exception.disconnect(keep)


@pytest.fixture
def wsgi_app(django_app, server_errors):
    """Django's own WSGI app (django.core.wsgi.get_wsgi_application), for this test's database transaction."""
    with connections_kept():
        yield django_app


class Session:
    """A logged-in browser: the session cookie of `force_login`, and a CSRF cookie with its header."""

    def __init__(self, user):
        # The raw WSGI app answers as a browser is answered; this transport does not undo gzip, so ask for none.
        self.cookies, self.headers = {}, {"Accept-Encoding": "identity"}
        if user is not None:
            client = Client()
            client.force_login(user)
            csrf = get_random_string(32)
            self.cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
                            settings.CSRF_COOKIE_NAME: csrf}
            self.headers["X-CSRFToken"] = csrf


class FuzzWorld(World):
    """The world, with a gig and an assignment in every state for the fuzzed ids to land on."""

    def __init__(self):
        super().__init__()
        self.ids = {
            "gigs": [self.gig.pk, self.other_gig.pk, self.draft_gig().pk, self.cancelled_gig().pk,
                     self.application_gig().pk, self.pending_gig().pk],
            "assignments": [self.assignment.pk] + [self.new_assignment(state).pk for state in (
                "applied", "accepted", "checked_in", "checked_out", "pay_recorded", "completed")],
            "workers": [self.worker.pk, self.other_worker.pk],
            "identity-claims": [self.identity_claim().pk],
            "centers": [self.center.pk, self.other_center.pk],
            "hall-visits": [self.hall_visit().pk],
            "dispatches": [self.dispatch().pk],
            "suspicious-check-ins": [self.suspicious_check_in().pk],
            "articles": [self.policy_article().pk],
            "questions": [self.policy_question().pk],
            "fairs": [self.fair().pk],
            "courses": [self.course().pk],
            "agreements": [self.agreement().pk],
            "report-cases": [self.report_case().pk],
            "complaints": [self.complaint().pk, self.resolved_complaint().pk],
        }

    def ids_for(self, path: str) -> list[int]:
        """The seeded ids of the collection named just before `{id}` (gigs, workers, centers …)."""
        parts = path.strip("/").split("/")
        if "{id}" not in parts:
            return []
        return self.ids[parts[parts.index("{id}") - 1]]


@pytest.fixture
def fuzz_world(db):
    return FuzzWorld()


def fuzz_params() -> list:
    return [pytest.param(operation_id, role, id=f"{operation_id}-{role}")
            for operation_id in OPERATION_IDS for role in FUZZ_ROLES]


# --- The fuzzing ------------------------------------------------------------------------------------------------

def cases(operation, seeded_ids: list[int]):
    """Generated requests: in each mode, as many with an `{id}` of the seeded market as with a generated one."""
    raw = operation.definition.raw
    takes_input = bool(raw.get("parameters") or raw.get("requestBody"))
    strategies = []
    for mode in MODES:
        if mode == schemathesis.GenerationMode.NEGATIVE and not takes_input:
            continue  # nothing to break
        strategies.append(operation.as_strategy(generation_mode=mode))
        if seeded_ids:
            strategies.append(st.sampled_from(seeded_ids).flatmap(
                lambda pk, mode=mode: operation.as_strategy(generation_mode=mode, path_parameters={"id": pk})))
    if not strategies:
        pytest.skip(f"{operation.label} takes no input to break")
    return st.one_of(*strategies)


@pytest.mark.parametrize(("operation_id", "role"), fuzz_params())
def test_every_operation_answers_as_documented_and_never_5xx(api_schema, wsgi_app, server_errors, fuzz_world,
                                                               operation_id, role):
    operation = api_schema.find_operation_by_id(operation_id)
    session = Session(fuzz_world.users[role])
    strategy = cases(operation, fuzz_world.ids_for(operation.path))

    @fuzz_settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                   suppress_health_check=list(HealthCheck), phases=(Phase.explicit, Phase.generate, Phase.shrink))
    @given(case=strategy)
    def fuzz(case):
        server_errors.clear()
        with transaction.atomic():
            try:
                response = case.call(app=wsgi_app, headers=session.headers, cookies=session.cookies)
                if response.status_code >= 500:
                    pytest.fail(f"{operation.label} as {role} answered {response.status_code}:\n"
                                f"{case.as_curl_command()}\n\n{''.join(server_errors[-1:])}")
                case.validate_response(response, checks=CHECKS)
            finally:
                transaction.set_rollback(True)

    fuzz()


def test_session_calls_need_the_csrf_token(fuzz_world, wsgi_app):
    """The fuzzing logs in the way a browser does: without the CSRF header, a logged-in POST is refused."""
    session = Session(fuzz_world.worker.user)
    client = WsgiClient(wsgi_app)
    for name, value in session.cookies.items():
        client.set_cookie(name, value, domain="localhost")
    url = f"/api/gigs/{fuzz_world.gig.pk}/accept/"
    assert client.post(url).status_code == 403
    assert client.post(url, headers=session.headers).status_code == 200


# --- The schema and its documentation page ----------------------------------------------------------------------

def test_the_schema_is_a_valid_openapi_3_document_of_the_whole_api():
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    document = yaml.safe_load(response.content)
    assert re.fullmatch(r"3\.\d+\.\d+", document["openapi"])
    validate_schema(document)  # against the OpenAPI 3 JSON schema
    assert document["info"]["title"] == "zero-gig API"
    assert {"/api/gigs/", "/api/gigs/nearby/", "/api/assignments/{id}/pay/", "/api/reviews/"} <= set(document["paths"])
    as_json = APIClient().get("/api/schema/?format=json")
    assert as_json.status_code == 200 and as_json.json() == document
    operation_ids = [operation["operationId"] for item in document["paths"].values()
                     for method, operation in item.items() if method in HTTP_METHODS]
    assert len(operation_ids) == len(set(operation_ids)) == len(OPERATION_IDS)


def test_the_docs_page_works_offline(client):
    """Swagger UI and its styles come from this server (drf-spectacular-sidecar), not from a CDN."""
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    for cdn in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "fonts.googleapis.com"):
        assert cdn not in html
    assets = re.findall(r"""<(?:script|link)\b[^>]*?\b(?:src|href)=["']([^"']+)["']""", html)
    assert any(asset.endswith(".js") for asset in assets) and any(asset.endswith(".css") for asset in assets)
    for asset in assets:
        assert asset.startswith("/") and not asset.startswith("//"), f"{asset} is not served by this site"
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert b"".join(served.streaming_content) if served.streaming else served.content, f"{asset} is empty"
    html += client.get("/api/docs/?script").content.decode()  # the start-up script is a file (Content-Security-Policy)
    schema_url = re.search(r"""["'](/api/schema/[^"']*)["']""", html)
    assert schema_url, "the page does not load the schema from this site"


def test_the_docs_page_asks_no_outside_validator(client):
    html = client.get("/api/docs/?script").content.decode()  # the start-up script, a file of its own
    found = re.search(r"swaggerSettings\s*=\s*(\{.*?\});", html, re.DOTALL)
    assert found, "the page's Swagger UI settings were not found"
    assert json.loads(found.group(1)).get("validatorUrl", "https://validator.swagger.io (the default)") is None


# --- Bugs the fuzzing found, pinned ---------------------------------------------------------------

def test_paying_for_an_absurd_quantity_is_a_400_and_breaks_nothing(world):
    assignment = world.new_assignment("checked_out")  # a gig at 180 yuan a day
    employer, worker = world.client("employer"), world.client("worker")
    employer.raise_request_exception = worker.raise_request_exception = False

    response = employer.post(f"/api/assignments/{assignment.pk}/pay/", {"quantity": "600000"}, format="json")

    assert (employer.get("/api/assignments/").status_code, worker.get("/api/assignments/").status_code) == (200, 200)
    assert response.status_code == 400, response.status_code
    assert "quantity" in field_errors(response)


@pytest.mark.parametrize("where", ["nearby", "post"])
def test_a_date_before_year_1_in_utc_is_a_400_not_a_500(world, where):
    client = world.client("employer")
    client.raise_request_exception = False
    if where == "nearby":
        response = client.get("/api/gigs/nearby/", {"latitude": 35.07, "longitude": 109.07,
                                                    "starts_after": "0001-01-01T00:00:00"})
        field = "starts_after"
    else:
        body = {"trade": world.trade.code, "title": "搬砖", "headcount": 1, "pay_amount": "200", "pay_unit": "day",
                "address": "王益区", "latitude": 35.07, "longitude": 109.07,
                "starts_at": "0001-01-01T00:00:00", "ends_at": "0001-01-01T08:00:00"}
        response = client.post("/api/gigs/", body, format="json")
        field = "starts_at"
    assert response.status_code == 400, response.status_code
    assert field in field_errors(response)


@pytest.mark.parametrize(("role", "method", "action"), [
    ("worker", "post", "accept/"), ("worker", "post", "apply/"), ("employer", "patch", ""),
    ("employer", "post", "cancel/"), ("employer", "post", "reopen/"), ("employer", "post", "publish/"),
    ("employer", "get", "check-in-code/"), ("employer", "get", "assignments/"), ("staff", "post", "review/"),
])
def test_a_gig_id_that_is_not_a_number_is_a_404_not_a_500(world, role, method, action):
    client = world.client(role)
    client.raise_request_exception = False
    body = {"approve": True} if action == "review/" else {}
    response = getattr(client, method)(f"/api/gigs/null/{action}", body, format="json")
    assert response.status_code == 404, response.status_code


def test_marking_an_id_too_big_for_the_database_read_is_not_a_500(world):
    client = world.client("worker")
    client.raise_request_exception = False
    response = client.post("/api/notifications/read/", {"ids": [2**63]}, format="json")
    assert response.status_code in (200, 400), response.status_code
