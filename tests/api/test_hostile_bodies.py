"""Whatever a client sends, the API answers in its JSON error body with a 4xx, never a 500 or an HTML page:
bodies nested beyond Python's recursion limit, NUL characters, paths that match no route, and a failure of ours."""

import io
import json

import pytest
from django.urls import get_resolver
from rest_framework.parsers import JSONParser
from rest_framework.test import APIClient
from rest_framework.views import APIView

from api.parsers import SafeJSONParser

pytestmark = pytest.mark.django_db

DEEP = "[" * 50_000 + "]" * 50_000


def parse_error(response) -> str:
    assert response.status_code == 400, (response.status_code, response.content[:200])
    body = response.json()
    assert body["code"] == "parse_error"
    return body["detail"]


def test_json_nested_beyond_the_recursion_limit_is_refused_as_malformed_when_logging_in_and_posting(world):
    anonymous = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    assert "nested too deeply" in parse_error(anonymous.post("/api/auth/login/", DEEP, content_type="application/json"))
    employer = world.client("employer")
    parse_error(employer.post("/api/gigs/", DEEP, content_type="application/json"))
    nested_object = '{"a":' * 50_000 + "1" + "}" * 50_000
    parse_error(employer.post("/api/gigs/", nested_object, content_type="application/json"))


@pytest.mark.parametrize("depth", [300, 600, 800])
def test_json_nested_hundreds_of_levels_is_read_and_refused_by_field_without_overflowing_the_stack(depth):
    """Nesting the decoder takes (below the recursion limit) is walked for what no field may hold without
    recursion: a few hundred levels overflowed that walk (a 500 before the fields were read)."""
    body = '{"phone": "13812345678", "purpose": ' + "[" * depth + "]" * depth + "}"
    response = APIClient().post("/api/auth/sms-code/", body, content_type="application/json")
    assert response.status_code == 400  # "invalid" (the purpose) or, near the decoder's limit, "parse_error"
    assert response.json()["code"] in ("invalid", "parse_error")


@pytest.mark.parametrize("body", [
    {"title": "搬家\u0000", "description": "x"},
    {"title": "搬家", "trades": [{"category": "\u0000"}]},
    {"title\u0000": "搬家"},
])
def test_a_nul_character_anywhere_in_a_json_body_is_refused_before_any_field_is_read(world, body):
    employer = world.client("employer")
    employer.credentials(HTTP_ACCEPT_LANGUAGE="en")
    before = world.employer.gigs.count()
    detail = parse_error(employer.post("/api/gigs/", json.dumps(body), content_type="application/json"))
    assert "NUL" in detail and world.employer.gigs.count() == before


@pytest.mark.parametrize(("body", "reason"), [
    ('{"title": "搬家\\ud800", "description": "x"}', "surrogate"),
    ('{"title": "搬家", "\\udfff": 1}', "surrogate"),
    ('{"title": "搬家", "category": 1e309}', "too large"),
    ('{"title": "搬家", "headcount": [-1e400]}', "too large"),
])
def test_a_lone_surrogate_or_a_number_beyond_a_float_anywhere_in_a_json_body_is_refused(world, body, reason):
    """Legal JSON that no field can take: a lone surrogate is no character (saving or echoing it failed to encode),
    and 1e309 parses to infinity (int() of it overflowed where an id was read)."""
    employer = world.client("employer")
    employer.credentials(HTTP_ACCEPT_LANGUAGE="en")
    before = world.employer.gigs.count()
    assert reason in parse_error(employer.post("/api/gigs/", body, content_type="application/json"))
    assert world.employer.gigs.count() == before


def api_views():
    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern.url_patterns)
            else:
                view = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
                if isinstance(view, type) and issubclass(view, APIView):
                    yield view
    return set(walk(get_resolver().url_patterns))


