"""Under ASGI a request crosses between the event loop and a worker thread as few times as Django allows: its own
fixed crossings (the request signals' receivers, the whole middleware chain at once, the view, closing the response)
and one back to the loop for Django's async core. An async-capable middleware innermost would make Django's
MiddlewareMixin classes inside the first sync-only one hop for their process_request and process_response too
(8 crossings instead of 5 with the middleware of 2026-11; settings.MIDDLEWARE says why PrivacyHeaders closes the
list)."""

import asyncio

from asgiref import sync
from django.conf import settings
from django.utils.module_loading import import_string

from tests.helpers import asgi_get
from zero_gig.asgi import application


def get(path: str) -> int:
    return asyncio.run(asgi_get(application, path))[0]


def test_a_page_crosses_only_djangos_fixed_hops(monkeypatch):
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
    assert hops == {"into a thread": 5, "back to the loop": 1}


def test_the_innermost_middleware_is_synchronous_only():
    innermost = import_string(settings.MIDDLEWARE[-1])
    assert getattr(innermost, "sync_capable", True) and not getattr(innermost, "async_capable", False)

