"""Limits per network address, for what costs money or invites abuse whatever the phone number.

The per-phone rules (accounts.services: one SMS code a minute, a lockout after failed logins)
cannot see one address working through thousands of numbers; these can. They count in the cache
(Redis in production, so across processes) and answer 429 with Retry-After.

Counting is one atomic increment per request (cache.add then cache.incr: Redis SET NX and INCRBY), so a burst
of simultaneous requests cannot all read the same count and all pass, as they did with DRF's
SimpleRateThrottle (it reads a list of timestamps, appends and writes it back: 400 simultaneous logins let
170-200 through a limit of 120). The hour slides: the count of the previous clock hour weighs in for the part of
it still inside the last sixty minutes (the "sliding window counter" of rate limiters).

When the cache cannot be reached (Redis stopped or unreachable), the limits count in the database instead
(accounts.AddressCount, one atomic INSERT … ON CONFLICT DO UPDATE per request): they hold, slower, rather than
letting every request through or answering 500.
"""

import datetime as dt
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from rest_framework.throttling import BaseThrottle

from accounts import services as account_services

log = logging.getLogger(__name__)
HOUR = 3600


def _count(counts, key: str) -> int:
    """Add one to a counter that lives two hours, atomically; the new count."""
    counts.add(key, 0, timeout=2 * HOUR)
    try:
        return counts.incr(key)
    except ValueError:  # expired between the two calls
        counts.add(key, 1, timeout=2 * HOUR)
        return 1


class PerAddressLimit(BaseThrottle):
    """At most settings.<setting> requests in any hour from one address (REMOTE_ADDR, see NUM_PROXIES)."""

    cache = cache
    scope = ""
    setting = ""
    message = ""  # with %(minutes)s

    def allow_request(self, request, view) -> bool:
        limit = getattr(settings, self.setting)
        now = time.time()
        hour, into = divmod(now, HOUR)
        key = f"throttle:{self.scope}:{self.get_ident(request)}:%d"
        try:
            current = _count(self.cache, key % hour)
            previous = self.cache.get(key % (hour - 1), 0)
        except Exception as error:  # the cache is out (a Redis ConnectionError, a timeout): count in the database
            log.warning("cache unavailable (%s); counting %s in the database", type(error).__name__, self.scope)
            expires = dt.datetime.fromtimestamp((hour + 2) * HOUR, tz=dt.UTC)
            current, previous = account_services.count_address_request(key % hour, key % (hour - 1), expires)
        carried = previous * (1 - into / HOUR)
        if carried + current <= limit:
            return True
        if previous and current < limit:  # until enough of the previous hour's share has faded for one more
            wait = HOUR * (1 - (limit - current - 1) / previous) - into
        else:  # this hour is full: its end, then until enough of its share fades in the next
            wait = HOUR - into + HOUR * (1 - (limit - 1) / current)
        self._wait = max(1.0, wait)
        return False

    def wait(self) -> float:
        return getattr(self, "_wait", None)


class SmsCodesPerAddress(PerAddressLimit):
    """SMS pumping: one address asking a code for each of many numbers."""

    scope, setting = "sms_code", "SMS_CODES_PER_ADDRESS_PER_HOUR"
    message = _("Too many codes were asked for from this network. Try again in %(minutes)s minutes.")


class LoginsPerAddress(PerAddressLimit):
    """Credential stuffing: one address trying passwords on many numbers, each below its lockout."""

    scope, setting = "login", "LOGINS_PER_ADDRESS_PER_HOUR"
    message = _("Too many sign-in attempts from this network. Try again in %(minutes)s minutes.")
