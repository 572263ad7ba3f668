"""Pages: a NUL character anywhere in a query string or a posted form is refused with 400 before a view reads it.

No browser sends one from a form and no text column takes one (PostgreSQL refuses it, a 500), yet some views read
values straight from request.GET and request.POST (a search box, a reason, a code typed at the site): one check here
rather than one at each read. The API refuses NUL by field (DRF's CharField) and in JSON bodies (api.parsers).
"""

from django.core.exceptions import BadRequest

from .error_views import is_api


def _has_nul(values) -> bool:
    return any("\x00" in key or any("\x00" in value for value in listed) for key, listed in values.lists())


class RefuseNulInPages:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api(request) and (
                _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST))):
            raise BadRequest("a NUL character in the request's input")  # answered by error_views.bad_request
        return self.get_response(request)
