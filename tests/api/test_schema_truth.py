"""The OpenAPI schema says what the API does: one error body on every refusal, integer ids, JSON bodies, the real
bounds, and every field of an answer marked as always there. (The fuzz test checks the answers against it, and
test_schema_client drives a generated client with it.)"""

import pytest
from drf_spectacular.generators import SchemaGenerator

from jobs.selectors import nearby_radius_limits

METHODS = ("get", "put", "post", "patch", "delete")
ERROR = {"$ref": "#/components/schemas/Error"}


def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture(scope="module")
def document():
    return schema()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def test_every_refusal_has_the_one_error_body(document):
    wrong = {(name, status) for name, operation in operations(document)
             for status, response in operation["responses"].items()
             if status.startswith("4") and response.get("content", {}).get("application/json", {}).get("schema")
             != ERROR}
    assert wrong == set()


def test_every_operation_that_takes_a_body_or_an_id_documents_how_it_refuses(document):
    missing = set()
    for name, operation in operations(document):
        statuses = set(operation["responses"])
        if "requestBody" in operation:
            missing |= {(name, status) for status in ("400", "415") if status not in statuses}
        if any(parameter["in"] == "path" for parameter in operation.get("parameters", [])) \
                and not name.startswith("DELETE"):
            missing |= {(name, "404")} - {(name, status) for status in statuses}
    assert missing == set()


def test_taking_a_gig_answers_200_only(document):
    successes = {status for status in document["paths"]["/api/gigs/{id}/accept/"]["post"]["responses"]
                 if status.startswith("2")}
    assert successes == {"200"}


def test_ids_in_paths_are_integers(document):
    kinds = {(name, parameter["name"], parameter["schema"].get("type")) for name, operation in operations(document)
             for parameter in operation.get("parameters", []) if parameter["in"] == "path"}
    assert kinds and {kind for *_, kind in kinds} == {"integer"}


def test_bodies_are_json_only(document):
    """JSON everywhere, but for the operations that take photos: those also take multipart/form-data, the way a
    phone (and a WeChat mini-program's wx.uploadFile) sends files."""
    media = {(name, media_type) for name, operation in operations(document)
             for media_type in operation.get("requestBody", {}).get("content", {})}
    uploads = {name for name, media_type in media if media_type == "multipart/form-data"}
    assert uploads == {"POST /api/complaints/", "POST /api/complaints/{id}/evidence/"}
    assert media and {media_type for name, media_type in media if name not in uploads} == {"application/json"}


def test_the_nearby_radius_has_its_real_bounds(settings):
    settings.GIG_RULES = {**settings.GIG_RULES, "NEARBY_MAX_RADIUS_KM": 30}
    assert nearby_radius_limits()[1] == 30
    parameters = {parameter["name"]: parameter["schema"]
                  for parameter in schema()["paths"]["/api/gigs/nearby/"]["get"]["parameters"]}
    assert parameters["radius_km"]["maximum"] == 30


def test_every_field_of_an_answer_is_marked_as_always_there(document):
    answers = {name: component for name, component in document["components"]["schemas"].items()
               if component.get("type") == "object" and not name.endswith("Request") and name != "Error"}
    optional = {(name, field) for name, component in answers.items()
                for field in set(component.get("properties", {})) - set(component.get("required", []))}
    assert optional == set()
    assert set(document["components"]["schemas"]["Error"]["required"]) == {"code", "detail"}
