"""Mainland China mobile numbers: normalisation, validation against the national numbering plan, masking."""

import re
from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .identifiers import ascii_form

_ELEVEN_DIGITS = re.compile(r"1[0-9]{10}", re.ASCII)
_COUNTRY_PREFIXES = ("+86", "0086", "86")
# FIXED_LINE_OR_MOBILE is what the library says when a range could be either; China has none today.
_MOBILE_TYPES = frozenset({phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE})

ENTER_MOBILE = _("Enter a mainland China mobile number: 11 digits starting with 1.")
NOT_MOBILE = _("Numbers starting with %(prefix)s are not mobile numbers in China's national numbering plan "
               "(they are data-only, IoT or unassigned). Enter a mobile number.")
NOT_NORMALISED = _("Store the mobile number as its 11 ASCII digits, e.g. 13800000001.")


def is_mobile(digits: str) -> bool:
    """Whether the plan (phonenumbers' metadata, kept current by its maintainers) makes these 11 digits a mobile."""
    number = phonenumbers.parse(digits, "CN")
    return (phonenumbers.is_valid_number_for_region(number, "CN")
            and phonenumbers.number_type(number) in _MOBILE_TYPES)


@lru_cache(maxsize=256)
def _refused_prefix(digits: str) -> str:
    """The block to name in the refusal: three digits if none of it is mobile, else four (161x, 174x)."""
    block = digits[:3]
    if any(is_mobile(f"{block}{d}0000000") for d in range(10)):
        return digits[:4]
    return block


def normalize_phone(raw: str) -> str:
    """The 11 ASCII digits of a mainland mobile number as people type it, or a ValidationError with the rule.

    Accepts full-width digits, spaces, dots, dashes, brackets and a +86 / 0086 / 86 country prefix.
    """
    digits = ascii_form(raw)
    for prefix in _COUNTRY_PREFIXES:
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix):]
            break
    if not _ELEVEN_DIGITS.fullmatch(digits):
        raise ValidationError(ENTER_MOBILE, code="invalid_phone")
    if not is_mobile(digits):
        raise ValidationError(NOT_MOBILE % {"prefix": _refused_prefix(digits)}, code="not_mobile")
    return digits


def validate_phone(value: str) -> None:
    """Model validator: only the normalised form is stored (forms and services normalise before saving)."""
    if normalize_phone(value) != value:
        raise ValidationError(NOT_NORMALISED, code="phone_not_normalised")


def mask_phone(phone: str) -> str:
    """138****5678: enough to recognise one's own number, not enough to call it."""
    if not phone or len(phone) < 7:
        return ""
    return f"{phone[:3]}****{phone[-4:]}"
