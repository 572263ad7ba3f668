"""Error answers outside the views: under /api/ always the API's JSON error body (a client never has to read an
HTML page), elsewhere Django's pages (the templates in frontend/templates)."""

from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions


def _api(request) -> bool:
    return request.path.startswith("/api/")


def _json(error: exceptions.APIException) -> JsonResponse:
    return JsonResponse({"code": error.default_code, "detail": str(error.default_detail)}, status=error.status_code,
                        json_dumps_params={"ensure_ascii": False})


def bad_request(request, exception):
    return _json(exceptions.ParseError()) if _api(request) else defaults.bad_request(request, exception)


def permission_denied(request, exception):
    return _json(exceptions.PermissionDenied()) if _api(request) else defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    return _json(exceptions.NotFound()) if _api(request) else defaults.page_not_found(request, exception)


def preview_not_found(request):
    return defaults.page_not_found(request, Http404())


def server_error(request):
    return _json(exceptions.APIException()) if _api(request) else defaults.server_error(request)
