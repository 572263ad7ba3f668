"""Mainland China mobile numbers: validation, normalisation and masking."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s\-()]")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_phone(raw: str) -> str:
    """Return the 11-digit form of a mainland mobile number or raise ValidationError.

    Accepts spaces, dashes and a +86 / 0086 / 86 country prefix, as people type them.
    """
    if not isinstance(raw, str):
        raise ValidationError(_("Enter a mainland China mobile number."), code="invalid_phone")
    digits = _SEPARATORS.sub("", raw.strip())
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix):]
            break
    if not _MOBILE.match(digits):
        raise ValidationError(
            _("Enter a valid mainland China mobile number: 11 digits starting with 13–19."),
            code="invalid_phone",
        )
    return digits


def validate_phone(value: str) -> None:
    normalize_phone(value)


def mask_phone(phone: str) -> str:
    """138****5678: enough to recognise one's own number, not enough to call it."""
    if not phone or len(phone) < 7:
        return ""
    return f"{phone[:3]}****{phone[-4:]}"
