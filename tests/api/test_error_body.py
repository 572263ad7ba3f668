"""Every refusal of the API, DRF's own included, has one body: a `code` for programs, a `detail` for people,
and on bad input the `fields` with their rules, so that a client reads every 4xx the same way."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def refusal(response, status: int, code: str) -> dict:
    assert response.status_code == status, (response.status_code, response.content)
    body = response.json()
    assert body["code"] == code and isinstance(body["detail"], str) and body["detail"], body
    return body


def test_bad_input_names_the_field_under_fields(world):
    body = refusal(APIClient().get("/api/gigs/nearby/", {"longitude": 109.07}), 400, "invalid")
    assert set(body["fields"]) == {"latitude"} and body["fields"]["latitude"] == ["This field is required."]


def test_a_rule_of_the_service_breaks_as_field_errors_too(world):
    body = refusal(world.client("employer").post(f"/api/gigs/{world.gig.pk}/cancel/", {"reason": "x" * 1000},
                                                 format="json"), 400, "invalid")
    assert list(body["fields"]) == ["reason"]


def test_an_error_inside_a_list_is_named_by_its_path(world):
    response = world.client("worker").patch("/api/me/worker-profile/", {"trades": [{"category": "abc"}]},
                                            format="json")
    assert list(refusal(response, 400, "invalid")["fields"]) == ["trades.0.category"]


def test_malformed_json_is_a_parse_error(world):
    response = world.client("employer").post("/api/gigs/", "{not json", content_type="application/json")
    assert "fields" not in refusal(response, 400, "parse_error")


def test_a_missing_gig_is_not_found_without_naming_a_class(world):
    body = refusal(APIClient().get("/api/gigs/999999/"), 404, "not_found")
    assert "Gig" not in body["detail"]


def test_not_logged_in_is_a_401_with_a_code(world):
    refusal(APIClient().get("/api/assignments/"), 401, "not_authenticated")
    refusal(APIClient().get("/api/assignments/", HTTP_AUTHORIZATION="Bearer nope"), 401, "invalid_token")


def test_the_wrong_role_and_the_state_of_things_refuse_with_their_codes(world):
    body = refusal(world.client("employer").post(f"/api/gigs/{world.gig.pk}/accept/"), 403, "permission_denied")
    assert body["detail"] == "Only workers with a worker profile can do this."
    refusal(world.client("employer").post(f"/api/gigs/{world.gig.pk}/reopen/"), 409, "bad_transition")


def test_a_wrong_method_and_a_wrong_media_type_have_the_body_too(world):
    client = world.client("employer")
    refusal(client.delete(f"/api/gigs/{world.gig.pk}/"), 405, "method_not_allowed")
    refusal(client.post("/api/auth/login/", "phone=1", content_type="application/x-www-form-urlencoded"),
            415, "unsupported_media_type")


def test_an_address_without_its_slash_is_sent_on_keeping_the_method_and_the_body(world):
    """A client posting to /api/gigs/1/cancel (no slash) is sent on with 308, which repeats the POST with its
    body; a 301 would have turned it into a GET and the cancel would be lost."""
    client = world.client("employer")
    path = f"/api/gigs/{world.gig.pk}/cancel"
    moved = refusal(client.post(path, {"reason": "下雨停工"}, format="json"), 308, "moved")
    assert moved["detail"].endswith(path + "/")
    followed = client.post(path, {"reason": "下雨停工"}, format="json", follow=True)
    assert followed.redirect_chain == [(path + "/", 308)] and followed.status_code == 200
    world.gig.refresh_from_db()
    assert world.gig.status == "cancelled"


def test_a_get_without_the_slash_is_answered_in_json_too(world):
    response = APIClient().get("/api/gigs/nearby", {"latitude": 35.08, "longitude": 109.07})
    refusal(response, 308, "moved")
    assert response["Location"] == "/api/gigs/nearby/?latitude=35.08&longitude=109.07"


def test_an_address_that_is_wrong_with_the_slash_too_is_still_not_found(world):
    refusal(APIClient().post("/api/no-such-thing", {}, format="json"), 404, "not_found")
