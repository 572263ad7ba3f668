"""One exception handler, so that every 4xx of the API has the same body.

    {"code": "invalid", "detail": "Invalid input.", "fields": {"latitude": ["This field is required."]}}

`code` is for programs (`invalid`, `parse_error`, `not_authenticated`, `invalid_token`, `permission_denied`,
`not_found`, `method_not_allowed`, `unsupported_media_type`, `throttled`, or a 409's reason such as
`no_slots`), `detail` is for people (in the request's language). `fields` comes only with `invalid`: each
field, or `non_field_errors`, with its broken rules; an error inside a nested object or list is named by its
path (`trades.0.category`). Waits add `retry_after` (seconds, also in Retry-After).
"""

import math

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from jobs.exceptions import Conflict

from .parsers import UnreadableBody


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _api_exception(exc):
    """The DRF exception that stands for `exc` (Django's own, and the domain's, included)."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            fields = {api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name: messages
                      for name, messages in exc.message_dict.items()}
        else:
            fields = {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
        return exceptions.ValidationError(fields)
    if isinstance(exc, Conflict):
        return ConflictError(exc.message, exc.code)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, exceptions.ParseError) and not isinstance(exc, UnreadableBody):
        # The parser's text quotes Python's JSON decoder, in English.
        return exceptions.ParseError()
    if isinstance(exc, Http404):
        # Django's text ("No Gig matches the given query.") names a class, and is not translated.
        return exceptions.NotFound()
    return exc


def _flatten(detail, path="") -> dict[str, list[str]]:
    """{"trades": [{"category": ["…"]}]} → {"trades.0.category": ["…"]}."""
    if isinstance(detail, dict):
        items = detail.items()
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        items = ((str(index), item) for index, item in enumerate(detail))
    else:
        messages = detail if isinstance(detail, list) else [detail]
        return {path or api_settings.NON_FIELD_ERRORS_KEY: [str(message) for message in messages]}
    fields = {}
    for key, value in items:
        if value:
            fields.update(_flatten(value, f"{path}.{key}" if path else str(key)))
    return fields


def _body(exc) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        if list(fields) == [api_settings.NON_FIELD_ERRORS_KEY]:
            detail = fields[api_settings.NON_FIELD_ERRORS_KEY][0]
        else:
            detail = str(exceptions.ValidationError.default_detail)
        return {"code": "invalid", "detail": detail, "fields": fields}
    if isinstance(exc.detail, dict):  # an answer that carries more than a message (accounts' lockouts)
        body = {key: value for key, value in exc.detail.items()}
        body.setdefault("code", exc.default_code)
        return body
    body = {"code": exc.detail.code if hasattr(exc.detail, "code") else exc.default_code, "detail": str(exc.detail)}
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        body["retry_after"] = max(1, math.ceil(exc.wait))
    return body


def exception_handler(exc, context):
    exc = _api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        response.data = _body(exc)
    return response


# --- The error body in the OpenAPI schema -------------------------------------------------------------------

class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx answer (see the module's docstring)."""

    code = serializers.CharField(help_text=_("What went wrong, for programs: invalid, not_authenticated, "
                                             "permission_denied, not_found, throttled, or a conflict's reason."))
    detail = serializers.CharField(help_text=_("What went wrong, for people, in the request's language."))
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text=_("With code invalid: each field (or non_field_errors) and the rules it breaks."))
    retry_after = serializers.IntegerField(required=False, help_text=_("Seconds to wait (also in Retry-After)."))
    locked_until = serializers.DateTimeField(required=False, help_text=_("An account locked until then."))

    class Meta:
        ref_name = "Error"
        sometimes_absent = ("fields", "retry_after", "locked_until")


ERRORS = {
    400: _("Bad input (code invalid or parse_error): `fields` names each field and the rule it breaks."),
    401: _("Not logged in, or the token is invalid, expired or revoked."),
    403: _("Logged in, but not allowed."),
    404: _("Not found, or not yours to see."),
    405: _("Method not allowed."),
    409: _("Refused by the current state of things (e.g. no slots left, or in_progress: a request with "
          "the same Idempotency-Key is still running); `code` says why."),
    415: _("Unsupported media type: send JSON."),
    422: _("The Idempotency-Key was already used for a different request (code idempotency_key_reused)."),
    429: _("Too many requests; see retry_after and Retry-After."),
}


def error(description) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


def errors(*codes) -> dict:
    """The documented error answers of an operation, all with the one error body."""
    return {code: error(ERRORS[code]) for code in codes}
