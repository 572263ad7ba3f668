"""A body above REQUEST_BODY_MAX_BYTES is refused with 413 before any of it is kept: declared too big, it is not
read at all; sent without a length (chunked), reading stops as soon as it passes the limit."""

import asyncio
import json

import pytest

from zero_gig.asgi import application

MB = 1024 * 1024


def http_scope(headers, path):
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
            "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
            "root_path": "", "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"), *headers],
            "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}


async def post(headers, chunks, path="/api/auth/login/"):
    pulled, sent = 0, []

    async def receive():
        nonlocal pulled
        pulled += 1
        if pulled == chunks + 1:
            return {"type": "http.request", "body": b"", "more_body": False}
        if pulled > chunks + 1:  # the whole body is in: the client waits for the answer
            await asyncio.Event().wait()
        return {"type": "http.request", "body": b"x" * MB, "more_body": True}

    async def send(message):
        sent.append(message)

    await application(http_scope(headers, path), receive, send)
    return pulled, sent


def answer(sent, content_type=b"application/json") -> tuple[int, dict | str]:
    starts = [m for m in sent if m["type"] == "http.response.start"]
    assert len(starts) == 1, sent  # one answer, ours: Django does not answer a request it never got
    headers = {name.lower(): value for name, value in starts[0]["headers"]}
    assert headers[b"content-type"] == content_type
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return starts[0]["status"], json.loads(body) if content_type == b"application/json" else body.decode()


@pytest.fixture
def limit_3_mb(settings):
    settings.REQUEST_BODY_MAX_BYTES = 3 * MB


async def test_a_declared_200_mb_body_is_refused_before_a_byte_of_it_is_read(limit_3_mb):
    pulled, sent = await post([(b"content-length", str(200 * MB).encode())], chunks=200)
    status, body = answer(sent)
    assert status == 413 and body["code"] == "too_large" and pulled == 0


async def test_a_body_without_a_length_is_cut_off_just_past_the_limit(limit_3_mb):
    pulled, sent = await post([], chunks=200)
    status, body = answer(sent)
    assert status == 413 and body["code"] == "too_large"
    assert pulled == 4  # three megabytes pass, the fourth is over: nothing more is read


@pytest.mark.django_db(transaction=True)
async def test_a_body_within_the_limit_reaches_the_view(limit_3_mb):
    pulled, sent = await post([(b"content-length", str(1 * MB).encode())], chunks=1)
    status, body = answer(sent)
    assert status == 400 and body["code"] == "parse_error"  # the view read it: a megabyte of x is not JSON


async def test_a_content_length_that_is_not_a_number_is_refused():
    _pulled, sent = await post([(b"content-length", "１２".encode())], chunks=1)
    assert answer(sent)[0] == 413


async def test_a_page_s_form_too_large_gets_a_page_saying_so_in_both_languages(limit_3_mb):
    """A worker posting a big photo of evidence from the complaint form reads a page, not a JSON text."""
    pulled, sent = await post([(b"content-length", str(20 * MB).encode())], chunks=20, path="/complaints/new/")
    status, page = answer(sent, content_type=b"text/html; charset=utf-8")
    assert status == 413 and pulled == 0
    assert "超过 3.0 MB" in page and "larger than 3.0 MB" in page and "<h1>" in page
