"""DRF authentication by expiring API tokens: `Authorization: Bearer <key>` (or `Token <key>`)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from . import selectors, services

KEYWORDS = (b"bearer", b"token")
CHALLENGE = 'Bearer realm="api"'


class InvalidToken(exceptions.APIException):
    """401 with a Bearer challenge whatever authentication class comes first.

    DRF turns AuthenticationFailed into 403 when the first class (SessionAuthentication here)
    has no WWW-Authenticate header; a bad token is a 401 all the same.
    """

    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = _("Invalid token.")
    default_code = "invalid_token"
    auth_header = CHALLENGE


class ExpiringTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise InvalidToken(_("Invalid authorization header: give one token after the word Bearer."))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise InvalidToken(_("Invalid token.")) from None
        token = selectors.token_for_key(key)
        now = timezone.now()
        if token is None:
            raise InvalidToken(_("Invalid token."))
        if token.revoked_at is not None:
            raise InvalidToken(_("This token has been revoked; log in again."), code="token_revoked")
        if token.expires_at <= now:
            raise InvalidToken(_("This token has expired; log in again."), code="token_expired")
        if not token.user.is_active:
            raise InvalidToken(_("This account is disabled."), code="user_inactive")
        services.touch_api_token(token, now)
        return token.user, token

    def authenticate_header(self, request):
        return CHALLENGE


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ExpiringTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "API token from /api/auth/login/ or /api/auth/signup/ (`Token <key>` also works)."}
