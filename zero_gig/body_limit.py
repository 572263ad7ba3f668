"""Refuse a request body above REQUEST_BODY_MAX_BYTES before any of it is kept.

Django's ASGI handler reads the whole body before a view runs, spooling it to a temporary file above
FILE_UPLOAD_MAX_MEMORY_SIZE, and DATA_UPLOAD_MAX_MEMORY_SIZE is checked only when a view reads it: a 200 MB
upload was written to disk first. This wrapper answers 413 at once when the declared Content-Length is too big,
and stops a body sent without one (chunked) as soon as it passes the limit, telling Django the client left.
The answer is the API's JSON error under /api/ and a page elsewhere (error_views.is_api), drawn before Django has
a request: in the site's language, with the other language below, as every error page.
"""

import json

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from .error_views import is_api_path


def _too_large(path: str) -> tuple[bytes, bytes]:
    """The body and its content type."""
    mb = round(settings.REQUEST_BODY_MAX_BYTES / 1024 / 1024, 1)
    with translation.override(settings.LANGUAGE_CODE):
        if not is_api_path(path):
            return render_to_string("413.html", {"mb": mb}).encode(), b"text/html; charset=utf-8"
        detail = gettext("The request is too large: at most %(mb)s MB.") % {"mb": mb}
    return json.dumps({"code": "too_large", "detail": detail}, ensure_ascii=False).encode(), b"application/json"


class BodyLimit:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = settings.REQUEST_BODY_MAX_BYTES
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await self._refuse(scope, send)
        received = 0
        refused = False

        async def limited_receive():
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    await self._refuse(scope, send)
                    return {"type": "http.disconnect"}  # Django drops the request without answering
            return message

        await self.app(scope, limited_receive, send)

    @staticmethod
    async def _refuse(scope, send):
        body, content_type = _too_large(scope["path"])
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
