"""Small readers shared by the tests, so that a change of the error body (or of how a plan is read) is made in one
place."""

import asyncio
import re

from django.db import connection


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


def generic_plan(sql: str, params, explain: str = "") -> list[tuple]:
    """EXPLAIN (`explain`: its options, e.g. "ANALYZE, FORMAT JSON") a statement as PostgreSQL runs it once
    prepared and planned for any values of its parameters (a generic plan): the rows EXPLAIN returns. Inside the
    test's transaction: the prepared statement is dropped and the setting is local."""
    from psycopg.sql import Literal

    numbered = iter(range(1, len(params) + 1))
    with connection.cursor() as cursor:
        raw = cursor.cursor
        raw.execute("PREPARE probe AS " + re.sub("%[sb]", lambda _: f"${next(numbered)}", sql))
        raw.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        values = ", ".join(Literal(str(v) if isinstance(v, str) else v).as_string(raw.connection) for v in params)
        options = f"({explain}) " if explain else ""
        raw.execute(f"EXPLAIN {options}EXECUTE probe({values})" if params else f"EXPLAIN {options}EXECUTE probe")
        rows = raw.fetchall()
        raw.execute("DEALLOCATE probe")
        raw.execute("SET LOCAL plan_cache_mode = auto")
    return rows


def refused_on_save(model, pk: int, status: str) -> None:
    """Saving the row `pk` of a StatusMachine `model` with `status` is refused (bad_transition) and changes nothing:
    no code path (the admin, a shell, another service) moves a status outside its table."""
    import pytest

    from jobs.exceptions import Conflict

    before = model.objects.values_list("status", flat=True).get(pk=pk)
    row = model.objects.get(pk=pk)
    row.status = status
    with pytest.raises(Conflict) as refused:
        row.save()
    assert refused.value.code == "bad_transition"
    assert model.objects.values_list("status", flat=True).get(pk=pk) == before


async def asgi_get(application, path: str, headers: dict | None = None, on_send=None) -> tuple[int, bytes]:
    """GET `path` from an ASGI application in this process, as a server would call it: (status, body).
    `on_send(message)` is called with each message the application sends, as it sends it."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"testserver"), *((k.encode(), v.encode()) for k, v in (headers or {}).items())],
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
    sent, asked = [], []

    async def receive():
        asked.append(1)
        if len(asked) > 1:  # the body is in: the client waits for the answer
            await asyncio.Event().wait()
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)
        if on_send:
            on_send(message)

    await application(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
