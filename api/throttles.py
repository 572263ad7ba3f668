"""Limits per network address, for what costs money or invites abuse whatever the phone number.

The per-phone rules (accounts.services: one SMS code a minute, a lockout after failed logins)
cannot see one address working through thousands of numbers; these can. They count in the cache
(Redis in production, so across processes) and answer 429 with Retry-After.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.throttling import SimpleRateThrottle


class PerAddressLimit(SimpleRateThrottle):
    """At most settings.<setting> requests an hour from one address (REMOTE_ADDR, see NUM_PROXIES)."""

    setting = ""
    message = ""  # with %(minutes)s

    def get_rate(self) -> str:
        return f"{getattr(settings, self.setting)}/hour"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SmsCodesPerAddress(PerAddressLimit):
    """SMS pumping: one address asking a code for each of many numbers."""

    scope, setting = "sms_code", "SMS_CODES_PER_ADDRESS_PER_HOUR"
    message = _("Too many codes were asked for from this network. Try again in %(minutes)s minutes.")


class LoginsPerAddress(PerAddressLimit):
    """Credential stuffing: one address trying passwords on many numbers, each below its lockout."""

    scope, setting = "login", "LOGINS_PER_ADDRESS_PER_HOUR"
    message = _("Too many sign-in attempts from this network. Try again in %(minutes)s minutes.")
