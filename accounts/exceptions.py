"""What the account services raise besides field errors (django ValidationError).

They carry what a client needs to wait and retry; the API turns them into 429 and 403.
"""

import math
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SmsRateLimited(Exception):
    """Too many codes for this phone: one a minute, a few a day."""

    def __init__(self, message, retry_after_seconds: float):
        super().__init__(str(message))
        self.message = message
        self.retry_after = max(1, math.ceil(retry_after_seconds))


class AccountLocked(Exception):
    """Too many failed logins for this phone; it unlocks by itself at `locked_until`."""

    def __init__(self, locked_until: datetime, now: datetime):
        self.locked_until = locked_until
        self.retry_after = max(1, math.ceil((locked_until - now).total_seconds()))
        self.message = _(
            "Too many failed logins: this account is locked until %(time)s. Try again then, "
            "or reset your password with a text-message code."
        ) % {"time": timezone.localtime(locked_until).strftime("%Y-%m-%d %H:%M")}
        super().__init__(str(self.message))
