"""Reads about accounts: tokens, lockouts, and the profile that goes with a user."""

import hashlib
from datetime import datetime

from django.utils import timezone

from jobs.models import Employer
from workers.models import WorkerProfile

from .models import ApiToken, AuthThrottle, User

# A key is 43 characters (token_urlsafe(32)); anything much longer is not one of ours.
MAX_KEY_LENGTH = 128


def hash_token_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_for_key(key: str) -> ApiToken | None:
    """The token with this key, active or not (the caller decides what an expired one means)."""
    if not key or not isinstance(key, str) or len(key) > MAX_KEY_LENGTH:
        return None
    return ApiToken.objects.select_related("user").filter(key_hash=hash_token_key(key)).first()


def user_for_token(key: str, now: datetime | None = None) -> User | None:
    """The active user a live (unexpired, unrevoked) token belongs to, else None.

    For authenticating anything that carries a bearer key, e.g. a WebSocket handshake.
    """
    token = token_for_key(key)
    if token is None or not token.is_active(now or timezone.now()) or not token.user.is_active:
        return None
    return token.user


def locked_until(phone: str, now: datetime | None = None) -> datetime | None:
    """When a locked phone unlocks, or None if it is not locked."""
    throttle = AuthThrottle.objects.filter(phone=phone).first()
    if throttle is None or not throttle.is_locked(now or timezone.now()):
        return None
    return throttle.locked_until


def worker_profile_for(user) -> WorkerProfile | None:
    """The worker profile of a user, with its trades, or None."""
    return WorkerProfile.objects.filter(user=user).prefetch_related("worker_trades__category").first()


def employer_for(user) -> Employer | None:
    """The employer a user owns, or None."""
    return Employer.objects.filter(owner=user).first()
