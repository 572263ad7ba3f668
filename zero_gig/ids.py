"""Ids that arrive as text (form fields, query strings, path segments): ASCII digits only, within 64 bits.

`str.isdigit()` is true for "²" and "١٢", and `\\d` in a Python pattern matches every script's digits, so a
check with either lets through text that `int()` then refuses (a 500) or reads as another number."""

import re

MAX_ID = 2**63 - 1  # ids and seqs are 64-bit integers in every database
DIGITS = "[0-9]+"  # for URL patterns and lookup_value_regex
_ID = re.compile(r"[0-9]{1,19}")


def parse_id(value) -> int | None:
    """The positive id `value` names, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None
