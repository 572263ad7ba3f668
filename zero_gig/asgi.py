"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import gc
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zero_gig.settings")
django.setup(set_prefix=False)  # what django.core.asgi.get_asgi_application does before making Django's handler

from .handler import ThreadKeepingASGIHandler  # noqa: E402

django_asgi_app = ThreadKeepingASGIHandler()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from accounts.sms import backend_path  # noqa: E402
from notifications.auth import OriginCheckedStack  # noqa: E402

from .body_limit import BodyLimit  # noqa: E402
from .routing import websocket_urlpatterns  # noqa: E402

# A production without an SMS gateway refuses to start (ImproperlyConfigured) rather than take sign-ups it cannot
# text a code to; `manage.py check` says the same (accounts.E001).
backend_path()

application = ProtocolTypeRouter(
    {
        "http": BodyLimit(django_asgi_app),
        "websocket": OriginCheckedStack(URLRouter(websocket_urlpatterns)),
    }
)

# Load the URL configuration, and with it every view, now; then keep all that is loaded out of the garbage
# collector's walks: it lives as long as the process, and a full collection stops the event loop and every
# socket on it (~90 ms per collection at 1,000 sockets before; docs/benchmarks.md, issue 4).
get_resolver().url_patterns  # noqa: B018
gc.freeze()

# Collect the young generation every 100,000 new objects instead of 700. With thousands of sockets open, a busy
# moment holds many short-lived objects (requests, frames, pushes); at the default, every 700 allocations moved
# those still alive into the older generations, and their growth set off full collections that walk every
# socket's objects: two of up to 318 ms while gigs were posted at 5,000 sockets on two processes (offer p99
# 414 ms). With these thresholds the same run had none (p99 77 ms) and one process held 16,000 sockets with
# pauses of at most 126 ms (docs/benchmarks.md, issue 4). The price: unreachable cycles wait longer to be freed
# (a full collection is considered after 100 × 50 young collections, and CPython still runs it only once the
# survivors since the last one are a quarter of the old generation).
ASGI_GC_THRESHOLDS = (100_000, 50, 100)
gc.set_threshold(*ASGI_GC_THRESHOLDS)
