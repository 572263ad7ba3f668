"""The project's URLs plus /bench/plain: a constant JSON answer, the framework's ceiling on this server."""

from django.http import JsonResponse
from django.urls import path

from zero_gig.urls import urlpatterns as project_urlpatterns

PLAIN = {"status": "ok", "service": "zero-gig", "bench": True}


def plain_json(request):
    """No database, no DRF: what the same middleware stack and server manage with nothing to do."""
    return JsonResponse(PLAIN)


urlpatterns = [path("bench/plain", plain_json, name="bench-plain"), *project_urlpatterns]
