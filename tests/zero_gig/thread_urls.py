"""Views that tell which thread served them, for tests/zero_gig/test_request_threads.py."""

import threading

from django.db import connection
from django.http import JsonResponse, StreamingHttpResponse
from django.urls import path
from django.utils.translation import get_language

both_arrived = threading.Barrier(2)


def where(request):
    """The thread, whether the thread's database connection was open when the view began, and the language."""
    was_open = connection.connection is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"thread": threading.get_ident(), "connection_was_open": was_open,
                         "language": get_language()})


def meet(request):
    """Returns only once two requests are in it at the same time."""
    both_arrived.wait(timeout=10)
    return JsonResponse({"thread": threading.get_ident()})


async def _parts():
    yield b"one "
    yield b"two"


def stream(request):
    """A body sent in parts (as a file or an export is)."""
    return StreamingHttpResponse(_parts())


urlpatterns = [path("where/", where), path("meet/", meet), path("stream/", stream)]
