"""Resident ID numbers (居民身份证号, GB 11643-1999): normalise, validate, hash, mask — never store in clear.

What the database keeps of a number, and why (nothing else of it is stored anywhere):
- a keyed hash (HMAC-SHA256 with ID_NUMBER_HASH_KEY), to find the same number registered twice; without
  the key it cannot be checked against a guess;
- the first two characters (the province) and the last one (the check character), so that a worker and
  the staff at a desk can tell which card was given;
- the birth year, for age bands. The minimum working age is checked at entry, on the full birth date,
  which is then dropped.
The region, the full birth date and the last four, which the mask and birth date used to keep, were the
whole number. Now even someone who knows a worker's district (from their home) and birth year is left with
365 days × 1,000 sequence numbers ÷ 11 check characters ≈ 33,000 numbers that fit, and no way to tell
which is right without the key; knowing only the province, millions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.identifiers import PROVINCE_CODES, ascii_form

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)
MINIMUM_WORKING_AGE = 16
MASK_KEEPS_FIRST = 2
MASK_KEEPS_LAST = 1
FORMAT = _("An ID number is 17 digits followed by a digit or X.")


def mask_id_number(number: str) -> str:
    """61***************X: the province and the check character."""
    hidden = len(number) - MASK_KEEPS_FIRST - MASK_KEEPS_LAST
    return f"{number[:MASK_KEEPS_FIRST]}{'*' * hidden}{number[-MASK_KEEPS_LAST:]}"


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: dt.date
    is_male: bool

    @property
    def masked(self) -> str:
        return mask_id_number(self.number)

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
    """Parse and validate an 18-character resident ID number as people type it, or raise ValidationError."""
    number = ascii_form(raw)
    if not number.isascii():
        raise ValidationError(FORMAT, code="id_format")
    number = number.upper()
    if len(number) != 18:
        raise ValidationError(_("An ID number has 18 characters."), code="id_length")
    if not _SHAPE.fullmatch(number):
        raise ValidationError(FORMAT, code="id_format")
    # A foreigner's permanent residence ID (2023) is 9 and then the province; a resident's starts with it.
    if (number[1:3] if number[0] == "9" else number[:2]) not in PROVINCE_CODES:
        raise ValidationError(_("The first digits of the ID number are not a province of China (GB/T 2260)."),
                              code="id_region")
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
