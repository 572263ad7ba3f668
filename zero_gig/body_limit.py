"""Refuse a request body above REQUEST_BODY_MAX_BYTES before any of it is kept.

Django's ASGI handler reads the whole body before a view runs, spooling it to a temporary file above
FILE_UPLOAD_MAX_MEMORY_SIZE, and DATA_UPLOAD_MAX_MEMORY_SIZE is checked only when a view reads it: a 200 MB
upload was written to disk first. This wrapper answers 413 at once when the declared Content-Length is too big,
and stops a body sent without one (chunked) as soon as it passes the limit, telling Django the client left.
"""

import json

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext


def _too_large_body() -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        detail = gettext("The request is too large: at most %(mb)s MB.") % {
            "mb": round(settings.REQUEST_BODY_MAX_BYTES / 1024 / 1024, 1)}
    return json.dumps({"code": "too_large", "detail": detail}, ensure_ascii=False).encode()


class BodyLimit:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = settings.REQUEST_BODY_MAX_BYTES
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await self._refuse(send)
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
                    await self._refuse(send)
                    return {"type": "http.disconnect"}  # Django drops the request without answering
            return message

        await self.app(scope, limited_receive, send)

    @staticmethod
    async def _refuse(send):
        body = _too_large_body()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
