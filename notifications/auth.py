"""WebSocket authentication: the session cookie (web) or `Authorization: Bearer <token>` (API clients)."""

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.security.websocket import OriginValidator
from django.conf import settings

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


def SessionOrTokenAuthStack(inner):  # noqa: N802 (named like Channels' AuthMiddlewareStack)
    return AuthMiddlewareStack(TokenAuthMiddleware(inner))


class BrowserOriginValidator(OriginValidator):
    """Refuse a browser page from another site (its Origin is not ours: cross-site socket hijacking);
    API clients send no Origin and authenticate with a token, so a missing Origin is allowed."""

    def valid_origin(self, parsed_origin):
        return parsed_origin is None or super().valid_origin(parsed_origin)


def OriginCheckedStack(inner):  # noqa: N802
    hosts = settings.ALLOWED_HOSTS or (["localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else [])
    return BrowserOriginValidator(SessionOrTokenAuthStack(inner), hosts)
