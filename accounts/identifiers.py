"""The first step for every identifier people type (mobile number, resident ID number, credit code).

One number must have one spelling, or it gets two accounts: NFKC turns full-width, superscript and
circled digits into ASCII ones; what people put between characters (spaces, dots, dashes, brackets,
zero-width and other invisible format characters) goes; a decimal digit of another script (Arabic-Indic
٨, Devanagari ८ …) becomes its ASCII digit. Each identifier's own rule then accepts only ASCII
([0-9], not Python's Unicode-wide \\d or str.isdigit()), so nothing else reaches the database.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Far longer than any identifier with all its separators; a longer input is not worth normalising.
MAX_TYPED_LENGTH = 64
# Space and line separators, invisible format characters (U+200B, U+FEFF …), control characters, dashes.
_DROPPED_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cf", "Cc", "Pd"})
_DROPPED_CHARACTERS = frozenset(".·・。()[]")

TOO_LONG = _("This is too long to be a number of this kind.")
# The first two digits of an administrative division code (GB/T 2260) that a person's or an organisation's
# number can start its area with: the 31 provinces, autonomous regions and municipalities, 71 Taiwan, and
# 81, 82, 83 for the residence permits of Hong Kong, Macao and Taiwan residents.
PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
    "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83"})


def ascii_form(raw: str) -> str:
    """`raw` as it would be typed on an ASCII keyboard without separators; non-ASCII letters stay for the caller
    to refuse. Raises ValidationError for a value that is not text or is absurdly long."""
    if not isinstance(raw, str):
        raise ValidationError(_("Enter the number as text."), code="not_text")
    if len(raw) > MAX_TYPED_LENGTH:
        raise ValidationError(TOO_LONG, code="too_long")
    kept = []
    for char in unicodedata.normalize("NFKC", raw):
        category = unicodedata.category(char)
        if category in _DROPPED_CATEGORIES or char in _DROPPED_CHARACTERS:
            continue
        if category == "Nd" and not char.isascii():
            char = str(unicodedata.decimal(char))
        kept.append(char)
    return "".join(kept)
