"""Adding the missing slash to an address without losing what was sent.

Django's CommonMiddleware answers an address that lacks its final slash with a 301, which a client follows with a
GET and no body (a POST to /api/gigs lost its gig), and under DEBUG with a 500. Here a request that is not a page's
GET is sent on with 308, which keeps the method and the body, and under /api/ the answer carries the API's JSON
error body like every other (error_views).
"""

import json

from django.http import HttpResponsePermanentRedirect
from django.middleware.common import CommonMiddleware
from django.utils.http import escape_leading_slashes
from django.utils.translation import gettext

from .error_views import is_api


class SlashKeepingCommonMiddleware(CommonMiddleware):
    def process_response(self, request, response):
        api = is_api(request)
        keeps_django_redirect = request.method in ("GET", "HEAD") and not api
        if response.status_code != 404 or keeps_django_redirect or not self.should_redirect_with_slash(request):
            return super().process_response(request, response)
        location = escape_leading_slashes(request.get_full_path(force_append_slash=True))
        if not api:
            return HttpResponsePermanentRedirect(location, preserve_request=True)
        body = {"code": "moved", "detail": gettext("This address ends with a slash: %(location)s") % {
            "location": location}}
        return HttpResponsePermanentRedirect(location, preserve_request=True, content_type="application/json",
                                             content=json.dumps(body, ensure_ascii=False))
