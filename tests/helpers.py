"""Small readers shared by the API tests, so that a change of the error body is made in one place."""


def field_errors(response) -> dict:
    """The field errors of a 400 answer: {field: [messages]} (a nested field by its path, `trades.0.category`)."""
    assert response.status_code == 400, (response.status_code, response.content)
    body = response.json()
    assert body["code"] == "invalid", body
    return body["fields"]


def listed(response) -> list:
    """The rows of one page of a list answer (every list of the API is paginated)."""
    assert response.status_code == 200, response.content[:300]
    return response.json()["results"]


def at_site(gig, metres: float = 15, accuracy: float = 10) -> dict:
    """What a phone standing at the gig's site sends to check in: a reading a few metres north of the site (never
    the published point itself, which is refused as copied) and how exact it is."""
    point = gig.site_point
    return {"latitude": point.lat + metres / 111_320, "longitude": point.lng, "accuracy": accuracy}
