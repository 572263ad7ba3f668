"""Text messages, sent through a pluggable backend chosen by the SMS_BACKEND setting.

Like Django's email backends: `ConsoleBackend` (the default) writes each message to the log,
`LocmemBackend` keeps them in `outbox` for tests, and a real gateway is one more class with a
`send(phone, text)` method.
"""

import logging
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "accounts.sms.ConsoleBackend"


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str
    sent_at: object = field(default_factory=timezone.now)


class BaseSmsBackend:
    """Send one text to one 11-digit mainland number; raise on failure."""

    def send(self, phone: str, text: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleBackend(BaseSmsBackend):
    """For development: the message (code included) goes to the log instead of a phone."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


# Messages sent through LocmemBackend, oldest first. Tests clear it.
outbox: list[SmsMessage] = []
_outbox_lock = threading.Lock()


class LocmemBackend(BaseSmsBackend):
    """For tests: messages are appended to `accounts.sms.outbox`."""

    def send(self, phone: str, text: str) -> None:
        with _outbox_lock:
            outbox.append(SmsMessage(phone=phone, text=str(text)))


def get_backend(path: str | None = None) -> BaseSmsBackend:
    return import_string(path or getattr(settings, "SMS_BACKEND", DEFAULT_BACKEND))()


def send_sms(phone: str, text: str) -> None:
    """Send `text` to `phone` through the configured backend."""
    get_backend().send(phone, str(text))