def test_every_api_view_that_reads_json_reads_it_with_the_safe_parser():
    views = api_views()
    assert len(views) > 30
    unsafe = sorted(view.__name__ for view in views for parser in view().get_parsers()
                    if isinstance(parser, JSONParser) and not isinstance(parser, SafeJSONParser))
    assert unsafe == []


def test_a_path_under_api_that_matches_no_route_is_a_json_404_and_a_page_elsewhere(client):
    response = client.get("/api/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "detail": "Not found."}
    assert client.get("/api/centers/%00/").json()["code"] == "not_found"
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(("path", "query"), [("/api/gigs/999999/", {}), ("/api/assignments/", {"format": "api"}),
                                             ("/api/gigs/nearby/", {"latitude": "north"})])
def test_an_api_error_is_json_when_a_browser_asks_for_html(client, path, query):
    response = client.get(path, query, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert 400 <= response.status_code < 500 and response["Content-Type"] == "application/json"
    assert "code" in response.json()


def test_a_failure_of_ours_under_api_is_a_json_500_without_a_traceback(monkeypatch):
    from api import views

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views.CenterList, "list", broken)
    client = APIClient(raise_request_exception=False)
    response = client.get("/api/centers/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    assert response.json()["code"] == "error" and b"secret" not in response.content


def test_a_body_of_a_few_megabytes_reaches_the_fields_that_judge_it(world):
    """One limit on a request's size (REQUEST_BODY_MAX_BYTES, answered 413 before it is read): below it, the fields
    decide. Django's own 2.5 MB limit refused a 3 MB body with a 400 that named no rule."""
    employer = world.client("employer")
    employer.credentials(HTTP_ACCEPT_LANGUAGE="en")
    response = employer.post("/api/gigs/", json.dumps({"title": "搬家", "description": "很" * 1_000_000}),
                             content_type="application/json")
    assert response.status_code == 400 and "description" in response.json()["fields"]


def test_more_query_parameters_than_django_reads_are_refused_saying_the_limit():
    query = "&".join(f"p{n}=1" for n in range(1_100))
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").get(f"/api/centers/?{query}")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("Too many fields, query parameters or files in one request")


def test_every_text_of_a_json_body_is_nfkc_normalised_before_the_fields_read_it(world):
    worker = world.client("worker")
    response = worker.patch("/api/me/worker-profile/", {"display_name": "ＡＢＣ１２３　师傅"}, format="json")
    assert response.status_code == 200, response.content
    world.worker.refresh_from_db()
    assert world.worker.display_name == response.json()["display_name"] == "ABC123 师傅"


@pytest.mark.parametrize("body", ["5", "null", "true", "1.5", '"ＡＢＣ"', "[]"])
def test_a_body_that_is_a_bare_value_is_refused_by_the_view_not_a_500(world, body):
    response = world.client("employer").post("/api/gigs/", body, content_type="application/json")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"


def test_the_parser_normalises_names_and_nested_texts_but_keeps_passwords_as_typed():
    body = json.dumps({"ｔｉｔｌｅ": "装卸　工", "trades": [{"note": "①"}, "２"], "password": "ｐａｓｓ",
                       "new_password": "ｎｅｗ"}).encode()
    parsed = SafeJSONParser().parse(io.BytesIO(body), "application/json", {})
    assert parsed == {"title": "装卸 工", "trades": [{"note": "1"}, "2"],
                      "password": "ｐａｓｓ", "new_password": "ｎｅｗ"}


@pytest.mark.parametrize(("method", "path", "status"), [
    ("post", "/api/schema/", 405), ("get", "/api/schema/?format=html", 404), ("post", "/api/docs/", 405)])
def test_the_schema_and_the_docs_refuse_in_json_too(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status and response["Content-Type"] == "application/json"
    assert "code" in response.json()


def test_the_schema_and_the_docs_still_answer_as_themselves(client):
    assert client.get("/api/schema/")["Content-Type"].startswith("application/vnd.oai.openapi")
    assert client.get("/api/docs/")["Content-Type"].startswith("text/html")
