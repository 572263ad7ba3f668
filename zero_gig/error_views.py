"""Error answers outside the views: under /api/ always the API's JSON error body (a client never has to read an
HTML page), elsewhere Django's pages (the templates in frontend/templates)."""

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, JsonResponse
from django.template.response import SimpleTemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import exceptions, status


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "service_unavailable"
    default_detail = _("The service is briefly unavailable. Nothing was lost: try again in a minute.")


def is_api_path(path: str) -> bool:
    return path.startswith("/api/")


def is_api(request) -> bool:
    return is_api_path(request.path)


def _json(error: exceptions.APIException) -> JsonResponse:
    return JsonResponse({"code": error.default_code, "detail": str(error.detail)}, status=error.status_code,
                        json_dumps_params={"ensure_ascii": False})


TOO_MANY_PARTS = _("Too many fields, query parameters or files in one request: at most %(fields)s fields and "
                   "%(files)s files.")


def bad_request(request, exception):
    if not is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):  # Django's limits on what it parses
        return _json(exceptions.ParseError(TOO_MANY_PARTS % {
            "fields": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS, "files": settings.DATA_UPLOAD_MAX_NUMBER_FILES}))
    return _json(exceptions.ParseError())


def permission_denied(request, exception):
    return _json(exceptions.PermissionDenied()) if is_api(request) else defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    return _json(exceptions.NotFound()) if is_api(request) else defaults.page_not_found(request, exception)


def preview_not_found(request):
    return defaults.page_not_found(request, Http404())


def server_error(request):
    return _json(exceptions.APIException()) if is_api(request) else defaults.server_error(request)


def service_unavailable(request):
    """The database (or another service the answer needs) is out: 503, JSON under /api/, a page elsewhere."""
    if is_api(request):
        return _json(ServiceUnavailable())
    response = SimpleTemplateResponse("503.html", status=503)
    return response.render()
