"""Under ASGI a request crosses from the event loop into its thread once, as under WSGI: the request_started
signal's receivers, the whole middleware chain with the view, and closing a response that is not streamed, in one
call, and never back to the loop (zero_gig.handler). Django's own handler crossed for the signal, ran the chain in
async mode (into the thread for the chain, back to the loop for its async core, into the thread again for the
view) and crossed again to close the response: 5 crossings and 1 back."""

import asyncio
import json

import pytest
from asgiref import sync

from tests.helpers import asgi_get
from zero_gig.asgi import application


def get(path: str) -> int:
    return asyncio.run(asgi_get(application, path))[0]


def test_a_page_crosses_into_its_thread_once(monkeypatch):
    hops = {"into a thread": 0, "back to the loop": 0}
    into, back = sync.SyncToAsync.__call__, sync.AsyncToSync.__call__

    async def counted_into(self, *args, **kwargs):
        hops["into a thread"] += 1
        return await into(self, *args, **kwargs)

    def counted_back(self, *args, **kwargs):
        hops["back to the loop"] += 1
        return back(self, *args, **kwargs)

    monkeypatch.setattr(sync.SyncToAsync, "__call__", counted_into)
    monkeypatch.setattr(sync.AsyncToSync, "__call__", counted_back)
    assert get("/offline/") == 200
    assert hops == {"into a thread": 1, "back to the loop": 0}


@pytest.mark.django_db(transaction=True)
def test_an_async_view_answers_through_the_synchronous_chain():
    status, body = asyncio.run(asgi_get(application, "/healthz"))
    assert status == 200 and json.loads(body)["status"] == "ok"
