"""Text messages, sent through a pluggable backend chosen by the SMS_BACKEND setting.

Like Django's email backends: `ConsoleBackend` (the development default) writes each message to the log,
`LocmemBackend` keeps them in `outbox` for tests, and a real gateway is one more class with a
`send(phone, text)` method.

With DEBUG off there is no default: SMS_BACKEND must name the gateway (or name the console backend on
purpose), otherwise `manage.py check` fails (accounts.checks) and every send raises ImproperlyConfigured.
Even then the console backend masks the digits of codes, so that no code reaches the logs.

`deliver()` sends off the request path: after the transaction commits, on a small pool of threads that
retries a failing gateway with back-off and logs what it could not send. The caller's answer therefore
takes the same time whether a text goes out or not, and a gateway failure is never told to the asker.
Texts still queued when the process dies are lost; the person asks again after the minute's interval.
SMS_SEND_INLINE (tests) sends at once in the caller's thread instead, with the same retries and logging.
"""

import logging
import re
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .phones import mask_phone

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "accounts.sms.ConsoleBackend"
NOT_CONFIGURED = ("SMS_BACKEND is not set and DEBUG is off: set it to the dotted path of the SMS gateway's "
                  "backend (or to accounts.sms.ConsoleBackend on purpose, which only logs texts, codes masked).")
RETRY_DELAYS = (1, 5, 30)  # seconds before the 2nd, 3rd and 4th try of a text the gateway refused
DIGIT_RUNS = re.compile(r"[0-9]{4,}")


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
    """For development: the message goes to the log instead of a phone, its code only when DEBUG is on."""

    def send(self, phone: str, text: str) -> None:
        if settings.DEBUG:
            logger.info("SMS to %s: %s", phone, text)
        else:
            logger.info("SMS to %s: %s", mask_phone(phone), _masked(text))


# Messages sent through LocmemBackend, oldest first. Tests clear it.
outbox: list[SmsMessage] = []
_outbox_lock = threading.Lock()


class LocmemBackend(BaseSmsBackend):
    """For tests: messages are appended to `accounts.sms.outbox`."""

    def send(self, phone: str, text: str) -> None:
        with _outbox_lock:
            outbox.append(SmsMessage(phone=phone, text=str(text)))


def backend_path() -> str:
    """The configured backend's dotted path; raise ImproperlyConfigured when DEBUG is off and none is set."""
    path = getattr(settings, "SMS_BACKEND", None)
    if path:
        return path
    if settings.DEBUG:
        return DEFAULT_BACKEND
    raise ImproperlyConfigured(NOT_CONFIGURED)


def get_backend(path: str | None = None) -> BaseSmsBackend:
    return import_string(path or backend_path())()


def send_sms(phone: str, text: str) -> None:
    """Send `text` to `phone` through the configured backend, now; raise what the backend raises."""
    get_backend().send(phone, str(text))


# --- Off the request path -----------------------------------------------------------------------
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_pending: set[Future] = set()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sms")
        return _pool


def _masked(text: object) -> str:
    """`text` with codes (4 to 8 digits) starred out and phone numbers masked like 138****5678."""
    return DIGIT_RUNS.sub(lambda m: "*" * len(m[0]) if len(m[0]) <= 8 else mask_phone(m[0]), str(text))


def _send_with_retries(phone: str, text: str, delays=RETRY_DELAYS) -> bool:
    """Try the gateway, then again after each delay; log each failure (phone masked). True once sent.

    The log names the error with its digits masked and without a traceback: a gateway's error could quote the
    text it was given, code included.
    """
    for attempt, delay in enumerate((*delays, None), start=1):
        try:
            send_sms(phone, text)
            return True
        except ImproperlyConfigured as error:
            logger.error("SMS to %s not sent: %s", mask_phone(phone), error)
            return False
        except Exception as error:
            reason = f"{type(error).__name__}: {_masked(error)}"
            if delay is None:
                logger.error("SMS to %s failed %d times; given up (%s)", mask_phone(phone), attempt, reason)
                return False
            logger.warning("SMS to %s failed (try %d; %s); retrying in %ss", mask_phone(phone), attempt, reason, delay)
            time.sleep(delay)
    return False  # pragma: no cover - the loop always returns


def _submit(phone: str, text: str) -> None:
    future = _executor().submit(_send_with_retries, phone, text)
    with _pool_lock:
        _pending.add(future)
    future.add_done_callback(_forget)


def _forget(future: Future) -> None:
    with _pool_lock:
        _pending.discard(future)


def deliver(phone: str, text: str) -> None:
    """Send `text` to `phone` once the current transaction commits, without waiting for the gateway."""
    text = str(text)  # translated now, in the asker's language
    if getattr(settings, "SMS_SEND_INLINE", False):
        _send_with_retries(phone, text, delays=())
        return
    transaction.on_commit(lambda: _submit(phone, text), robust=True)


def wait_for_pending(timeout: float = 10) -> None:
    """Block until every queued text has been tried (tests, and an orderly shutdown)."""
    deadline = time.monotonic() + timeout
    while True:
        with _pool_lock:
            futures = list(_pending)
        if not futures:
            return
        futures[0].result(timeout=max(0.0, deadline - time.monotonic()))
