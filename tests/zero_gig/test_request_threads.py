"""Each request runs on a thread kept from an earlier request (zero_gig.handler), never on one another request is
using, and nothing of one request is left on the thread for the next: its database connection is closed at its end
and its language is its own. The request's signals fire once each, on its thread: the end of a whole response
before it is sent (its connection goes back to the pool first), the end of a streamed one after its last part."""

import asyncio
import json
import threading

import pytest
from django.core import signals

from tests.helpers import asgi_get
from zero_gig.handler import ThreadKeepingASGIHandler

from . import thread_urls

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def thread_urlconf(settings):
    settings.ROOT_URLCONF = "tests.zero_gig.thread_urls"
    thread_urls.both_arrived.reset()


def answer(handler, path, headers=None) -> dict:
    status, body = asyncio.run(asgi_get(handler, path, headers))
    assert status == 200, body[:300]
    return json.loads(body)


def test_requests_one_after_another_run_on_the_same_kept_thread():
    handler = ThreadKeepingASGIHandler()
    first, second = answer(handler, "/where/"), answer(handler, "/where/")
    assert first["thread"] == second["thread"]
    assert handler.idle == 1


def test_the_database_connection_of_a_request_is_closed_before_the_next_request_on_its_thread():
    handler = ThreadKeepingASGIHandler()
    answer(handler, "/where/")  # it queried, so its thread had a connection open
    assert answer(handler, "/where/")["connection_was_open"] is False


def test_a_request_keeps_its_own_language_on_a_thread_another_language_used(settings):
    handler = ThreadKeepingASGIHandler()
    other = "en" if settings.LANGUAGE_CODE == "zh-hans" else "zh-hans"
    assert answer(handler, "/where/", {"accept-language": other})["language"] == other
    assert answer(handler, "/where/")["language"] == settings.LANGUAGE_CODE


def test_requests_at_the_same_time_run_on_different_threads_and_only_so_many_are_kept():
    handler = ThreadKeepingASGIHandler(idle_threads=1)

    async def together():
        return await asyncio.gather(asgi_get(handler, "/meet/"), asgi_get(handler, "/meet/"))

    (status_a, body_a), (status_b, body_b) = asyncio.run(together())  # on one thread they would never meet
    assert status_a == status_b == 200
    assert json.loads(body_a)["thread"] != json.loads(body_b)["thread"]
    assert handler.idle == 1


@pytest.mark.parametrize(("path", "body", "finished_after"), [
    ("/where/", None, "the view"),  # whole: request_finished once the view is done, then it is sent
    ("/stream/", b"one two", "the last part sent"),
])
def test_each_request_signal_fires_once_on_the_requests_thread(path, body, finished_after):
    events = []

    def started(**kwargs):
        events.append(("started", threading.get_ident()))

    def finished(**kwargs):
        events.append(("finished", threading.get_ident()))

    def sent(message):
        if message["type"] == "http.response.body" and not message.get("more_body"):
            events.append(("the last part sent", None))

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    try:
        status, answer = asyncio.run(asgi_get(ThreadKeepingASGIHandler(), path, on_send=sent))
    finally:
        signals.request_started.disconnect(started)
        signals.request_finished.disconnect(finished)
    assert status == 200
    if body is not None:
        assert answer == body
    names = [name for name, _thread in events]
    assert names.count("started") == names.count("finished") == 1
    if finished_after == "the view":
        assert names == ["started", "finished", "the last part sent"]
        view_thread = json.loads(answer)["thread"]
        assert {thread for name, thread in events if name != "the last part sent"} == {view_thread}
    else:
        assert names == ["started", "the last part sent", "finished"]
