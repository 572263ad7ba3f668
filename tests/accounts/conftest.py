import datetime as dt
import re

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import sms

CODE = re.compile(r"\b(\d{6})\b")


@pytest.fixture(autouse=True)
def outbox(settings):
    """Texts go to accounts.sms.outbox instead of phones; it starts empty."""
    settings.SMS_BACKEND = "accounts.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """A fast hasher: the rules under test are about counting, not hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Clock:
    """Stands in for django.utils.timezone.now; tests move it forward."""

    def __init__(self, start: dt.datetime):
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture
def api():
    return APIClient()


def last_code(outbox, phone: str | None = None) -> str:
    """The code in the newest text (to `phone` if given)."""
    texts = [m for m in outbox if phone is None or m.phone == phone]
    assert texts, "no text was sent"
    match = CODE.search(texts[-1].text)
    assert match, f"no code in {texts[-1].text!r}"
    return match.group(1)


@pytest.fixture
def texted_code(outbox):
    """texted_code(phone=None): the code in the newest text."""
    return lambda phone=None: last_code(outbox, phone)


@pytest.fixture
def ask_code(api, outbox):
    """Ask for a code over the API; returns the code texted, or None if no code was texted."""

    def ask(phone: str, purpose: str = "signup") -> str | None:
        before = len(outbox)
        response = api.post("/api/auth/sms-code/", {"phone": phone, "purpose": purpose}, format="json")
        assert response.status_code == 202, response.content
        if len(outbox) == before:
            return None
        match = CODE.search(outbox[-1].text)
        return match.group(1) if match else None

    return ask
