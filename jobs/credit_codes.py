"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

Layout: 1 registration authority (a digit or a letter: 9 for market regulation, Y, N, A … for others),
2 kind of entity, 3–8 the administrative division code (six digits), 9–17 the organisation code,
18 the check character.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.identifiers import PROVINCE_CODES, ascii_form

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_REGION = re.compile(r"[0-9]{6}", re.ASCII)
REGISTRATION_AUTHORITIES = frozenset("123456789ANY")
FORMAT = _("A unified social credit code uses only digits and the letters A–Y without I, O, S, V, Z.")


def check_char(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(raw: str) -> str:
    """The 18 ASCII characters of a credit code as people type it (full-width, spaced, lower case), or a
    ValidationError naming the broken rule."""
    code = ascii_form(raw)
    if not code.isascii():
        raise ValidationError(FORMAT, code="credit_code_format")
    code = code.upper()
    if len(code) != 18:
        raise ValidationError(_("A unified social credit code has 18 characters."), code="credit_code_length")
    if any(c not in ALPHABET for c in code):
        raise ValidationError(FORMAT, code="credit_code_format")
    if not _REGION.fullmatch(code[2:8]):
        raise ValidationError(
            _("Characters 3 to 8 of a unified social credit code are the administrative division code: six digits."),
            code="credit_code_region",
        )
    if code[0] not in REGISTRATION_AUTHORITIES:
        raise ValidationError(_("The first character of a unified social credit code is its registration "
                                "authority: 1–9, A, N or Y."), code="credit_code_authority")
    if code[2:4] not in PROVINCE_CODES and code[2:4] != "10":  # 100000: organisations registered centrally
        raise ValidationError(_("Characters 3 and 4 of a unified social credit code are not a province of "
                                "China (GB/T 2260)."), code="credit_code_region")
    if check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("The unified social credit code's check character is wrong (GB 32100)."), code="credit_code_checksum",
        )
    return code


def validate_credit_code(value: str) -> None:
    normalize_credit_code(value)
