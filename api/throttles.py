"""Limits per network address, for what costs money or invites abuse whatever the phone number."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class SmsCodesPerAddress(SimpleRateThrottle):
    """SMS codes asked from one address in an hour (settings.SMS_CODES_PER_ADDRESS_PER_HOUR).

    The per-phone limits (accounts.services.request_sms_code) cannot see a pump that asks one code
    each for thousands of numbers; this can.
    """

    scope = "sms_code"

    def get_rate(self) -> str:
        return f"{settings.SMS_CODES_PER_ADDRESS_PER_HOUR}/hour"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
