"""WebSocket authentication: the session cookie (web) or `Authorization: Bearer <token>` (API clients)."""

from importlib import import_module
from types import SimpleNamespace
from urllib.parse import urlparse

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.security.websocket import OriginValidator
from django.conf import settings
from django.contrib.auth import get_user

from accounts.selectors import user_for_token


def _bearer_token(scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, key = value.decode("latin-1").partition(" ")
            if scheme.lower() in ("bearer", "token") and key.strip():
                return key.strip()
    return None


class TokenAuthMiddleware(BaseMiddleware):
    """Runs after the session middleware; a valid API token overrides an anonymous session."""

    async def __call__(self, scope, receive, send):
        user = scope.get("user")
        key = _bearer_token(scope)
        if key and (user is None or not user.is_authenticated):
            token_user = await database_sync_to_async(user_for_token)(key)
            if token_user is not None:
                scope["user"] = token_user
        return await super().__call__(scope, receive, send)


def current_user(scope):
    """Who the handshake's credentials name now, read afresh: None once the session has ended (logout,
    password change), the token was revoked or expired, or the user was deactivated."""
    session = scope.get("session")
    if session is not None and session.session_key:
        store = import_module(settings.SESSION_ENGINE).SessionStore(session.session_key)
        user = get_user(SimpleNamespace(session=store))
        if user.is_authenticated:
            return user
    key = _bearer_token(scope)
    return user_for_token(key) if key else None


def SessionOrTokenAuthStack(inner):  # noqa: N802 (named like Channels' AuthMiddlewareStack)
    return AuthMiddlewareStack(TokenAuthMiddleware(inner))


class BrowserOriginValidator(OriginValidator):
    """Refuse a browser page from another site (its Origin is not ours: cross-site socket hijacking);
    API clients send no Origin and authenticate with a token, so a missing Origin is allowed."""

    async def __call__(self, scope, receive, send):
        if self.valid_origin(_origin(scope)):
            return await self.application(scope, receive, send)
        from .consumers import CLOSE_FORBIDDEN, Refused  # the consumers import this module

        return await Refused.as_asgi(code=CLOSE_FORBIDDEN)(scope, receive, send)

    def valid_origin(self, parsed_origin):
        return parsed_origin is None or super().valid_origin(parsed_origin)


def _origin(scope):
    for name, value in scope.get("headers", []):
        if name == b"origin":
            try:
                return urlparse(value.decode("latin-1"))
            except ValueError:
                return urlparse("")
    return None


def OriginCheckedStack(inner):  # noqa: N802
    hosts = settings.ALLOWED_HOSTS or (["localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else [])
    return BrowserOriginValidator(SessionOrTokenAuthStack(inner), hosts)
