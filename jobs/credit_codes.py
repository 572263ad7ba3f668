"""Unified social credit codes (统一社会信用代码, GB 32100-2015)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_char(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(raw: str) -> str:
    code = (raw or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(_("A unified social credit code has 18 characters."), code="credit_code_length")
    if any(c not in ALPHABET for c in code):
        raise ValidationError(
            _("A unified social credit code uses only digits and the letters A–Y without I, O, S, V, Z."),
            code="credit_code_format",
        )
    if check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("The unified social credit code's check character is wrong (GB 32100)."), code="credit_code_checksum",
        )
    return code


def validate_credit_code(value: str) -> None:
    normalize_credit_code(value)
