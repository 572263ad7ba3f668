"""`Idempotency-Key` on the POSTs that create things, so that a client retrying after a lost answer does not
post a second gig (and send a second wave of offers), take a second slot or record pay twice.

    POST /api/gigs/   Idempotency-Key: 3f6c1e0a-…      → 201, the gig (runs once)
    POST /api/gigs/   Idempotency-Key: 3f6c1e0a-…      → 201, the same body, `Idempotent-Replayed: true`

The key is the client's (a UUID is best): visible ASCII, 1–255 characters, else 400 naming the header. It is
per user: two users' equal keys are unrelated. A retry with the same key and the same method, path and body gets
the first answer again without the service running; with anything else it is 422 `idempotency_key_reused`;
while the first request still runs it is 409 `in_progress` (retry in a moment). Only a success (2xx) is kept:
a refusal changed nothing, so a retry with the same key runs again. Keys are kept 24 hours. Without the header
a request runs as always.

A view method opts in with `@idempotent` (under `@action` / `@extend_schema`); the OpenAPI schema then lists the
header and the 409 and 422 answers (api.schema).
"""

from __future__ import annotations

import functools
import hashlib
import json

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.response import Response

from idempotency import services
from idempotency.services import Outcome

from .exceptions import ConflictError
from .renderers import JSONRenderer

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_LENGTH = 255
PATTERN = r"^[!-~]{1,255}$"  # visible ASCII, no spaces
FINGERPRINT_SALT = "zero_gig.idempotency.fingerprint"


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = _("This Idempotency-Key was already used for a different request: "
                       "send a new key with a new request.")


PARAMETER = OpenApiParameter(
    name=HEADER, location=OpenApiParameter.HEADER, required=False,
    type={"type": "string", "minLength": 1, "maxLength": MAX_LENGTH, "pattern": PATTERN},
    description=_("A key of your choosing (a UUID is best; visible ASCII, 1–255 characters) that makes a retry "
                  "safe: a second request with the same key and body within 24 hours gets the first answer "
                  "again, with `Idempotent-Replayed: true`, instead of doing it twice. The same key with another "
                  "body is 422 (idempotency_key_reused); while the first request still runs, 409 (in_progress). "
                  "Keys are per user."),
)


def _valid_key(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_LENGTH or not all("!" <= char <= "~" for char in key):
        raise exceptions.ValidationError({HEADER: [_(
            "The Idempotency-Key header must be 1 to 255 visible ASCII characters (letters, digits, "
            "punctuation; no spaces), e.g. a UUID.")]})
    return key


def _canonical(value):
    """The request body as plain data: files by name, size and content hash, so that a retried upload with a new
    multipart boundary is still the same request."""
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "size": value.size, "sha256": digest.hexdigest()}
    if hasattr(value, "lists"):  # a QueryDict (form or multipart): every value of every field
        return {name: [_canonical(item) for item in items] for name, items in value.lists()}
    if isinstance(value, dict):
        return {str(name): _canonical(item) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    return value


def fingerprint(request) -> str:
    """A keyed hash (HMAC-SHA256 under SECRET_KEY) of the method, path and (parsed) body: key order and spacing
    of the JSON do not matter. Keyed, because a body may hold an ID number or a phone number: a plain hash of a
    walk-in's registration gives the ID number back from ~10⁶ guesses (the district, birth year and check
    character are known), and the table must not be where ID numbers are rebuilt."""
    body = json.dumps(_canonical(request.data), sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)
    return salted_hmac(FINGERPRINT_SALT, "\n".join((request.method, request.path, body)),
                       algorithm="sha256").hexdigest()


def _replay(record) -> Response:
    return Response(record.body, status=record.status_code, headers={REPLAYED_HEADER: "true"})


def idempotent(handler):
    """Honour an `Idempotency-Key` on this view method (see the module's docstring)."""

    @functools.wraps(handler)
    def run(view, request, *args, **kwargs):
        key = _valid_key(request)
        if key is None or not request.user.is_authenticated:
            return handler(view, request, *args, **kwargs)
        claim = services.claim(request.user, key, method=request.method, path=request.path,
                               fingerprint=fingerprint(request), now=timezone.now())
        if claim.outcome is Outcome.REPLAY:
            return _replay(claim.record)
        if claim.outcome is Outcome.MISMATCH:
            raise IdempotencyKeyReused()
        if claim.outcome is Outcome.IN_PROGRESS:
            raise ConflictError(_("A request with this Idempotency-Key is still being handled: retry in a "
                                  "moment to get its answer."), "in_progress")
        try:
            response = handler(view, request, *args, **kwargs)
        except BaseException:
            services.release(claim.record)
            raise
        if not status.is_success(response.status_code):
            services.release(claim.record)
            return response
        body = None if response.data is None else json.loads(JSONRenderer().render(response.data))
        services.finish(claim.record, status_code=response.status_code, body=body)
        return response

    run.idempotent = True
    return run


def is_idempotent(handler) -> bool:
    return bool(getattr(handler, "idempotent", False))
