"""Resident ID numbers (居民身份证号, GB 11643-1999): validate, hash, mask — never store in clear."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
MINIMUM_WORKING_AGE = 16


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: dt.date
    is_male: bool

    @property
    def masked(self) -> str:
        """610202********123X: the region and the last four, as Chinese forms print it."""
        return f"{self.number[:6]}{'*' * 8}{self.number[-4:]}"

    @property
    def keyed_hash(self) -> str:
        """A keyed hash to find duplicates without keeping the number."""
        key = settings.ID_NUMBER_HASH_KEY.encode()
        return hmac.new(key, self.number.encode(), hashlib.sha256).hexdigest()

    def age_on(self, day: dt.date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday


def check_char(first17: str) -> str:
    return _CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def parse_id_number(raw: str, today: dt.date | None = None) -> ResidentId:
    """Parse and validate an 18-character resident ID number, or raise ValidationError."""
    number = (raw or "").strip().upper()
    if len(number) != 18:
        raise ValidationError(_("An ID number has 18 characters."), code="id_length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("An ID number is 17 digits followed by a digit or X."), code="id_format")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("The birth date in the ID number is not a real date."), code="id_birth_date") from None
    today = today or timezone.localdate()
    if birth > today or birth.year < 1900:
        raise ValidationError(_("The birth date in the ID number is impossible."), code="id_birth_date")
    if check_char(number[:17]) != number[17]:
        raise ValidationError(_("The ID number's check character is wrong (GB 11643)."), code="id_checksum")
    return ResidentId(number=number, birth_date=birth, is_male=int(number[16]) % 2 == 1)


def parse_working_age_id(raw: str, today: dt.date | None = None) -> ResidentId:
    """As parse_id_number, and refuse anyone under the minimum working age."""
    today = today or timezone.localdate()
    resident = parse_id_number(raw, today)
    if resident.age_on(today) < MINIMUM_WORKING_AGE:
        raise ValidationError(
            _("Workers must be at least %(age)s years old.") % {"age": MINIMUM_WORKING_AGE}, code="under_age",
        )
    return resident
